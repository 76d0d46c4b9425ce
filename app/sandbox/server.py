"""The sandbox page: a small Slack in the browser, served next to the running app.

The page asks for its state (sidebar, the open channel's messages, the person's top modal, all
rendered to HTML here) with a long poll, and posts what the person does; `Dispatcher` turns
that into the signed requests Slack would send the app.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, abort, jsonify, request, send_from_directory

from app.sandbox.dispatch import Dispatcher
from app.sandbox.render import render_message, render_view
from app.sandbox.sample_workspace import APP_NAME, ROLES, WORKSPACE_NAME
from app.sandbox.slack_double import Message, SlackDouble, User

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
LONG_POLL_SECONDS = 20.0
SCHEDULER_RUNS = ("nudges", "summaries")
RECENT_VIOLATIONS = 5


@dataclass(frozen=True)
class SandboxControls:
    """What the page can ask of the process around the app (see runner.py)."""

    slack: SlackDouble
    dispatcher: Dispatcher
    run_scheduler: Callable[[str, datetime], tuple[bool, str]]  # ("nudges", as of) -> report
    reset: Callable[[], None]
    app_is_ready: Callable[[], bool]


def create_sandbox_app(controls: SandboxControls) -> Flask:
    slack, dispatcher = controls.slack, controls.dispatcher
    web = Flask(__name__, static_folder=None)

    @web.get("/")
    def page():
        return send_from_directory(STATIC_DIR, "index.html")

    @web.get("/static/<path:name>")
    def static_file(name: str):
        return send_from_directory(STATIC_DIR, name)

    @web.get("/sandbox/ready")
    def ready():
        if controls.app_is_ready():
            return jsonify(ok=True)
        return jsonify(ok=False, error="the app is not answering yet"), 503

    @web.get("/sandbox/state")
    def state():
        user_id = _viewer(slack, request.args.get("user"))
        since = request.args.get("since", type=int)
        if since is not None and since >= slack.version:
            slack.wait_for_change(since, LONG_POLL_SECONDS)
        return jsonify(page_state(slack, user_id, request.args.get("channel")))

    @web.post("/sandbox/command")
    def command():
        data = _json()
        user_id = _person(slack, data.get("user")).id
        channel_id = _channel(slack, user_id, data.get("channel"))
        text = (data.get("text") or "").strip()
        if not text:
            return jsonify(ok=True)
        if text.startswith("/"):
            name, _, rest = text.partition(" ")
            dispatcher.slash_command(user_id, channel_id, name, rest.strip())
        else:
            slack.post_as_user(channel_id, user_id, text)
        return jsonify(ok=True)

    @web.post("/sandbox/views/submit")
    def submit_view():
        data = _json()
        user_id = _person(slack, data.get("user")).id
        problem = dispatcher.submit_view(user_id, data.get("view_id", ""), data.get("values", {}))
        return jsonify(ok=problem is None, error=problem)

    @web.post("/sandbox/views/close")
    def close_view():
        data = _json()
        dispatcher.close_view(_person(slack, data.get("user")).id, data.get("view_id", ""))
        return jsonify(ok=True)

    @web.post("/sandbox/actions")
    def act():
        data = _json()
        user_id = _person(slack, data.get("user")).id
        action, values = data.get("action") or {}, data.get("values") or {}
        if not action.get("action_id") or "block_id" not in action:
            abort(400)
        if data.get("view_id"):
            problem = dispatcher.act_in_view(user_id, data["view_id"], action, values)
        else:
            channel_id = _channel(slack, user_id, data.get("channel"))
            problem = dispatcher.act_in_message(
                user_id, channel_id, data.get("message_ts", ""), action, values
            )
        return jsonify(ok=problem is None, error=problem)

    @web.post("/sandbox/home")
    def open_home():
        problem = dispatcher.open_home(_person(slack, _json().get("user")).id)
        return jsonify(ok=problem is None, error=problem)

    @web.post("/sandbox/clock")
    def clock():
        data = _json()
        user = _person(slack, data.get("user"))
        run = data.get("run")
        if run not in SCHEDULER_RUNS:
            abort(400)
        try:
            local = datetime.fromisoformat(data.get("at") or "")
        except ValueError:
            return jsonify(ok=False, error="Pick a date and a time."), 400
        as_of = local.replace(tzinfo=ZoneInfo(user.tz)) if local.tzinfo is None else local
        ok, report = controls.run_scheduler(run, as_of)
        return jsonify(ok=ok, report=report, as_of=as_of.isoformat())

    @web.post("/sandbox/reset")
    def reset():
        controls.reset()
        return jsonify(ok=True)

    return web


def page_state(slack: SlackDouble, user_id: str, channel_id: str | None) -> dict:
    """Everything the page shows to `user_id`, with `channel_id` (default: the app's DM) open."""
    version = slack.version  # read first: a change while rendering makes the next poll return
    me = slack.user(user_id)
    if me is None:
        raise ValueError(f"no user {user_id}")
    directory = slack.directory()
    app_dm = slack.dm_channel_id(user_id)
    channels = slack.channels()
    open_id = channel_id if channel_id in {c.id for c in channels} | {app_dm} else app_dm
    open_name = next((c.name for c in channels if c.id == open_id), APP_NAME)

    def latest(channel: str) -> str:
        visible = _visible(slack.messages(channel), user_id)
        return visible[-1].ts if visible else ""

    top = slack.top_view(user_id)
    modal = None
    if top is not None:
        html = render_view(
            top, viewer_zone=me.tz, errors=slack.view_errors(top["id"]), directory=directory
        )
        modal = {
            "id": top["id"],
            "key": hashlib.sha1(html.encode()).hexdigest(),
            "html": html,
            "depth": slack.stack_depth(user_id),
        }
    home_view = slack.home_view(user_id)
    home = None
    if home_view is not None:
        home = {
            "id": home_view["id"],
            "html": render_view(home_view, viewer_zone=me.tz, directory=directory),
        }
    violations = slack.violations
    return {
        "version": version,
        "workspace": WORKSPACE_NAME,
        "me": _person_json(me),
        "people": [_person_json(u) for u in slack.users()],
        "channels": [
            {"id": c.id, "name": c.name, "latest": latest(c.id)}
            for c in channels
            if not c.is_archived
        ],
        "apps": [{"id": app_dm, "name": APP_NAME, "latest": latest(app_dm)}],
        "channel": {
            "id": open_id,
            "name": open_name,
            "is_app": open_id == app_dm,
            "html": messages_html(slack, open_id, user_id, me.tz, directory),
        },
        "modal": modal,
        "home": home,
        "violations": {"total": len(violations), "recent": violations[-RECENT_VIOLATIONS:]},
        "clock_default": _clock_default(me.tz),
    }


def messages_html(
    slack: SlackDouble, channel_id: str, viewer_id: str, zone: str, directory: dict
) -> str:
    """The channel's messages as the viewer sees them: replies folded under their parent."""
    visible = _visible(slack.messages(channel_id), viewer_id)
    replies: dict[str, list[Message]] = {}
    for message in visible:
        if message.thread_ts and message.thread_ts != message.ts:
            replies.setdefault(message.thread_ts, []).append(message)
    names = dict(directory["users"]) | {slack.bot_user_id: APP_NAME}

    def post(message: Message, thread: str = "") -> str:
        return _post_html(message, channel_id, names, zone, directory, thread)

    parts = []
    for message in visible:
        if message.thread_ts and message.thread_ts != message.ts:
            continue
        thread = replies.get(message.ts, [])
        folded = ""
        if thread:
            count = f"{len(thread)} {'reply' if len(thread) == 1 else 'replies'}"
            folded = (
                f'<details class="sb-thread"><summary>{count}</summary>'
                f"{''.join(post(reply) for reply in thread)}</details>"
            )
        parts.append(post(message, folded))
    if not parts:
        return '<p class="sb-empty">No messages yet.</p>'
    return "".join(parts)


def _post_html(
    message: Message, channel_id: str, names: dict, zone: str, directory: dict, thread: str
) -> str:
    posted = datetime.fromtimestamp(float(message.ts), ZoneInfo(zone))
    author = names.get(message.user, message.user)
    badge = '<span class="sb-app-badge">APP</span>' if author == APP_NAME else ""
    ephemeral = (
        '<span class="sb-post-ephemeral">Only visible to you</span>' if message.ephemeral_to else ""
    )
    edited = '<span class="sb-post-edited">(edited)</span>' if message.edited else ""
    body = render_message(
        {
            "ts": message.ts,
            "thread_ts": message.thread_ts,
            "user": message.user,
            "text": message.text,
            "blocks": message.blocks,
        },
        viewer_zone=zone,
        directory=directory,
    )
    initials = "".join(word[0] for word in author.split()[:2]).upper()
    return (
        f'<div class="sb-post{" sb-post-is-ephemeral" if message.ephemeral_to else ""}" '
        f'data-ts="{escape(message.ts)}" data-channel-id="{escape(channel_id)}">'
        f'<div class="sb-avatar" aria-hidden="true">{escape(initials)}</div>'
        f'<div class="sb-post-main"><div class="sb-post-meta">'
        f'<span class="sb-post-author">{escape(author)}</span>{badge}'
        f'<time class="sb-post-time" datetime="{posted.isoformat()}">'
        f"{posted.strftime('%b %-d, %-I:%M %p')}</time>{edited}{ephemeral}</div>"
        f"{body}{thread}</div></div>"
    )


def _visible(messages: list[Message], viewer_id: str) -> list[Message]:
    return [m for m in messages if m.ephemeral_to in (None, viewer_id)]


def _person_json(user) -> dict:
    return {
        "id": user.id,
        "name": user.real_name,
        "tz": user.tz,
        "role": ROLES.get(user.id, "Member"),
        "is_admin": user.is_admin,
    }


def _clock_default(zone: str) -> str:
    """Tomorrow at 09:30 in the viewer's zone: inside the default nudge morning."""
    tomorrow = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(9, 30)).strftime("%Y-%m-%dT%H:%M")


def _json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


def _person(slack: SlackDouble, user_id: str | None) -> User:
    """A person of the workspace (not the bot); 404 for anyone else."""
    user = slack.user(user_id or "")
    if user is None or user.is_bot:
        abort(404)
    return user


def _viewer(slack: SlackDouble, user_id: str | None) -> str:
    """The person whose page this is; the first sample person for a new visitor."""
    user = slack.user(user_id or "")
    if user is None or user.is_bot:
        return slack.users()[0].id
    return user.id


def _channel(slack: SlackDouble, user_id: str, channel_id: str | None) -> str:
    """A channel the person can see: a channel of the workspace or their DM with the app."""
    if channel_id in {c.id for c in slack.channels()}:
        return channel_id
    return slack.dm_channel_id(user_id)
