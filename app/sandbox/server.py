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
from datetime import UTC, datetime, time, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, abort, jsonify, redirect, request, send_from_directory

from app.sandbox.dispatch import Dispatcher
from app.sandbox.render import render_message, render_view
from app.sandbox.sample_calendar import FEED_PATH, feed_path, sample_feed
from app.sandbox.sample_workspace import APP_NAME, ROLES, WORKSPACE_NAME
from app.sandbox.slack_double import Message, SlackDouble, User
from app.slack.listeners.shortcuts import SHORTCUTS

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
LONG_POLL_SECONDS = 20.0
SCHEDULER_RUNS = ("nudges", "summaries", "calendars")
RECENT_VIOLATIONS = 5


@dataclass(frozen=True)
class SandboxControls:
    """What the page can ask of the process around the app (see runner.py)."""

    slack: SlackDouble
    dispatcher: Dispatcher
    run_scheduler: Callable[[str, datetime], tuple[bool, str]]  # ("nudges", as of) -> report
    reset: Callable[[], None]
    app_is_ready: Callable[[], bool]
    # The app's own install page (OAuth): the flow an admin goes through to add the app.
    install_url: str | None = None
    # (run, as of, the pass's report) -> the report in plain words.
    explain: Callable[[str, datetime, str], str] = lambda run, as_of, report: report
    # Where the app reaches this page's sample calendar feeds ("" shows none).
    calendar_base: str = ""


def create_sandbox_app(controls: SandboxControls) -> Flask:
    slack, dispatcher = controls.slack, controls.dispatcher
    web = Flask(__name__, static_folder=None)

    @web.get("/")
    def page():
        return send_from_directory(STATIC_DIR, "index.html")

    @web.get("/static/<path:name>")
    def static_file(name: str):
        return send_from_directory(STATIC_DIR, name)

    @web.get("/sandbox/install")
    def install():
        if controls.install_url is None:
            return jsonify(ok=False, error="the app does not install through OAuth here"), 404
        return redirect(controls.install_url)

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
        channel = request.args.get("channel")
        state = page_state(slack, user_id, channel, controls.calendar_base)
        now = sandbox_now(slack).astimezone(ZoneInfo(state["me"]["tz"]))
        return jsonify(
            state
            | {
                "clock_default": _clock_default(state["me"]["tz"], now),
                "clock_now": now.strftime("%a %-d %b, %-I:%M %p"),
            }
        )

    @web.get(FEED_PATH.replace("{user_id}", "<user_id>"))
    def sample_calendar(user_id: str):
        """A sample person's calendar, read by the app when the visitor connects it and by its
        calendar pass; what the customers changed shows once the sandbox's clock is there."""
        person = slack.user(user_id)
        if person is None or person.is_bot or not person.email:
            abort(404)
        feed = sample_feed(person.id, person.email, person.tz, sandbox_now(slack))
        return feed, 200, {"Content-Type": "text/calendar; charset=utf-8"}

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
        said = controls.explain(run, as_of, report) if ok else report
        return jsonify(ok=ok, report=said, details=report, as_of=as_of.isoformat())

    @web.post("/sandbox/shortcut")
    def shortcut():
        data = _json()
        user_id = _person(slack, data.get("user")).id
        channel_id = _channel(slack, user_id, data.get("channel"))
        callback_id = data.get("callback_id") or ""
        problem = dispatcher.shortcut(user_id, channel_id, callback_id, data.get("message_ts"))
        return jsonify(ok=problem is None, error=problem)

    @web.post("/sandbox/reset")
    def reset():
        controls.reset()
        return jsonify(ok=True)

    return web


def sandbox_now(slack: SlackDouble) -> datetime:
    """The sandbox's time: the double's clock, which the app's clock is set to (runner.py)."""
    return datetime.fromtimestamp(slack.now(), UTC)


def page_state(
    slack: SlackDouble, user_id: str, channel_id: str | None, calendar_base: str = ""
) -> dict:
    """Everything the page shows to `user_id`, with `channel_id` (default: the app's DM) open;
    "today" and "tomorrow" as the sandbox's clock reads them."""
    version = slack.version  # read first: a change while rendering makes the next poll return
    now = sandbox_now(slack)
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
            top,
            viewer_zone=me.tz,
            errors=slack.view_errors(top["id"]),
            directory=directory,
            now=now,
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
            "html": messages_html(slack, open_id, user_id, me.tz, directory, now),
        },
        "modal": modal,
        "home": home,
        "violations": {"total": len(violations), "recent": violations[-RECENT_VIOLATIONS:]},
        "shortcuts": [
            {"callback_id": s.callback_id, "name": s.name, "type": s.type} for s in SHORTCUTS
        ],
        "calendar_address": calendar_base + feed_path(me.id) if calendar_base else None,
    }


def messages_html(
    slack: SlackDouble,
    channel_id: str,
    viewer_id: str,
    zone: str,
    directory: dict,
    now: datetime | None = None,
) -> str:
    """The channel's messages as the viewer sees them: replies folded under their parent."""
    visible = _visible(slack.messages(channel_id), viewer_id)
    replies: dict[str, list[Message]] = {}
    for message in visible:
        if message.thread_ts and message.thread_ts != message.ts:
            replies.setdefault(message.thread_ts, []).append(message)
    names = dict(directory["users"]) | {slack.bot_user_id: APP_NAME}

    def post(message: Message, thread: str = "") -> str:
        return _post_html(message, channel_id, names, zone, directory, thread, now)

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
    message: Message,
    channel_id: str,
    names: dict,
    zone: str,
    directory: dict,
    thread: str,
    now: datetime | None,
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
            "files": message.files,
        },
        viewer_zone=zone,
        directory=directory,
        now=now,
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
        f"{body}{thread}</div>{'' if message.ephemeral_to else _more_actions()}</div>"
    )


def _more_actions() -> str:
    """A message's "more actions" menu: the app's message shortcuts, as Slack lists them."""
    items = "".join(
        f'<button type="button" class="sb-menu-item" data-shortcut="{escape(s.callback_id)}">'
        f"{escape(s.name)}</button>"
        for s in SHORTCUTS
        if s.type == "message"
    )
    return (
        '<details class="sb-more-actions"><summary aria-label="More actions">⋯</summary>'
        f'<div class="sb-menu" role="menu"><p class="sb-menu-heading">{APP_NAME}</p>'
        f"{items}</div></details>"
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


def _clock_default(zone: str, now: datetime) -> str:
    """Tomorrow (by the sandbox's clock) at 09:30 in the viewer's zone: inside the default
    nudge morning."""
    tomorrow = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
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
