"""Sending messages once: claim in the database, post, then record the outcome; pacing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from app.db import session_scope
from app.domain import deliveries
from app.domain.deliveries import UNCERTAIN
from app.domain.workspace import Workspace
from app.models import DeliveryKind
from app.slack.services import Services

logger = logging.getLogger(__name__)

# Errors after which sending again cannot help.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_blocks",
        "msg_too_long",
    }
)
# ... of which these say the recipient left the workspace (as opposed to "cannot be DMed").
RECIPIENT_GONE_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled"})
# A look for a message claimed at a time starts this much earlier: Slack's clock is not ours.
CLOCK_SKEW = timedelta(minutes=5)
HISTORY_PAGE = 200  # messages a conversations.history page asks for (Slack's advice: at most 200)
HISTORY_PAGES = 5  # pages a look reads at most; a busier conversation cannot be told


class Unverifiable(Exception):
    """Slack cannot tell whether the message is there: more came since than a look reads."""


@dataclass(frozen=True)
class Posted:
    """What became of one claimed message."""

    ts: str | None = None
    channel: str | None = None
    error: str | None = None
    retry_after: int | None = None  # seconds, from a 429's Retry-After
    permanent: bool = False

    @property
    def sent(self) -> bool:
        return self.error is None


def send_once(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    *,
    kind: DeliveryKind,
    key: str,
    channel: str,
    text: str,
    blocks: Sequence[Block],
    metadata: dict | None = None,
) -> str | None:
    """Post the message unless one with this kind and key was already claimed; its ts if sent.
    A failed send stays claimed as failed, for the worker to retry (passes/confirmations.py)."""
    with session_scope(services.sessions) as session:
        claim = deliveries.claim(session, workspace, kind, key, channel, services.now())
    if claim is None:
        return None
    posted = post_claimed(
        client, services, claim, text=text, blocks=blocks, label=f"{kind} {key}", metadata=metadata
    )
    return posted.ts


def post_claimed(
    client: WebClient,
    services: Services,
    claim: deliveries.Claim,
    *,
    text: str,
    blocks: Sequence[Block],
    label: str,
    metadata: dict | None = None,
    on_sent: Callable[[Session], None] | None = None,
) -> Posted:
    """Post the claimed message to its recipient and record the result; `on_sent` runs in the
    transaction that marks it sent."""
    try:
        # No metadata is sent as none (the argument left out), not as an empty one.
        response = client.chat_postMessage(
            channel=claim.recipient, text=text, blocks=blocks, metadata=metadata or None
        )
    except SlackApiError as error:
        code = str(error.response.get("error") or error.response.status_code)
        posted = Posted(
            error=code,
            retry_after=retry_after_seconds(error.response.headers),
            permanent=code in PERMANENT_ERRORS,
        )
    except URLError as error:  # no connection: the request never reached Slack
        posted = Posted(error=f"network: {error.reason}")
    except OSError as error:  # a timeout or a dropped connection once the request was sent
        posted = Posted(error=f"{UNCERTAIN}: {error or type(error).__name__}")
    else:
        posted = Posted(ts=response.get("ts"), channel=response.get("channel"))
        record_sent(services, claim, posted.channel, posted.ts, on_sent)
        return posted
    logger.warning("could not send %s to %s: %s", label, claim.recipient, posted.error)
    record_failed(services, claim, posted)
    return posted


def record_sent(
    services: Services,
    claim: deliveries.Claim,
    channel: str | None,
    ts: str | None,
    on_sent: Callable[[Session], None] | None = None,
) -> None:
    with session_scope(services.sessions) as session:
        deliveries.mark_sent(session, claim, channel, ts, services.now())
        if on_sent is not None:
            on_sent(session)


def record_failed(services: Services, claim: deliveries.Claim, posted: Posted) -> None:
    now = services.now()
    not_before = now + timedelta(seconds=posted.retry_after) if posted.retry_after else None
    with session_scope(services.sessions) as session:
        deliveries.mark_failed(
            session,
            claim,
            posted.error or "unknown",
            now,
            retry_not_before=not_before,
            give_up=posted.permanent,
        )


def retry_after_seconds(headers) -> int | None:
    """A 429's Retry-After, in seconds, if Slack gave one."""
    value = str((headers or {}).get("Retry-After") or (headers or {}).get("retry-after") or "")
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 6 else None


def find_posted_dm(
    client: WebClient, user_id: str, event_type: str, key: str, since: datetime | None = None
) -> dict | None:
    """The bot's DM to `user_id` carrying metadata `event_type` with this key, if Slack has it.

    How an uncertain send is checked before it is retried. Raises SlackApiError, OSError or
    Unverifiable when Slack cannot tell, so the caller tries again later rather than guess.
    """
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    return find_posted_message(client, channel, event_type, key, since)


def find_posted_message(
    client: WebClient, channel: str, event_type: str, key: str, since: datetime | None = None
) -> dict | None:
    """The bot's message in `channel` carrying metadata `event_type` with this key (see
    find_posted_dm): among every message since `since` (when it was first claimed), page by
    page, or, without `since`, among the latest 100."""
    arguments: dict = {"channel": channel, "include_all_metadata": True, "limit": 100}
    if since is not None:
        oldest = (since - CLOCK_SKEW).timestamp()
        arguments |= {"oldest": f"{oldest:.6f}", "limit": HISTORY_PAGE}
    for _page in range(HISTORY_PAGES):
        history = client.conversations_history(**arguments)
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == event_type and payload.get("key") == key:
                return message | {"channel": channel}
        cursor = (history.get("response_metadata") or {}).get("next_cursor")
        if since is None or not history.get("has_more") or not cursor:
            return None
        arguments["cursor"] = cursor
    raise Unverifiable(f"more than {HISTORY_PAGES * HISTORY_PAGE} messages since {since}")


class Pacer:
    """At most `per_second` sends a second (0: no limit), and none before a 429's Retry-After.

    It sleeps, so it belongs in the scheduler's process, never in a request that must ack.
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = clock()

    def delay(self) -> float:
        """Seconds until the next send may go."""
        return max(0.0, self._next - self._clock())

    def wait(self) -> None:
        """Block until the next send may go, and count it."""
        pause = self.delay()
        if pause:
            self._sleep(pause)
        self._next = max(self._next, self._clock()) + self.interval

    def hold(self, seconds: float) -> None:
        """No send for `seconds` (Slack's Retry-After applies to the workspace, not one DM)."""
        self._next = max(self._next, self._clock() + seconds)


class Pacers:
    """One Pacer per workspace: Slack's limits are per workspace, so a 429 or a slow Slack in
    one never holds the sends of another. Given one `shared` Pacer, every workspace uses it
    (a caller pacing all sends as one, as a single-workspace test does)."""

    def __init__(self, per_second: float = 0.0, *, shared: Pacer | None = None) -> None:
        self.per_second = per_second
        self.shared = shared
        self._pacers: dict[str, Pacer] = {}
        self._lock = threading.Lock()

    def for_workspace(self, team_id: str) -> Pacer:
        if self.shared is not None:
            return self.shared
        with self._lock:
            pacer = self._pacers.get(team_id)
            if pacer is None:
                pacer = self._pacers[team_id] = Pacer(self.per_second)
            return pacer
