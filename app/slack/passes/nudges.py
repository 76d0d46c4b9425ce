"""The morning nudge sweep: who is due now, then one paced DM each, once per local date."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from slack_sdk import WebClient

from app.db import session_scope
from app.domain import deliveries, nudges, reps
from app.domain.nudges import DueRep, ItemKey, NudgeRules
from app.models import DeliveryKind
from app.slack import delivery, directory
from app.slack.installs import WorkspaceClients, workspace_clients
from app.slack.passes import claimed_pass
from app.slack.services import Services
from app.slack.views.formatting import plural
from app.slack.views.nudges import NUDGE_EVENT, nudge_message

logger = logging.getLogger(__name__)

# users.info is Tier 4 (100+ a minute): 50 a sweep every 5 minutes refreshes 14,400 a day.
PROFILE_REFRESHES_PER_SWEEP = 50


@dataclass(frozen=True)
class SentNudge:
    user_id: str
    local_date: date
    items: int
    ts: str | None
    verified: bool = False  # an earlier, uncertain send turned out to have arrived


@dataclass(frozen=True)
class FailedNudge:
    user_id: str
    local_date: date
    error: str
    will_retry: bool


@dataclass
class SweepReport(claimed_pass.PassReport):
    """What one sweep did, for `coach nudges` to print and `coach worker` to log."""

    sent: list[SentNudge] = field(default_factory=list)
    failed: list[FailedNudge] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (user, reason)
    stuck: list[nudges.StuckNudge] = field(default_factory=list)
    profiles_refreshed: int = 0
    escalated: int = 0
    # The budget ran out (or the worker stopped) before every batch of reps was read.
    unread: bool = False

    def summary(self) -> str:
        return (
            f"nudge sweep at {self.now.isoformat()}: {len(self.sent)} sent, "
            f"{len(self.failed)} failed, {len(self.unreachable)} unreachable, "
            f"{len(self.stuck)} stuck, {self.claimed_elsewhere} claimed elsewhere, "
            f"{self.deferred} deferred, {self.escalated} {plural(self.escalated, 'item')} "
            f"escalated, {self.profiles_refreshed} "
            f"{plural(self.profiles_refreshed, 'profile')} refreshed"
            + ("; reps left unread for the next sweep" if self.unread else "")
        )

    def lines(self) -> list[str]:
        lines = [self.summary()]
        for sent in self.sent:
            how = " (found delivered after a timeout)" if sent.verified else ""
            items = f"{sent.items} item{'s' if sent.items != 1 else ''}"
            lines.append(f"sent {sent.user_id} {sent.local_date}: {items}, ts {sent.ts}{how}")
        for failed in self.failed:
            retry = "will retry" if failed.will_retry else "given up"
            lines.append(f"failed {failed.user_id} {failed.local_date}: {failed.error} ({retry})")
        for user_id, reason in self.unreachable:
            lines.append(f"unreachable {user_id}: {reason}")
        for stuck in self.stuck:
            lines.append(
                f"stuck {stuck.user_id} {stuck.key}: claimed {stuck.claimed_at.isoformat()}, "
                "never finished; looked for before sending once"
            )
        return lines


def run_nudge_sweep(
    services: Services,
    client: WebClient | WorkspaceClients,
    now: datetime | None = None,
    *,
    rules: NudgeRules = nudges.DEFAULT_RULES,
    pacer: delivery.Pacer | delivery.Pacers | None = None,
    budget_seconds: float = 240.0,
    stop: threading.Event | None = None,
) -> SweepReport:
    """One sweep: nudge every rep whose morning it is and who has something due, at most once
    for their local date however many sweeps run at the same time.

    With `now` the sweep runs as if the clock read `now` (what it records too); without, it
    decides at the real time it starts. Each workspace's DMs go with its own token and at its
    own pace, workspaces concurrently (see claimed_pass.send_by_workspace).
    """
    services, now, pacers = claimed_pass.on_clock(services, now, pacer)
    clients = workspace_clients(client, services)
    report = SweepReport(now)
    deadline = time.monotonic() + budget_seconds
    report.profiles_refreshed = _refresh_stale_profiles(clients, services, now)
    # Batch after batch (nudges.FIND_BATCH reps each), each found just before it is sent: the
    # first DMs leave within a find's time however many reps are due, and each batch's items
    # are as fresh as its sends.
    after = None
    while True:
        with session_scope(services.sessions) as session:
            due = nudges.find_due(session, now, rules, after=after, limit=nudges.FIND_BATCH)
        report.escalated += due.escalated
        for stuck in due.stuck:
            logger.warning(
                "the nudge %s to %s was claimed at %s and never finished sending; looking for it",
                stuck.key,
                stuck.user_id,
                stuck.claimed_at.isoformat(),
            )
        report.stuck += due.stuck
        claimed_pass.send_by_workspace(
            due.reps,
            lambda rep: rep.workspace,
            lambda ws_client, rep, part, ws_pacer: _nudge(ws_client, services, rep, part, ws_pacer),
            clients,
            pacers,
            report,
            max(0.0, deadline - time.monotonic()),
            stop,
        )
        if due.last is None:
            return report
        if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
            report.unread = True  # the reps after due.last: the next sweep finds them
            return report
        after = due.last


def _refresh_stale_profiles(clients: WorkspaceClients, services: Services, now: datetime) -> int:
    """Users.info again for a few reps whose zone is missing or a day old (stalest first)."""
    with session_scope(services.sessions) as session:
        stale = reps.stale_profiles(session, now, PROFILE_REFRESHES_PER_SWEEP)
    refreshed = 0
    silent: set[str] = set()  # workspaces whose Slack is not answering: the next sweep retries
    for workspace, user_id in stale:
        client = None if workspace.team_id in silent else clients.client_for(workspace)
        if client is None:
            continue
        try:
            directory.refresh_profile(client, services, workspace, user_id)
            refreshed += 1
        except directory.ProfileUnavailable as error:
            logger.info("could not refresh the profile of %s: %s", user_id, error)
            silent.add(workspace.team_id)
    return refreshed


def _nudge(
    client: WebClient,
    services: Services,
    rep: DueRep,
    report: SweepReport,
    pacer: delivery.Pacer,
) -> None:
    """Claim the rep's nudge for their local date, then send it (or find it already sent)."""
    now = services.now()
    if _profile_changed(client, services, rep, report, now):
        return
    # Paced before claiming: a claim waiting in "sending" would be lost if the process died.
    pacer.wait()
    claim = claimed_pass.claim(
        services, report, rep.workspace, DeliveryKind.NUDGE, rep.delivery_key, rep.user_id, now
    )
    if claim is None:
        return
    if claimed_pass.was_uncertain(claim) and _found_delivered(client, services, rep, claim, report):
        return
    text, blocks = nudge_message(rep.items, rep.more, rep.zone, now, rep.escalations_to_tell)
    shown = [item.key for item in rep.items]
    posted = claimed_pass.post(
        client,
        services,
        claim,
        pacer,
        text=text,
        blocks=blocks,
        label=f"nudge {rep.delivery_key}",
        metadata={
            "event_type": NUDGE_EVENT,
            "event_payload": {"key": rep.delivery_key, "items": [str(key) for key in shown]},
        },
        on_sent=lambda session: nudges.record_shown(
            session, rep.workspace, rep.user_id, shown, rep.local_date, services.now()
        ),
    )
    if posted.sent:
        report.sent.append(SentNudge(rep.user_id, rep.local_date, len(shown), posted.ts))
        return
    error = posted.error or "unknown"
    report.failed.append(
        FailedNudge(rep.user_id, rep.local_date, error, will_retry=not posted.permanent)
    )
    if claimed_pass.stop_if_unreachable(services, rep.workspace, rep.user_id, posted):
        report.unreachable.append((rep.user_id, error))


def _profile_changed(
    client: WebClient, services: Services, rep: DueRep, report: SweepReport, now: datetime
) -> bool:
    """Refresh a day-old profile before nudging; True when the rep must not be nudged now
    (gone, or in another zone, where their morning is another time: the next sweep decides)."""
    checked = rep.profile_checked_at
    if checked is not None and now - checked < reps.PROFILE_MAX_AGE:
        return False
    try:
        profile = directory.refresh_profile(client, services, rep.workspace, rep.user_id)
    except directory.ProfileUnavailable as error:
        logger.info("nudging %s with a day-old profile: %s", rep.user_id, error)
        return False
    report.profiles_refreshed += 1
    if not profile.reachable:
        report.unreachable.append((rep.user_id, "deactivated or gone"))
        return True
    if profile.zone != rep.zone:
        report.deferred += 1
        return True
    return False


def _found_delivered(
    client: WebClient,
    services: Services,
    rep: DueRep,
    claim: deliveries.Claim,
    report: SweepReport,
) -> bool:
    """After an uncertain send, look for the DM before sending again: True if it is there (now
    recorded as sent, with the items it showed) or if Slack cannot tell (failed, for later)."""

    def shown(message: dict) -> list[ItemKey]:
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        return [key for key in map(ItemKey.parse, payload.get("items") or []) if key]

    found = claimed_pass.found_delivered(
        services,
        claim,
        rep.delivery_key,
        lambda: delivery.find_posted_dm(
            client, rep.user_id, NUDGE_EVENT, rep.delivery_key, claim.claimed_at
        ),
        lambda message: (
            lambda session: nudges.record_shown(
                session, rep.workspace, rep.user_id, shown(message), rep.local_date, services.now()
            )
        ),
    )
    if found is None:
        return False
    if found.message is None:
        report.failed.append(
            FailedNudge(rep.user_id, rep.local_date, claimed_pass.UNVERIFIED, True)
        )
        return True
    report.sent.append(
        SentNudge(rep.user_id, rep.local_date, len(shown(found.message)), found.ts, verified=True)
    )
    return True
