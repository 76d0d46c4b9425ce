"""The skeleton every scheduled pass shares: its clock, pacing within a time budget, claiming
each message once, and finding a message that an uncertain send may have posted after all."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from app.db import session_scope
from app.domain import deliveries
from app.domain.workspace import Workspace
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.services import Services

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNVERIFIED = "unverified"  # the error of a claim whose uncertain send Slack could not confirm


@dataclass
class PassReport:
    """What every pass counts besides what it sent (each pass adds its own lists)."""

    now: datetime
    claimed_elsewhere: int = 0  # another pass got there first
    deferred: int = 0  # left to the next pass: time budget, a long Retry-After, stopping

    def summary(self) -> str:
        """One line for the log: what the pass did."""
        raise NotImplementedError


def on_clock(
    services: Services, now: datetime | None, pacer: delivery.Pacer | None
) -> tuple[Services, datetime, delivery.Pacer]:
    """With `now` a pass runs as if the clock read `now` (what it records too); without, it
    decides at the real time it starts. Without a pacer, it sends unpaced."""
    if now is None:
        now = services.now()
    else:
        fixed = now
        services = replace(services, clock=lambda: fixed)
    return services, now, pacer or delivery.Pacer(0)


def within_budget(
    items: Iterable[T],
    report: PassReport,
    pacer: delivery.Pacer,
    budget_seconds: float,
    stop: threading.Event | None,
) -> Iterator[T]:
    """The items a pass may still take on: none once stopping, or once the next send could not
    start before the budget runs out; those are counted deferred, for the next pass."""
    deadline = time.monotonic() + budget_seconds
    for item in items:
        if (stop and stop.is_set()) or time.monotonic() + pacer.delay() > deadline:
            report.deferred += 1
            continue
        yield item


def claim(
    services: Services,
    report: PassReport,
    workspace: Workspace,
    kind: DeliveryKind,
    key: str,
    recipient: str,
    now: datetime,
) -> deliveries.Claim | None:
    """The right to send the message, new or a failed one due again by `now`; None (counted)
    when another pass has it."""
    with session_scope(services.sessions) as session:
        claimed = deliveries.claim(
            session, workspace, kind, key, recipient, now
        ) or deliveries.reclaim_failed(session, workspace, kind, key, now)
    if claimed is None:
        report.claimed_elsewhere += 1
    return claimed


def was_uncertain(claim: deliveries.Claim) -> bool:
    """The claimed message failed before in a way that Slack may have posted it anyway."""
    return (claim.previous_error or "").startswith(delivery.UNCERTAIN)


@dataclass(frozen=True)
class Found:
    """What a look for an uncertain send found: the message, or None when Slack cannot tell."""

    message: dict | None

    @property
    def ts(self) -> str | None:
        return (self.message or {}).get("ts")


def found_delivered(
    services: Services,
    claim: deliveries.Claim,
    label: str,
    find: Callable[[], dict | None],
    on_found: Callable[[dict], Callable[[Session], None] | None] = lambda _message: None,
) -> Found | None:
    """After an uncertain send, look for the message (`find`) before sending again. None: it
    is not there, send it. Found(message): it is, now recorded sent (with `on_found(message)`
    in that transaction). Found(None): Slack cannot tell; the claim goes back to failed."""
    try:
        message = find()
    except (SlackApiError, OSError) as error:
        logger.warning("could not check whether %s arrived: %s", label, error)
        delivery.record_failed(services, claim, delivery.Posted(error=claim.previous_error))
        return Found(None)
    if message is None:
        return None
    delivery.record_sent(
        services, claim, message.get("channel"), message.get("ts"), on_found(message)
    )
    return Found(message)


def post(
    client: WebClient,
    services: Services,
    claim: deliveries.Claim,
    pacer: delivery.Pacer,
    *,
    text: str,
    blocks: Sequence[Block],
    label: str,
    metadata: dict,
    on_sent: Callable[[Session], None] | None = None,
) -> delivery.Posted:
    """Post the claimed message (see delivery.post_claimed); a 429's Retry-After holds every
    later send of the pass, since Slack's limit is the workspace's."""
    posted = delivery.post_claimed(
        client,
        services,
        claim,
        text=text,
        blocks=blocks,
        label=label,
        metadata=metadata,
        on_sent=on_sent,
    )
    if not posted.sent and posted.retry_after:
        pacer.hold(posted.retry_after)
    return posted
