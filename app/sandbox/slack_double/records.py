"""The double's records (calls, people, channels, messages, faults, hooks, answers), the error
a Web API method ends with, and the argument and block helpers every method shares."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from app.sandbox.limits import slack_error

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
    locale: str = "en-US"
    email: str | None = None  # in users.info's profile (Slack's scope users:read.email)
    # Do Not Disturb (dnd.info): until this time (epoch seconds), 0 when not in it.
    dnd_until: float = 0.0


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
    files: list[dict] | None = None  # the files shared with it: id, name, title


@dataclass
class Fault:
    error: str | None
    status: int
    retry_after: int | None
    delay: float
    remaining: int
    team_id: str | None = None  # only calls made with that workspace's token


@dataclass(frozen=True)
class IssuedToken:
    """A workspace's (or, with no team, a Grid org's) install: what its token acts for."""

    team_id: str | None
    enterprise_id: str | None
    team_name: str | None
    enterprise_name: str | None
    installer_id: str
    expires_at: float | None = None  # rotating tokens expire; others never do


@dataclass
class Hook:
    """A response_url: where its messages go and how often it has been used."""

    channel: str
    user: str
    message_ts: str | None
    created: float
    uses: int = 0


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    text: str | None = None  # a plain-text body instead of `body`, as hooks answer "ok"


class SlackError(Exception):
    """Ends a method early with Slack's `{"ok": false, "error": ...}` plus any extra fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def with_generated_ids(blocks: list[dict]) -> list[dict]:
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


def required(args: dict[str, Any], name: str) -> str:
    value = args.get(name)
    if not value:
        raise invalid_arguments(f"missing required field: {name}", "")
    return value


def invalid_arguments(message: str, pointer: str) -> SlackError:
    return SlackError(
        "invalid_arguments", response_metadata={"messages": [slack_error(message, pointer)]}
    )


def flag(value: Any) -> bool:
    """A boolean argument: JSON bodies carry true/false, form bodies "1"/"0" or "true"/"false"."""
    return value in (True, 1, "1", "true")
