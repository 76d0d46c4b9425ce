"""Messages: chat.* and conversations.history, response_url hooks, and the Block Kit checks a
message goes through."""

from __future__ import annotations

import base64
import copy
import secrets
from typing import Any, ClassVar

from app.sandbox.limits import MESSAGE_TEXT_MAX, validate_message_blocks
from app.sandbox.slack_double.recording import Recording
from app.sandbox.slack_double.records import (
    Answer,
    Channel,
    Hook,
    Message,
    SlackError,
    flag,
    required,
    with_generated_ids,
)
from app.sandbox.slack_double.state import HOOK_PATH
from app.sandbox.slack_double.workspace import Workspace

# Slack's rule for a response_url: at most 5 uses within 30 minutes of its issue
# (the double counts the posts it carried out, not the ones it refused).
HOOK_MAX_USES = 5
HOOK_LIFETIME = 30 * 60


class Messages(Workspace, Recording):
    """Every channel's and DM's messages, posted by the app, a hook or a person."""

    WEB_API: ClassVar[dict[str, str]] = {
        "conversations.history": "_conversations_history",
        "chat.postMessage": "_chat_post_message",
        "chat.postEphemeral": "_chat_post_ephemeral",
        "chat.update": "_chat_update",
        "chat.getPermalink": "_chat_get_permalink",
    }

    def messages(self, channel: str) -> list[Message]:
        """The messages in a channel (or the DM with a user id), oldest first, ephemerals too."""
        with self._lock:
            if channel[:1] in ("U", "W"):
                channel = self._dm_channel(channel).id
            return copy.deepcopy(self._messages.get(channel, []))

    # ----- response_url hooks

    def response_url(self, *, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for an interaction of `user` in `channel` (about `message_ts`, if any).

        `channel` may be a user id: the bot's DM with that user. The double must be running.
        """
        with self._lock:
            token = secrets.token_urlsafe(16)
            self._hooks[token] = Hook(channel, user, message_ts, created=self._clock())
        return f"{self._origin()}{HOOK_PATH}{token}"

    def _hook_answer(self, token: str, body: dict[str, Any], unreadable: str | None) -> Answer:
        """What Slack answers a POST to a response_url, having done what it asks."""
        hook = self._hooks.get(token)
        if (
            hook is None
            or self._clock() - hook.created > HOOK_LIFETIME
            or hook.uses >= HOOK_MAX_USES
        ):
            # Slack cannot tell a forgotten hook from a made-up one: both have expired.
            return Answer(404, {"ok": False, "error": "expired_url"})
        if unreadable is not None:
            return Answer(400, {"ok": False, "error": unreadable})
        try:
            self._apply_hook(hook, body)
        except SlackError as refusal:
            return Answer(400, {"ok": False, "error": refusal.error, **refusal.extra})
        hook.uses += 1
        self._changed()
        return Answer(200, {"ok": True}, text="ok")

    def _apply_hook(self, hook: Hook, body: dict[str, Any]) -> None:
        channel = self._place(hook.channel)
        if channel is None:
            raise SlackError("channel_not_found")
        if flag(body.get("delete_original")):
            self._messages[channel.id].remove(self._original(hook, channel))
            return
        message = self._new_message("response_url", channel, body)
        if flag(body.get("replace_original")):
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

    def _original(self, hook: Hook, channel: Channel) -> Message:
        """The message a hook is about: a message everybody sees, or an ephemeral to its user."""
        for message in self._messages.get(channel.id, []):
            if message.ts == hook.message_ts and message.ephemeral_to in (None, hook.user):
                return message
        raise SlackError("message_not_found")

    # ----- methods

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, top-level messages only; metadata only with include_all_metadata."""
        channel = self._visible_channel(required(args, "channel"))
        if not channel.is_member:
            raise SlackError("not_in_channel")
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        inclusive = flag(args.get("inclusive"))
        limit = int(args.get("limit") or 100)
        found = [
            message
            for message in reversed(self._messages.get(channel.id, []))
            if message.ephemeral_to is None
            and message.thread_ts in (None, message.ts)
            and (oldest <= float(message.ts) if inclusive else oldest < float(message.ts))
            and float(message.ts) <= latest
        ]
        start = _cursor_offset(args.get("cursor"))
        page = found[start : start + limit]
        objects = [self._message_object(message) for message in page]
        if not flag(args.get("include_all_metadata")):
            for message in objects:
                message.pop("metadata", None)
        has_more = len(found) > start + limit
        return {
            "messages": objects,
            "has_more": has_more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": _cursor(start + limit) if has_more else ""},
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
        user = self._users.get(required(args, "user"))
        if user is None:
            raise SlackError("user_not_found")
        message = self._new_message("chat.postEphemeral", channel, args)
        message.ephemeral_to = user.id
        message.thread_ts = args.get("thread_ts") or None
        self._messages.setdefault(channel.id, []).append(message)
        self._changed()
        return {"message_ts": message.ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(args.get("channel"))
        if channel.is_archived:
            raise SlackError("is_archived")
        message = self._find_message(channel, args.get("ts"))
        if message.user != self.bot_user_id:
            raise SlackError("cant_update_message")
        if not any(args.get(key) is not None for key in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        text = args.get("text")
        if text is not None and len(text) > MESSAGE_TEXT_MAX:
            raise SlackError("msg_too_long")
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

    # ----- messages, inside a call

    def _find_message(self, channel: Channel, ts: str | None) -> Message:
        for message in self._messages.get(channel.id, []):
            if message.ts == ts and message.ephemeral_to is None:
                return message
        raise SlackError("message_not_found")

    def _new_message(self, method: str, channel: Channel, args: dict[str, Any]) -> Message:
        text = args.get("text") or ""
        if not text and not args.get("blocks") and not args.get("attachments"):
            raise SlackError("no_text")
        if len(text) > MESSAGE_TEXT_MAX:
            raise SlackError("msg_too_long")
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
            raise SlackError("invalid_blocks_format")
        problems = validate_message_blocks(blocks)
        if problems:
            self._violate(method, problems)
            raise SlackError(
                "invalid_blocks",
                errors=[problem.removeprefix("[ERROR] ") for problem in problems],
                response_metadata={"messages": problems},
            )
        return with_generated_ids(blocks)

    # ----- Slack's objects

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
            "files": message.files,
        }
        return body | {key: value for key, value in optional.items() if value is not None}


def _cursor(offset: int) -> str:
    """An opaque next_cursor, as Slack's are (base64 of where the next page starts)."""
    return base64.b64encode(f"next_offset:{offset}".encode()).decode()


def _cursor_offset(cursor: str | None) -> int:
    """Where the page a cursor names starts; a cursor Slack did not give is refused, as there."""
    if not cursor:
        return 0
    try:
        name, _, offset = base64.b64decode(cursor, validate=True).decode().partition(":")
    except ValueError as error:
        raise SlackError("invalid_cursor") from error
    if name != "next_offset" or not offset.isdecimal():
        raise SlackError("invalid_cursor")
    return int(offset)
