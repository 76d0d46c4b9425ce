"""The sweeps of `coach worker` and `coach nudges`: who is due now, then one paced DM each."""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.config import Settings
from app.db import make_engine, make_session_factory, session_scope
from app.domain import deliveries, nudges, reps
from app.domain.nudges import DueRep, ItemKey, NudgeRules
from app.models import DeliveryKind
from app.slack import delivery, profiles
from app.slack.client import make_slack_client
from app.slack.services import Services
from app.slack.summary_posting import run_summary_pass
from app.slack.views.formatting import plural
from app.slack.views.nudge import NUDGE_EVENT, nudge_message

logger = logging.getLogger(__name__)

# users.info is Tier 4 (100+ a minute): 50 a sweep every 5 minutes refreshes 14,400 a day.
PROFILE_REFRESHES_PER_SWEEP = 50
# A sweep stops claiming reps after this share of the interval; the next one takes the rest.
SWEEP_BUDGET_SHARE = 0.8


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
class SweepReport:
    """What one sweep did, for `coach nudges` to print and `coach worker` to log."""

    now: datetime
    sent: list[SentNudge] = field(default_factory=list)
    failed: list[FailedNudge] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (user, reason)
    stuck: list[nudges.StuckNudge] = field(default_factory=list)
    claimed_elsewhere: int = 0  # another sweep got there first
    deferred: int = 0  # left to the next sweep: time budget, a long Retry-After, stopping
    profiles_refreshed: int = 0
    escalated: int = 0

    def summary(self) -> str:
        return (
            f"nudge sweep at {self.now.isoformat()}: {len(self.sent)} sent, "
            f"{len(self.failed)} failed, {len(self.unreachable)} unreachable, "
            f"{len(self.stuck)} stuck, {self.claimed_elsewhere} claimed elsewhere, "
            f"{self.deferred} deferred, {self.escalated} {plural(self.escalated, 'item')} "
            f"escalated, {self.profiles_refreshed} "
            f"{plural(self.profiles_refreshed, 'profile')} refreshed"
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
                "never finished; not re-sent"
            )
        return lines


def run_nudge_sweep(
    services: Services,
    client: WebClient,
    now: datetime | None = None,
    *,
    rules: NudgeRules = nudges.DEFAULT_RULES,
    pacer: delivery.Pacer | None = None,
    budget_seconds: float = 240.0,
    stop: threading.Event | None = None,
) -> SweepReport:
    """One sweep: nudge every rep whose morning it is and who has something due, at most once
    for their local date however many sweeps run at the same time.

    With `now` the sweep runs as if the clock read `now` (what it records too); without, it
    decides at the real time it starts.
    """
    if now is None:
        now = services.now()
    else:
        services = replace(services, clock=lambda: now)
    pacer = pacer or delivery.Pacer(0)
    report = SweepReport(now)
    report.profiles_refreshed = _refresh_stale_profiles(client, services, now)
    with session_scope(services.sessions) as session:
        due = nudges.find_due(session, now, rules)
    report.escalated = due.escalated
    for stuck in due.stuck:
        logger.warning(
            "the nudge %s to %s was claimed at %s and never finished sending; not re-sent",
            stuck.key,
            stuck.user_id,
            stuck.claimed_at.isoformat(),
        )
    report.stuck = due.stuck
    deadline = time.monotonic() + budget_seconds
    for rep in due.reps:
        if (stop and stop.is_set()) or time.monotonic() + pacer.delay() > deadline:
            report.deferred += 1
            continue
        _nudge(client, services, rep, report, pacer)
    return report


def _refresh_stale_profiles(client: WebClient, services: Services, now: datetime) -> int:
    """Users.info again for a few reps whose zone is missing or a day old (stalest first)."""
    with session_scope(services.sessions) as session:
        stale = reps.stale_profiles(session, now, PROFILE_REFRESHES_PER_SWEEP)
    refreshed = 0
    for workspace, user_id in stale:
        try:
            profiles.refresh_profile(client, services, workspace, user_id)
            refreshed += 1
        except profiles.ProfileUnavailable as error:
            logger.info("could not refresh the profile of %s: %s", user_id, error)
            break  # Slack is not answering: the next sweep tries again
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
    with session_scope(services.sessions) as session:
        claim = deliveries.claim(
            session, rep.workspace, DeliveryKind.NUDGE, rep.delivery_key, rep.user_id, now
        ) or deliveries.reclaim_failed(
            session, rep.workspace, DeliveryKind.NUDGE, rep.delivery_key, now
        )
    if claim is None:
        report.claimed_elsewhere += 1
        return
    uncertain = (claim.previous_error or "").startswith(delivery.UNCERTAIN)
    if uncertain and _found_delivered(client, services, rep, claim, report):
        return
    text, blocks = nudge_message(rep.items, rep.more, rep.zone)
    shown = [item.key for item in rep.items]
    posted = delivery.post_claimed(
        client,
        services,
        claim,
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
    if posted.retry_after:
        pacer.hold(posted.retry_after)
    report.failed.append(
        FailedNudge(rep.user_id, rep.local_date, posted.error, will_retry=not posted.permanent)
    )
    if posted.permanent:
        with session_scope(services.sessions) as session:
            reps.mark_unreachable(
                session,
                rep.workspace,
                rep.user_id,
                posted.error,
                services.now(),
                gone=posted.error in delivery.RECIPIENT_GONE_ERRORS,
            )
        report.unreachable.append((rep.user_id, posted.error))


def _profile_changed(
    client: WebClient, services: Services, rep: DueRep, report: SweepReport, now: datetime
) -> bool:
    """Refresh a day-old profile before nudging; True when the rep must not be nudged now
    (gone, or in another zone, where their morning is another time: the next sweep decides)."""
    checked = rep.profile_checked_at
    if checked is not None and now - checked < reps.PROFILE_MAX_AGE:
        return False
    try:
        profile = profiles.refresh_profile(client, services, rep.workspace, rep.user_id)
    except profiles.ProfileUnavailable as error:
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
    recorded as sent) or if Slack cannot tell (the claim goes back to failed, for later)."""
    try:
        message = delivery.find_posted_dm(client, rep.user_id, NUDGE_EVENT, rep.delivery_key)
    except (SlackApiError, OSError) as error:
        logger.warning("could not check whether %s arrived: %s", rep.delivery_key, error)
        delivery.record_failed(services, claim, delivery.Posted(error=claim.previous_error))
        report.failed.append(FailedNudge(rep.user_id, rep.local_date, "unverified", True))
        return True
    if message is None:
        return False
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    shown = [key for key in map(ItemKey.parse, payload.get("items") or []) if key]
    delivery.record_sent(
        services,
        claim,
        message.get("channel"),
        message.get("ts"),
        lambda session: nudges.record_shown(
            session, rep.workspace, rep.user_id, shown, rep.local_date, services.now()
        ),
    )
    report.sent.append(
        SentNudge(rep.user_id, rep.local_date, len(shown), message.get("ts"), verified=True)
    )
    return True


# ----- coach worker


def services_for(settings: Settings) -> Services:
    return Services(sessions=make_session_factory(make_engine(settings.sqlalchemy_url)))


def sweep_budget(settings: Settings) -> float:
    """Seconds a sweep may spend claiming and sending: the rest is the next sweep's."""
    return settings.nudge_sweep_minutes * 60 * SWEEP_BUDGET_SHARE


def nudge_rules(settings: Settings) -> NudgeRules:
    return NudgeRules(outcome_grace=timedelta(minutes=settings.nudge_outcome_grace_minutes))


def run_worker(settings: Settings) -> None:
    """Sweep every NUDGE_SWEEP_MINUTES until SIGTERM or SIGINT; the sweep in flight finishes its
    current send (so no claim is left in "sending") and claims nothing more."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    services = services_for(settings)
    client = make_slack_client(settings, scheduler=True)
    rules = nudge_rules(settings)
    pacer = delivery.Pacer(settings.nudge_sends_per_second)
    interval = settings.nudge_sweep_minutes * 60
    stop = threading.Event()

    def sweep() -> None:
        try:
            report = run_nudge_sweep(
                services,
                client,
                rules=rules,
                pacer=pacer,
                budget_seconds=sweep_budget(settings),
                stop=stop,
            )
        except Exception:  # one failed sweep must not stop the clock; the next one retries
            logger.exception("the nudge sweep failed")
            return
        logger.info(report.summary())

    # Channel summaries on the same clock, with a pacer of their own (jobs run in threads).
    summary_pacer = delivery.Pacer(settings.nudge_sends_per_second)

    def summary_pass() -> None:
        try:
            report = run_summary_pass(
                services,
                client,
                rules=rules,
                pacer=summary_pacer,
                budget_seconds=sweep_budget(settings),
                stop=stop,
            )
        except Exception:  # as for the nudges: the next pass retries
            logger.exception("the summary pass failed")
            return
        logger.info(report.summary())

    # One process, one scheduler (APScheduler 3 cannot share jobs between processes); the
    # claims in the database make a second clock during a deploy harmless.
    scheduler = BlockingScheduler(timezone=UTC)
    for job_id, job in (("nudges", sweep), ("summaries", summary_pass)):
        scheduler.add_job(
            job,
            "interval",
            seconds=interval,
            id=job_id,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=interval,
        )

    def shut_down(signum, _frame) -> None:
        logger.info("stopping the scheduler (signal %s)", signum)
        stop.set()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    logger.info(
        "coach worker: a nudge sweep and a summary pass every %s minutes",
        settings.nudge_sweep_minutes,
    )
    scheduler.start()
