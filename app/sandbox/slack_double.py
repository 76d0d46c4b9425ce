"""A local Slack Web API: a small workspace, every call recorded and validated, faults on demand."""

from __future__ import annotations

import contextlib
import copy
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from app.sandbox.inbound import DEFAULT_APP_ID, DEFAULT_TEAM_DOMAIN, trigger_user
from app.sandbox.limits import (
    MESSAGE_TEXT_MAX,
    slack_error,
    validate_message_blocks,
    validate_view,
)

API_PATH = "/api/"
HOOK_PATH = "/hooks/"
# Slack's rule for a response_url: at most 5 uses within 30 minutes of its issue
# (the double counts the posts it carried out, not the ones it refused).
HOOK_MAX_USES = 5
HOOK_LIFETIME = 30 * 60
# Fields Slack takes as JSON; form-encoded calls carry them as JSON strings.
JSON_FIELDS = ("view", "blocks", "attachments", "metadata", "user_auth_blocks")
VIEW_STACK_MAX = 3
# Methods Slack answers without a token.
UNAUTHENTICATED_METHODS = ("api.test",)
# What a snapshot keeps of the team and its app, by attribute name.
_TEAM_FIELDS = (
    "team_id",
    "team_name",
    "team_domain",
    "bot_user_id",
    "bot_id",
    "bot_name",
    "app_id",
    "bot_token",
)
# Elements that carry no action_id, so Slack does not generate one for them.
_STATIC_ELEMENT_TYPES = ("image", "plain_text", "mrkdwn")


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as the double received and answered it."""

    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]
    time: float
    token: str | None = None


@dataclass
class User:
    id: str
    name: str
    real_name: str
    tz: str
    is_admin: bool
    is_owner: bool
    deleted: bool
    team_id: str
    is_bot: bool
    display_name: str | None = None  # None: the handle, as many people leave it


@dataclass
class Channel:
    id: str
    name: str
    is_member: bool = True
    is_archived: bool = False
    is_private: bool = False
    dm_user: str | None = None
    created: int = 0

    @property
    def is_im(self) -> bool:
        return self.dm_user is not None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict]
    user: str
    thread_ts: str | None = None
    attachments: list[dict] | None = None
    metadata: dict | None = None
    ephemeral_to: str | None = None
    edited: dict | None = None


@dataclass
class _Fault:
    error: str | None
    status: int
    retry_after: int | None
    delay: float
    remaining: int


@dataclass
class _Hook:
    """A response_url: where its messages go and how often it has been used."""

    channel: str
    user: str
    message_ts: str | None
    created: float
    uses: int = 0


@dataclass
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    text: str | None = None  # a plain-text body instead of `body`, as hooks answer "ok"


class _SlackError(Exception):
    """Ends a method early with Slack's `{"ok": false, "error": ...}` plus any extra fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class SlackDouble:
    """A threaded HTTP server on 127.0.0.1 answering Slack Web API methods like Slack does."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T0001",
        team_name: str = "Acme",
        team_domain: str = DEFAULT_TEAM_DOMAIN,
        bot_user_id: str = "U0COACHBOT",
        bot_id: str = "B0COACHBOT",
        bot_name: str = "coach",
        app_id: str = DEFAULT_APP_ID,
        bot_token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.bot_token = bot_token or f"xoxb-{team_id}-{secrets.token_hex(12)}"
        self._host = host
        self._port = port
        self._clock = clock
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

        self._lock = threading.RLock()
        self._recorded = threading.Condition(self._lock)
        self._calls: list[RecordedCall] = []
        self._violations: list[str] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._next_id = 1
        self._last_ts_micros = 0
        self._version = 0

        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self._usergroups: dict[str, tuple[str, list[str]]] = {}
        self._messages: dict[str, list[Message]] = {}
        self._views: dict[str, dict] = {}
        self._view_ids_by_external_id: dict[str, str] = {}
        self._view_stacks: dict[str, list[str]] = {}
        self._home_views: dict[str, str] = {}
        self._view_errors: dict[str, dict[str, str]] = {}
        self._hooks: dict[str, _Hook] = {}
        self._used_triggers: set[str] = set()
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "usergroups.list": self._usergroups_list,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }
        self.add_user(bot_user_id, name=bot_name, real_name=bot_name.title(), is_bot=True)

    # ----- lifecycle

    def start(self) -> SlackDouble:
        if self._server is not None:
            raise RuntimeError("the Slack double is already running")
        self._stopping.clear()
        self._server = _Server((self._host, self._port), _RequestHandler)
        self._server.double = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-double",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        # Wakes handlers sleeping on an injected delay, so stopping never waits for them.
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> SlackDouble:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """The base URL for `WebClient(base_url=...)`, ending with "/"."""
        return f"{self._origin()}{API_PATH}"

    def _origin(self) -> str:
        if self._server is None:
            raise RuntimeError("start the Slack double before asking for its URL")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ----- the workspace

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        team_id: str | None = None,
        is_bot: bool = False,
        display_name: str | None = None,
    ) -> None:
        ZoneInfo(tz)  # an unknown zone fails here, not in the middle of a users.info call
        with self._lock:
            self._users[user_id] = User(
                id=user_id,
                name=name,
                real_name=real_name or name,
                tz=tz,
                is_admin=is_admin,
                is_owner=is_owner,
                deleted=deleted,
                team_id=team_id or self.team_id,
                is_bot=is_bot,
                display_name=display_name,
            )
            self._changed()

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
    ) -> None:
        with self._lock:
            self._channels[channel_id] = Channel(
                id=channel_id,
                name=name,
                is_member=is_member,
                is_archived=is_archived,
                is_private=is_private,
                created=int(self._clock()),
            )
            self._changed()

    def add_usergroup(self, usergroup_id: str, handle: str, users: list[str]) -> None:
        with self._lock:
            self._usergroups[usergroup_id] = (handle, list(users))
            self._changed()

    def dm_channel_id(self, user_id: str) -> str:
        """The id of the bot's DM with `user_id` (Slack has one for every user)."""
        with self._lock:
            return self._dm_channel(user_id).id

    def messages(self, channel: str) -> list[Message]:
        """The messages in a channel (or the DM with a user id), oldest first, ephemerals too."""
        with self._lock:
            if channel[:1] in ("U", "W"):
                channel = self._dm_channel(channel).id
            return copy.deepcopy(self._messages.get(channel, []))

    def view_stack(self, user_id: str) -> list[dict]:
        """The modals open for `user_id`, root first, as views.* last returned them."""
        with self._lock:
            return [copy.deepcopy(self._views[v]) for v in self._view_stacks.get(user_id, [])]

    def get_view(self, view_id: str) -> dict | None:
        with self._lock:
            return copy.deepcopy(self._views.get(view_id))

    def home_view(self, user_id: str) -> dict | None:
        with self._lock:
            view_id = self._home_views.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def top_view(self, user_id: str) -> dict | None:
        """The modal `user_id` sees: the top of their stack."""
        with self._lock:
            stack = self._view_stacks.get(user_id)
            return copy.deepcopy(self._views[stack[-1]]) if stack else None

    def stack_depth(self, user_id: str) -> int:
        with self._lock:
            return len(self._view_stacks.get(user_id, []))

    def view_errors(self, view_id: str) -> dict[str, str]:
        """The inline errors a response_action shows on a view: block_id -> message."""
        with self._lock:
            return dict(self._view_errors.get(view_id, {}))

    def users(self, *, include_bots: bool = False) -> list[User]:
        with self._lock:
            return [copy.copy(u) for u in self._users.values() if include_bots or not u.is_bot]

    def user(self, user_id: str) -> User | None:
        with self._lock:
            user = self._users.get(user_id)
            return copy.copy(user) if user else None

    def channels(self) -> list[Channel]:
        """The workspace's channels, DMs left out."""
        with self._lock:
            return [copy.copy(c) for c in self._channels.values() if not c.is_im]

    def directory(self) -> dict[str, list[tuple[str, str]]]:
        """Who and where a person can pick in a select: the Block Kit renderer's `directory`."""
        with self._lock:
            return {
                "users": [
                    (u.id, u.real_name)
                    for u in self._users.values()
                    if not u.is_bot and not u.deleted
                ],
                "channels": [
                    (c.id, c.name)
                    for c in self._channels.values()
                    if not c.is_im and not c.is_archived
                ],
                "usergroups": [
                    (group_id, handle) for group_id, (handle, _) in self._usergroups.items()
                ],
            }

    # ----- persistence

    def snapshot(self) -> dict[str, Any]:
        """The workspace as JSON-ready data: team, users, channels, messages; no views nor calls."""
        with self._lock:
            return copy.deepcopy(
                {
                    "team": {name: getattr(self, name) for name in _TEAM_FIELDS},
                    "users": [asdict(u) for u in self._users.values()],
                    "channels": [asdict(c) for c in self._channels.values()],
                    "dm_by_user": self._dm_by_user,
                    "usergroups": {
                        group_id: {"handle": handle, "users": users}
                        for group_id, (handle, users) in self._usergroups.items()
                    },
                    "messages": [asdict(m) for ms in self._messages.values() for m in ms],
                    # New ids and ts continue after the restored ones, never reusing them.
                    "next_id": self._next_id,
                    "last_ts_micros": self._last_ts_micros,
                }
            )

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace the workspace with a `snapshot()`; views, hooks, calls and faults are dropped."""
        snapshot = copy.deepcopy(snapshot)
        with self._lock:
            self._forget()
            self._faults.clear()
            for name in _TEAM_FIELDS:
                setattr(self, name, snapshot["team"][name])
            self._users = {u["id"]: User(**u) for u in snapshot["users"]}
            self._channels = {c["id"]: Channel(**c) for c in snapshot["channels"]}
            self._dm_by_user = dict(snapshot["dm_by_user"])
            self._usergroups = {
                group_id: (group["handle"], list(group["users"]))
                for group_id, group in snapshot["usergroups"].items()
            }
            for fields in snapshot["messages"]:
                self._messages.setdefault(fields["channel"], []).append(Message(**fields))
            self._next_id = max(self._next_id, snapshot["next_id"])
            self._last_ts_micros = max(self._last_ts_micros, snapshot["last_ts_micros"])
            self._changed()

    def clear(self) -> None:
        """An empty workspace: only the bot user is left; the team and bot token stay."""
        with self._lock:
            bot = self._users[self.bot_user_id]
            self._forget()
            self._users[bot.id] = bot
            self._changed()

    def _forget(self) -> None:
        """Drop everything but the team, the faults and the id counters (ids are never reused)."""
        for state in (
            self._users,
            self._channels,
            self._dm_by_user,
            self._usergroups,
            self._messages,
            self._views,
            self._view_ids_by_external_id,
            self._view_stacks,
            self._home_views,
            self._view_errors,
            self._hooks,
            self._used_triggers,
            self._calls,
            self._violations,
        ):
            state.clear()

    # ----- response_url hooks

    def response_url(self, *, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for an interaction of `user` in `channel` (about `message_ts`, if any).

        `channel` may be a user id: the bot's DM with that user. The double must be running.
        """
        with self._lock:
            token = secrets.token_urlsafe(16)
            self._hooks[token] = _Hook(channel, user, message_ts, created=self._clock())
        return f"{self._origin()}{HOOK_PATH}{token}"

    # ----- what a person does in the Slack client

    def post_as_user(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """A person's own message; `channel` may be a user id: the bot's DM with that user."""
        with self._lock:
            if user not in self._users:
                raise ValueError(f"no user {user}")
            if not text:
                raise ValueError("a message needs text")
            place = self._place(channel)
            if place is None or place.is_archived:
                raise ValueError(f"nobody can post in {channel}")
            message = Message(place.id, self._next_ts(), text, [], user, thread_ts=thread_ts)
            self._messages.setdefault(place.id, []).append(message)
            self._changed()
            return copy.deepcopy(message)

    def post_notice(
        self, channel: str, user: str, text: str, blocks: list | None = None
    ) -> Message | None:
        """An ephemeral message to `user` from the app or Slack, e.g. a slash command's ack body.

        None when Slack would show nothing: no content, or blocks it refuses (recorded).
        """
        with self._lock:
            place = self._place(channel)
            if place is None:
                raise ValueError(f"no channel {channel}")
            args: dict[str, Any] = {"text": text} | ({"blocks": blocks} if blocks else {})
            try:
                message = self._new_message("post_notice", place, args)
            except _SlackError:
                return None
            message.ephemeral_to = user
            self._messages.setdefault(place.id, []).append(message)
            self._changed()
            return copy.deepcopy(message)

    def set_view_state(self, view_id: str, values: dict) -> None:
        """Keep what a person typed in a view (`state.values`), so re-rendering shows it."""
        with self._lock:
            self._views[view_id]["state"] = {"values": copy.deepcopy(values)}
            self._changed()

    def apply_submission_response(self, user: str, view_id: str, body: dict | None) -> str | None:
        """Do what Slack does with the app's ack of a view_submission of `user`'s top view.

        Returns what Slack tells the person when it refuses the answer, else None.
        """
        with self._lock:
            stack = self._view_stacks.get(user, [])
            if not stack or stack[-1] != view_id:
                return None  # a late answer about a view that is gone already
            body = body or {}
            action = body.get("response_action")
            try:
                if action in ("update", "push"):
                    view = self._checked_view("response_action", body.get("view"), "modal")
                if action is None:
                    self._pop_view(user)
                elif action == "errors":
                    self._view_errors[view_id] = self._checked_errors(view_id, body.get("errors"))
                elif action == "update":
                    self._replace_view(self._views[view_id], view)
                elif action == "push":
                    if len(stack) >= VIEW_STACK_MAX:
                        limit = f"at most {VIEW_STACK_MAX} views can be stacked"
                        self._refuse("response_action", [slack_error(limit, "/view")])
                    stack.append(self._store_view(view, previous_view_id=view_id)["id"])
                elif action == "clear":
                    while user in self._view_stacks:
                        self._pop_view(user)
                else:
                    unknown = f"unknown response_action {action!r}"
                    self._refuse("response_action", [slack_error(unknown, "/response_action")])
            except _SlackError as refusal:
                problems = refusal.extra.get("response_metadata", {}).get("messages")
                first = problems[0].removeprefix("[ERROR] ") if problems else refusal.error
                return f"Slack refused the app's view: {first}"
            finally:
                self._changed()  # a refusal records violations: a change too
            return None

    def close_view(self, user: str, view_id: str) -> dict | None:
        """The person closed their top view (Close, Cancel or back): the one below shows again.

        Returns the closed view, typed state included, for a view_closed; None if it is not on top.
        """
        with self._lock:
            stack = self._view_stacks.get(user)
            if not stack or stack[-1] != view_id:
                return None
            closed = copy.deepcopy(self._views[view_id])
            self._pop_view(user)
            return closed

    # ----- recording

    @property
    def version(self) -> int:
        """Grows with every change a person could see: messages, views, violations, the team."""
        with self._lock:
            return self._version

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until `version` passes `since` or `timeout` runs out; return the version."""
        with self._recorded:
            self._recorded.wait_for(lambda: self._version > since, timeout)
            return self._version

    def violations_since(self, index: int) -> list[str]:
        """The violations recorded after the first `index` (a past `len(violations)`)."""
        with self._lock:
            return self._violations[index:]

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def clear_calls(self) -> None:
        """Forget recorded calls (not violations, nor the state of the workspace)."""
        with self._lock:
            self._calls.clear()

    @property
    def violations(self) -> list[str]:
        """Every Block Kit problem Slack would have refused, as "<method>: [ERROR] ..."."""
        with self._lock:
            return list(self._violations)

    def wait_for(
        self,
        method: str,
        predicate: Callable[[RecordedCall], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[RecordedCall]:
        """Block until `count` calls of `method` matching `predicate` are recorded; return all."""

        def matching() -> list[RecordedCall]:
            return [
                c for c in self._calls if c.method == method and (predicate is None or predicate(c))
            ]

        with self._recorded:
            if self._recorded.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            found = len(matching())
            recorded = [c.method for c in self._calls]
        raise AssertionError(
            f"waited {timeout}s for {count} matching {method} call(s), got {found}; "
            f"recorded calls: {recorded}"
        )

    # ----- faults

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with a fault instead of, or before, the answer.

        status=429: rate limited, with a Retry-After header (`retry_after`, default 1 s).
        status>=500: a server error. `error` with status 200: `{"ok": false, "error": error}`.
        `delay` alone: the call is answered normally, `delay` seconds late (a client timeout),
        and its effects (a posted message...) happen all the same, as they do on Slack.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if retry_after is not None and status != 429:
            raise ValueError("retry_after goes with status=429")
        if status == 200 and error is None and not delay:
            raise ValueError("give an error, a non-200 status or a delay")
        with self._lock:
            self._faults.setdefault(method, []).append(
                _Fault(error, status, retry_after, delay, remaining=times)
            )

    # ----- serving one request

    def _serve(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        unreadable: str | None,
        hook: str | None = None,
    ) -> _Answer:
        """Answer and record one call; `unreadable` is Slack's error for a body it cannot decode.

        A POST to the response_url `hook` is recorded as a call of the method "response_url".
        """
        with self._recorded:
            fault = self._take_fault(method)
            if fault is not None and (fault.status != 200 or fault.error is not None):
                answer = self._fault_answer(fault)
            elif hook is not None:
                answer = self._hook_answer(hook, args, unreadable)
            elif unreadable is not None:
                answer = _Answer(200, {"ok": False, "error": unreadable})
            else:
                answer = _Answer(200, self._answer(method, args, token))
            answer.delay = fault.delay if fault is not None else 0.0
            self._calls.append(
                RecordedCall(
                    method=method,
                    args=copy.deepcopy(args),
                    status=answer.status,
                    response=copy.deepcopy(answer.body),
                    time=self._clock(),
                    token=token,
                )
            )
            self._recorded.notify_all()
        return answer

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.pop(0)
        return fault

    @staticmethod
    def _fault_answer(fault: _Fault) -> _Answer:
        if fault.status == 429:
            body = {"ok": False, "error": fault.error or "ratelimited"}
            return _Answer(429, body, {"Retry-After": str(fault.retry_after or 1)})
        if fault.status >= 500:
            return _Answer(fault.status, {"ok": False, "error": fault.error or "fatal_error"})
        return _Answer(fault.status, {"ok": False, "error": fault.error or "invalid_request"})

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        handler = self._methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        if method not in UNAUTHENTICATED_METHODS:
            if not token:
                return {"ok": False, "error": "not_authed"}
            if token != self.bot_token:
                return {"ok": False, "error": "invalid_auth"}
        try:
            return {"ok": True, **handler(args)}
        except _SlackError as refusal:
            return {"ok": False, "error": refusal.error, **refusal.extra}

    def _hook_answer(self, token: str, body: dict[str, Any], unreadable: str | None) -> _Answer:
        """What Slack answers a POST to a response_url, having done what it asks."""
        hook = self._hooks.get(token)
        expired = hook is None or self._clock() - hook.created > HOOK_LIFETIME
        if expired or hook.uses >= HOOK_MAX_USES:
            # Slack cannot tell a forgotten hook from a made-up one: both have expired.
            return _Answer(404, {"ok": False, "error": "expired_url"})
        if unreadable is not None:
            return _Answer(400, {"ok": False, "error": unreadable})
        try:
            self._apply_hook(hook, body)
        except _SlackError as refusal:
            return _Answer(400, {"ok": False, "error": refusal.error, **refusal.extra})
        hook.uses += 1
        self._changed()
        return _Answer(200, {"ok": True}, text="ok")

    def _apply_hook(self, hook: _Hook, body: dict[str, Any]) -> None:
        channel = self._place(hook.channel)
        if channel is None:
            raise _SlackError("channel_not_found")
        if _flag(body.get("delete_original")):
            self._messages[channel.id].remove(self._original(hook, channel))
            return
        message = self._new_message("response_url", channel, body)
        if _flag(body.get("replace_original")):
            # The whole message is replaced: a field left out is gone, as on Slack.
            original = self._original(hook, channel)
            original.text, original.blocks = message.text, message.blocks
            original.attachments = message.attachments
            original.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
            return
        message.thread_ts = body.get("thread_ts") or None
        if body.get("response_type") != "in_channel":
            message.ephemeral_to = hook.user
        self._messages.setdefault(channel.id, []).append(message)

    def _original(self, hook: _Hook, channel: Channel) -> Message:
        """The message a hook is about: a message everybody sees, or an ephemeral to its user."""
        for message in self._messages.get(channel.id, []):
            if message.ts == hook.message_ts and message.ephemeral_to in (None, hook.user):
                return message
        raise _SlackError("message_not_found")

    # ----- methods

    def _api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"args": args}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _team_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("team") not in (None, "", self.team_id):
            raise _SlackError("team_not_found")
        team = {
            "id": self.team_id,
            "name": self.team_name,
            "domain": self.team_domain,
            "email_domain": "",
            "icon": {"image_default": True},
            "is_verified": False,
        }
        return {"team": team}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(_required(args, "user"))
        if user is None:
            raise _SlackError("user_not_found")
        return {"user": self._user_object(user)}

    def _usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        usergroups = []
        for usergroup_id, (handle, users) in self._usergroups.items():
            usergroup = {
                "id": usergroup_id,
                "team_id": self.team_id,
                "is_usergroup": True,
                "name": handle,
                "handle": handle,
                "user_count": len(users),
                "date_delete": 0,
            }
            if _flag(args.get("include_users")):
                usergroup["users"] = list(users)
            usergroups.append(usergroup)
        return {"usergroups": usergroups}

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        usergroup = self._usergroups.get(_required(args, "usergroup"))
        if usergroup is None:
            raise _SlackError("no_such_subteam")
        return {"users": list(usergroup[1])}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            channel = self._visible_channel(args["channel"])
            existed = True
        else:
            user_ids = [u for u in _required(args, "users").split(",") if u]
            if len(user_ids) != 1:
                raise _invalid_arguments("the Slack double opens DMs with one user only", "/users")
            user = self._users.get(user_ids[0])
            if user is None:
                raise _SlackError("user_not_found")
            if user.deleted:
                raise _SlackError("user_disabled")
            existed = user.id in self._dm_by_user
            channel = self._dm_channel(user.id)
        body: dict[str, Any] = {"channel": {"id": channel.id}}
        if existed:
            body |= {"no_op": True, "already_open": True}
        if _flag(args.get("return_im")):
            body["channel"] = self._channel_object(channel)
        return body

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(_required(args, "channel"))
        return {"channel": self._channel_object(channel)}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, top-level messages only; metadata only with include_all_metadata."""
        channel = self._visible_channel(_required(args, "channel"))
        if not channel.is_member:
            raise _SlackError("not_in_channel")
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        inclusive = _flag(args.get("inclusive"))
        limit = int(args.get("limit") or 100)
        found = [
            message
            for message in reversed(self._messages.get(channel.id, []))
            if message.ephemeral_to is None
            and message.thread_ts in (None, message.ts)
            and (oldest <= float(message.ts) if inclusive else oldest < float(message.ts))
            and float(message.ts) <= latest
        ]
        objects = [self._message_object(message) for message in found[:limit]]
        if not _flag(args.get("include_all_metadata")):
            for message in objects:
                message.pop("metadata", None)
        return {
            "messages": objects,
            "has_more": len(found) > limit,
            "pin_count": 0,
            "response_metadata": {"next_cursor": ""},
        }

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        message = self._new_message("chat.postMessage", channel, args)
        message.thread_ts = args.get("thread_ts") or None
        self._messages.setdefault(channel.id, []).append(message)
        self._changed()
        return {"channel": channel.id, "ts": message.ts, "message": self._message_object(message)}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        user = self._users.get(_required(args, "user"))
        if user is None:
            raise _SlackError("user_not_found")
        message = self._new_message("chat.postEphemeral", channel, args)
        message.ephemeral_to = user.id
        message.thread_ts = args.get("thread_ts") or None
        self._messages.setdefault(channel.id, []).append(message)
        self._changed()
        return {"message_ts": message.ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(args.get("channel"))
        if channel.is_archived:
            raise _SlackError("is_archived")
        message = self._find_message(channel, args.get("ts"))
        if message.user != self.bot_user_id:
            raise _SlackError("cant_update_message")
        if not any(args.get(key) is not None for key in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        text = args.get("text")
        if text is not None and len(text) > MESSAGE_TEXT_MAX:
            raise _SlackError("msg_too_long")
        # As on Slack: an omitted field keeps its old value, an empty one clears it.
        if "blocks" in args:
            message.blocks = self._checked_blocks("chat.update", args["blocks"])
        if text is not None:
            message.text = text
        if "attachments" in args:
            message.attachments = args["attachments"] or None
        message.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        self._changed()
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": self._message_object(message),
        }

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(args.get("channel"))
        message = self._find_message(channel, args.get("message_ts"))
        path = f"archives/{channel.id}/p{message.ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": f"https://{self.team_domain}.slack.com/{path}"}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view("views.open", args.get("view"), allowed_type="modal")
        user_id = self._take_trigger(args)
        opened = self._store_view(view, previous_view_id=None)
        if user_id is not None:
            self._view_stacks[user_id] = [opened["id"]]
        self._changed()
        return {"view": opened}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view("views.push", args.get("view"), allowed_type="modal")
        user_id = self._take_trigger(args)
        stack = self._view_stacks.get(user_id, []) if user_id is not None else []
        if len(stack) >= VIEW_STACK_MAX:
            raise _SlackError("push_limit_reached")
        pushed = self._store_view(view, previous_view_id=stack[-1] if stack else None)
        if user_id is not None:
            self._view_stacks[user_id] = [*stack, pushed["id"]]
        self._changed()
        return {"view": pushed}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("view_id"):
            current = self._views.get(args["view_id"])
        elif args.get("external_id"):
            current = self._views.get(self._view_ids_by_external_id.get(args["external_id"], ""))
        else:
            raise _invalid_arguments("missing required field: view_id or external_id", "")
        if current is None:
            raise _SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise _SlackError("hash_conflict")
        view = self._checked_view("views.update", args.get("view"), allowed_type=current["type"])
        return {"view": self._replace_view(current, view)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(_required(args, "user_id"))
        if user is None:
            raise _SlackError("user_not_found")
        view = self._checked_view("views.publish", args.get("view"), allowed_type="home")
        current_id = self._home_views.get(user.id)
        if current_id and args.get("hash") and args["hash"] != self._views[current_id]["hash"]:
            raise _SlackError("hash_conflict")
        view_id = current_id or self._new_id("V")
        published = self._view_object(
            view, view_id=view_id, root_view_id=view_id, previous_view_id=None
        )
        self._views[view_id] = published
        self._home_views[user.id] = view_id
        self._changed()
        return {"view": published}

    # ----- the workspace, inside a call

    def _dm_channel(self, user_id: str) -> Channel:
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self._new_id("D")
            self._dm_by_user[user_id] = channel_id
            self._channels[channel_id] = Channel(
                id=channel_id, name=user_id, dm_user=user_id, created=int(self._clock())
            )
        return self._channels[channel_id]

    def _place(self, channel_ref: str) -> Channel | None:
        """Where a person or a hook posts: a channel or DM by id, or a user id for the bot's DM."""
        if channel_ref[:1] in ("U", "W"):
            return self._dm_channel(channel_ref) if channel_ref in self._users else None
        return self._channels.get(channel_ref)

    def _visible_channel(self, channel_ref: str | None) -> Channel:
        """A channel the bot can see: by id, "#name" or name; private ones only as a member."""
        ref = (channel_ref or "").removeprefix("#")
        channel = self._channels.get(ref) or next(
            (c for c in self._channels.values() if c.name == ref and not c.is_im), None
        )
        if channel is None or (channel.is_private and not channel.is_member):
            raise _SlackError("channel_not_found")
        return channel

    def _postable_channel(self, channel_ref: str | None) -> Channel:
        """Where a message to `channel_ref` lands; a user id means the bot's DM with that user.

        A DM to a deactivated user succeeds, as on Slack: nobody will read it.
        """
        if channel_ref and channel_ref[:1] in ("U", "W"):
            if channel_ref not in self._users:
                raise _SlackError("channel_not_found")
            return self._dm_channel(channel_ref)
        channel = self._visible_channel(channel_ref)
        if channel.is_archived:
            raise _SlackError("is_archived")
        if not channel.is_member:
            raise _SlackError("not_in_channel")
        return channel

    def _find_message(self, channel: Channel, ts: str | None) -> Message:
        for message in self._messages.get(channel.id, []):
            if message.ts == ts and message.ephemeral_to is None:
                return message
        raise _SlackError("message_not_found")

    def _new_message(self, method: str, channel: Channel, args: dict[str, Any]) -> Message:
        text = args.get("text") or ""
        if not text and not args.get("blocks") and not args.get("attachments"):
            raise _SlackError("no_text")
        if len(text) > MESSAGE_TEXT_MAX:
            raise _SlackError("msg_too_long")
        blocks = self._checked_blocks(method, args["blocks"]) if "blocks" in args else []
        return Message(
            channel=channel.id,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            attachments=args.get("attachments"),
            metadata=args.get("metadata"),
        )

    def _checked_blocks(self, method: str, blocks: Any) -> list[dict]:
        if not isinstance(blocks, list):
            raise _SlackError("invalid_blocks_format")
        problems = validate_message_blocks(blocks)
        if problems:
            self._violate(method, problems)
            raise _SlackError(
                "invalid_blocks",
                errors=[problem.removeprefix("[ERROR] ") for problem in problems],
                response_metadata={"messages": problems},
            )
        return _with_generated_ids(blocks)

    def _checked_view(self, method: str, view: Any, allowed_type: str) -> dict:
        if view is None:
            raise _invalid_arguments("missing required field: view", "")
        problems = validate_view(view)
        if isinstance(view, dict) and view.get("type") != allowed_type:
            problems.append(slack_error(f"{method} takes a {allowed_type} view", "/view/type"))
        if problems:
            self._refuse(method, problems)
        return view

    def _checked_errors(self, view_id: str, errors: Any) -> dict[str, str]:
        """A response_action "errors": messages keyed by the block_id of an input of the view."""
        inputs = {b["block_id"] for b in self._views[view_id]["blocks"] if b["type"] == "input"}
        if not isinstance(errors, dict) or not errors:
            self._refuse("response_action", [slack_error("must provide an object", "/errors")])
        problems = [
            slack_error("must be the block_id of an input block in the view", f"/errors/{key}")
            for key, message in errors.items()
            if key not in inputs or not isinstance(message, str)
        ]
        if problems:
            self._refuse("response_action", problems)
        return dict(errors)

    def _violate(self, method: str, problems: list[str]) -> None:
        self._violations += [f"{method}: {problem}" for problem in problems]
        self._changed()

    def _refuse(self, method: str, problems: list[str]) -> NoReturn:
        """Record what Slack refuses in a view and answer as Slack does."""
        self._violate(method, problems)
        raise _SlackError("invalid_arguments", response_metadata={"messages": problems})

    def _take_trigger(self, args: dict[str, Any]) -> str | None:
        """Spend a trigger id (each opens one view); return the user it was issued for, if known."""
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise _invalid_arguments("missing required field: trigger_id", "")
        if trigger_id in self._used_triggers:
            raise _SlackError("exchanged_trigger_id")
        self._used_triggers.add(trigger_id)
        return trigger_user(trigger_id)

    def _store_view(self, view: dict, *, previous_view_id: str | None) -> dict:
        external_id = view.get("external_id")
        if external_id and external_id in self._view_ids_by_external_id:
            raise _SlackError("duplicate_external_id")
        view_id = self._new_id("V")
        root_view_id = view_id
        if previous_view_id is not None:
            root_view_id = self._views[previous_view_id]["root_view_id"]
        stored = self._view_object(
            view, view_id=view_id, root_view_id=root_view_id, previous_view_id=previous_view_id
        )
        self._views[view_id] = stored
        if external_id:
            self._view_ids_by_external_id[external_id] = view_id
        return stored

    def _replace_view(self, current: dict, view: dict) -> dict:
        """New content in the place of `current`: same ids, a new hash, no errors.

        What was typed stays in inputs whose block_id and action_id the new content keeps, as
        Slack preserves it.
        """
        replaced = self._view_object(
            view,
            view_id=current["id"],
            root_view_id=current["root_view_id"],
            previous_view_id=current["previous_view_id"],
        )
        typed = current["state"]["values"]
        replaced["state"]["values"] = {
            block["block_id"]: {action_id: typed[block["block_id"]][action_id]}
            for block in replaced["blocks"]
            if block["type"] == "input"
            and (action_id := block.get("element", {}).get("action_id"))
            in typed.get(block["block_id"], {})
        }
        self._views[current["id"]] = replaced
        self._view_errors.pop(current["id"], None)
        self._changed()
        return replaced

    def _pop_view(self, user_id: str) -> None:
        """Close `user_id`'s top view; what they typed and its errors go with it."""
        stack = self._view_stacks[user_id]
        view_id = stack.pop()
        self._views[view_id]["state"] = {"values": {}}
        self._view_errors.pop(view_id, None)
        if not stack:
            del self._view_stacks[user_id]
        self._changed()

    # ----- Slack's objects

    def _user_object(self, user: User) -> dict[str, Any]:
        now = datetime.fromtimestamp(self._clock(), ZoneInfo(user.tz))
        return {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(now.utcoffset().total_seconds()),
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": int(self._clock()),
            "profile": {
                "real_name": user.real_name,
                "real_name_normalized": user.real_name,
                "display_name": user.display_name or user.name,
                "display_name_normalized": user.display_name or user.name,
                "team": user.team_id,
            },
        }

    def _channel_object(self, channel: Channel) -> dict[str, Any]:
        if channel.is_im:
            user = self._users.get(channel.dm_user)
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.dm_user,
                "is_user_deleted": bool(user and user.deleted),
                "priority": 0,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "created": channel.created,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_general": channel.name == "general",
            "is_shared": False,
            "is_org_shared": False,
            "is_member": channel.is_member,
        }

    def _message_object(self, message: Message) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
            "team": self.team_id,
            "blocks": message.blocks,
        }
        if message.user == self.bot_user_id:  # a person's own message carries no bot or app
            body |= {"bot_id": self.bot_id, "app_id": self.app_id}
        optional = {
            "thread_ts": message.thread_ts,
            "attachments": message.attachments,
            "metadata": message.metadata,
            "edited": message.edited,
        }
        return body | {key: value for key, value in optional.items() if value is not None}

    def _view_object(
        self, view: dict, *, view_id: str, root_view_id: str, previous_view_id: str | None
    ) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": _with_generated_ids(view["blocks"]),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self._clock())}.{secrets.token_urlsafe(6)}",
            "title": view.get("title"),
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _new_id(self, prefix: str) -> str:
        self._next_id += 1
        return f"{prefix}{self._next_id - 1:08d}"

    def _changed(self) -> None:
        """Note a change a person could see and wake `wait_for_change`; hold the lock."""
        self._version += 1
        self._recorded.notify_all()

    def _next_ts(self) -> str:
        """A message ts: the clock in microseconds, strictly increasing like Slack's."""
        micros = max(int(self._clock() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _with_generated_ids(blocks: list[dict]) -> list[dict]:
    """A copy of `blocks` with the block_id and action_id Slack makes up where the app gave none."""
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        block.setdefault("block_id", secrets.token_urlsafe(3))
        if block["type"] not in ("input", "section", "actions"):
            continue
        for element in [block.get("element"), block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and element.get("type") not in _STATIC_ELEMENT_TYPES:
                element.setdefault("action_id", secrets.token_urlsafe(4))
    return blocks


def _required(args: dict[str, Any], name: str) -> str:
    value = args.get(name)
    if not value:
        raise _invalid_arguments(f"missing required field: {name}", "")
    return value


def _invalid_arguments(message: str, pointer: str) -> _SlackError:
    return _SlackError(
        "invalid_arguments", response_metadata={"messages": [slack_error(message, pointer)]}
    )


def _flag(value: Any) -> bool:
    """A boolean argument: JSON bodies carry true/false, form bodies "1"/"0" or "true"/"false"."""
    return value in (True, 1, "1", "true")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Closing never waits for handlers: one may sit on an idle client connection.
    block_on_close = False
    double: SlackDouble


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, body: bytes) -> None:
        url = urlsplit(self.path)
        double = self.server.double
        if url.path.startswith(HOOK_PATH) and self.command == "POST":
            hook = url.path.removeprefix(HOOK_PATH)
            try:
                answer = double._serve("response_url", _decode_hook(body), None, None, hook)
            except ValueError as error:
                answer = double._serve("response_url", {}, None, str(error), hook)
        elif url.path.startswith(API_PATH):
            method = url.path.removeprefix(API_PATH)
            try:
                args, token = _decode_request(url.query, self.headers, body)
                answer = double._serve(method, args, token, unreadable=None)
            except ValueError as error:
                answer = double._serve(method, {}, None, unreadable=str(error))
        else:
            self.send_error(404)
            return
        if answer.delay and double._stopping.wait(answer.delay):
            return
        if answer.text is not None:
            payload, content_type = answer.text.encode(), "text/plain"
        else:
            payload, content_type = json.dumps(answer.body).encode(), "application/json"
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (an injected delay longer than its timeout)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the recorded calls say everything a test needs."""


def _decode_hook(body: bytes) -> dict[str, Any]:
    """A response_url message: a JSON object, as Bolt's `respond()` posts it."""
    try:
        decoded = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("invalid_payload") from None
    if not isinstance(decoded, dict):
        raise ValueError("invalid_payload")
    return decoded


def _decode_request(query: str, headers: Any, body: bytes) -> tuple[dict[str, Any], str | None]:
    """The call's arguments from the query string and a form or JSON body, and its token.

    slack_sdk's WebClient POSTs every method, even those it marks GET: with a JSON body for
    methods taking blocks or views, form-encoded otherwise; other clients send GET queries.
    """
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if body and content_type == "application/json":
        try:
            decoded = json.loads(body)
        except json.JSONDecodeError:
            raise ValueError("invalid_json") from None
        if not isinstance(decoded, dict):
            raise ValueError("invalid_json")
        args |= decoded
    elif body and content_type in ("", "application/x-www-form-urlencoded"):
        args |= dict(parse_qsl(body.decode(), keep_blank_values=True))
    elif body:
        raise ValueError("invalid_form_data")
    for name in JSON_FIELDS:
        if isinstance(args.get(name), str):
            # Undecodable, it stays as sent; the method answers invalid_blocks_format or the like.
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(args[name])
    authorization = headers.get("Authorization") or ""
    token = args.pop("token", None) or authorization.removeprefix("Bearer ").strip() or None
    return args, token
