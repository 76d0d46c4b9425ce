"""The skeleton every scheduled pass shares: its clock, pacing within a time budget, claiming
each message once, and finding a message that an uncertain send may have posted after all."""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from app.db import session_scope
from app.domain import deliveries, reps
from app.domain.workspace import Workspace
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.installs import WorkspaceClients
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
    not_installed: int = 0  # for a workspace uninstalled, revoked or not granted: not sent

    def merge(self, part: PassReport) -> None:
        """Add what a part of the pass (one workspace's sends) did."""
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(part, item.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, int) and not isinstance(mine, bool):
                setattr(self, item.name, mine + theirs)

    def summary(self) -> str:
        """One line for the log: what the pass did."""
        raise NotImplementedError


def on_clock(
    services: Services, now: datetime | None, pacer: delivery.Pacer | delivery.Pacers | None
) -> tuple[Services, datetime, delivery.Pacers]:
    """With `now` a pass runs as if the clock read `now` (what it records too); without, it
    decides at the real time it starts. Without a pacer, it sends unpaced; with one Pacer,
    every workspace's sends share it."""
    if now is None:
        now = services.now()
    else:
        fixed = now
        services = replace(services, clock=lambda: fixed)
    if isinstance(pacer, delivery.Pacers):
        return services, now, pacer
    return services, now, delivery.Pacers(shared=pacer or delivery.Pacer(0))


def within_budget(
    items: Iterable[T],
    report: PassReport,
    pacer: delivery.Pacer,
    deadline: float,
    stop: threading.Event | None,
) -> Iterator[T]:
    """The items a pass may still take on: none once stopping, or once the next send could not
    start before the `deadline` (time.monotonic()); those are counted deferred, for the next
    pass."""
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
    except (SlackApiError, OSError, delivery.Unverifiable) as error:
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


def stop_if_unreachable(
    services: Services, workspace: Workspace, user_id: str, posted: delivery.Posted
) -> str | None:
    """After a send Slack refused for good, stop DMing the rep (gone, or not DMable): the
    reason, for the pass's report; None for a failure worth retrying."""
    if not posted.permanent:
        return None
    error = posted.error or "unknown"
    with session_scope(services.sessions) as session:
        reps.mark_unreachable(
            session,
            workspace,
            user_id,
            error,
            services.now(),
            gone=error in delivery.RECIPIENT_GONE_ERRORS,
        )
    return error


# Workspaces whose sends are under way at once; each still sends at its own pace.
WORKSPACES_AT_ONCE = 16

R = TypeVar("R", bound=PassReport)


@dataclass
class _Lane:
    """One workspace's share of a pass: its client, its pacer, what is left, what it did."""

    workspace: Workspace
    client: WebClient
    pacer: delivery.Pacer
    queue: deque
    part: PassReport


def send_by_workspace(
    items: Iterable[T],
    workspace_of: Callable[[T], Workspace],
    send: Callable[[WebClient, T, R, delivery.Pacer], None],
    clients: WorkspaceClients,
    pacers: delivery.Pacers,
    report: R,
    budget_seconds: float,
    stop: threading.Event | None,
) -> None:
    """Send each item with its workspace's client and at its workspace's pace. Workspaces go
    concurrently (WORKSPACES_AT_ONCE at a time, the next send always the workspace whose
    pace allows it soonest), so a Retry-After, an outage or a slow Slack in one workspace
    never delays another's sends; each workspace's own sends stay in order, one at a time."""
    deadline = time.monotonic() + budget_seconds
    groups: dict[Workspace, deque[T]] = {}
    for item in items:
        groups.setdefault(workspace_of(item), deque()).append(item)
    lanes: list[_Lane] = []
    for workspace, queue in groups.items():
        client = clients.client_for(workspace)
        if client is None:
            logger.info("not sending to %s: not installed there", workspace.team_id)
            report.not_installed += len(queue)
            continue
        part = type(report)(report.now)
        lanes.append(_Lane(workspace, client, pacers.for_workspace(workspace.team_id), queue, part))
    if len(lanes) <= 1 or pacers.shared is not None:
        # One pace for all (a single workspace, or a caller's shared Pacer): in order, here.
        for lane in lanes:
            for item in within_budget(lane.queue, report, lane.pacer, deadline, stop):
                send(lane.client, item, report, lane.pacer)
        return
    _send_concurrently(lanes, send, deadline, stop)
    for lane in lanes:
        report.merge(lane.part)


def _send_concurrently(lanes: list[_Lane], send: Callable, deadline: float, stop) -> None:
    ready: list[tuple[float, int]] = [(0.0, index) for index in range(len(lanes))]
    changed = threading.Condition()
    busy = 0

    def run(lane: _Lane, index: int) -> None:
        nonlocal busy
        try:
            send(lane.client, lane.queue.popleft(), lane.part, lane.pacer)
        except Exception:  # a database failure: this workspace waits for the next pass
            logger.exception("sending to %s failed", lane.workspace.team_id)
            lane.part.deferred += len(lane.queue)
            lane.queue.clear()
        with changed:
            busy -= 1
            if lane.queue:
                heapq.heappush(ready, (time.monotonic() + lane.pacer.delay(), index))
            changed.notify_all()

    with ThreadPoolExecutor(WORKSPACES_AT_ONCE, thread_name_prefix="pass") as pool:
        while True:
            with changed:
                while True:
                    if not ready and busy == 0:
                        return
                    if ready and busy < WORKSPACES_AT_ONCE:
                        wait = ready[0][0] - time.monotonic()
                        # Past the deadline (a long Retry-After): deferred now, not waited for.
                        if wait <= 0 or ready[0][0] > deadline or (stop and stop.is_set()):
                            index = heapq.heappop(ready)[1]
                            break
                        changed.wait(wait)
                    else:
                        changed.wait()
                lane = lanes[index]
                if (stop and stop.is_set()) or time.monotonic() + lane.pacer.delay() > deadline:
                    lane.part.deferred += len(lane.queue)
                    lane.queue.clear()
                    continue
                busy += 1
            pool.submit(run, lane, index)
