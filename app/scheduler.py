"""`coach worker`: the nudge sweep and the summary pass on one clock, until told to stop."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient

from app import clock
from app.config import Settings
from app.db import SWEEP_STATEMENT_TIMEOUT_S, make_engine, make_session_factory
from app.domain import installs
from app.domain.calendar import CalendarSetup
from app.domain.installs import UpkeepReport
from app.domain.nudges import NudgeRules
from app.slack import delivery
from app.slack.client import make_slack_client
from app.slack.installs import InstalledWorkspaces, WorkspaceClients
from app.slack.passes.calendars import CalendarPassReport, run_calendar_pass
from app.slack.passes.claimed_pass import PassReport
from app.slack.passes.confirmations import run_confirmation_pass
from app.slack.passes.meeting_prompts import MeetingPromptReport, run_meeting_prompts
from app.slack.passes.nudges import run_nudge_sweep
from app.slack.passes.summaries import run_summary_pass
from app.slack.services import Services

logger = logging.getLogger(__name__)

# A sweep stops claiming reps after this share of the interval; the next one takes the rest.
SWEEP_BUDGET_SHARE = 0.8


def services_for(settings: Settings) -> Services:
    clock.shift(settings.clock_offset_seconds)
    engine = make_engine(settings.sqlalchemy_url, statement_timeout_s=SWEEP_STATEMENT_TIMEOUT_S)
    return Services(
        sessions=make_session_factory(engine), calendars=CalendarSetup.from_settings(settings)
    )


def slack_clients(settings: Settings, services: Services) -> WebClient | WorkspaceClients:
    """The passes' Web API clients: SLACK_BOT_TOKEN's, or each installation's (OAuth mode)."""
    if not settings.oauth_enabled:
        return make_slack_client(settings, scheduler=True)
    engine = services.sessions.kw["bind"]
    return InstalledWorkspaces(
        settings, engine, services, make_slack_client(settings, scheduler=True, oauth=True)
    )


def run_upkeep(services: Services, now: datetime | None = None) -> UpkeepReport:
    """Uninstalled workspaces' data purged, texts past their retention period erased."""
    return installs.run_upkeep(services.sessions, now or services.now())


def sweep_budget(settings: Settings) -> float:
    """Seconds a sweep may spend claiming and sending: the rest is the next sweep's."""
    return settings.nudge_sweep_minutes * 60 * SWEEP_BUDGET_SHARE


def nudge_rules(settings: Settings) -> NudgeRules:
    return NudgeRules(outcome_grace=timedelta(minutes=settings.nudge_outcome_grace_minutes))


@dataclass
class CalendarsReport:
    """`coach calendars`: the feeds read, then the prompts sent."""

    feeds: CalendarPassReport
    prompts: MeetingPromptReport

    def summary(self) -> str:
        return f"{self.feeds.summary()}; {self.prompts.summary()}"

    def lines(self) -> list[str]:
        return self.feeds.lines() + self.prompts.lines()


# Prompts are due at a minute, each to its own DM: Slack's limit on posting is per channel (1 a
# second, with bursts), so they go faster than the morning DMs; a 429's Retry-After still holds
# the workspace's sends.
PROMPT_SENDS_PER_SECOND = 20.0


def prompt_pace(settings: Settings) -> float:
    """The calendar pass's pace per workspace: unpaced when the DMs are (0), else the faster of
    the DMs' pace and PROMPT_SENDS_PER_SECOND."""
    if settings.nudge_sends_per_second == 0:
        return 0.0
    return max(settings.nudge_sends_per_second, PROMPT_SENDS_PER_SECOND)


def calendars_pass(settings: Settings) -> Callable[..., CalendarsReport]:
    """The calendar pass as the worker and `coach calendars` run it: the feeds not read for
    CALENDAR_SYNC_MINUTES, then the prompts due (every run: a prompt is due at its minute)."""
    every = timedelta(minutes=settings.calendar_sync_minutes)

    def run(
        services: Services,
        client: WebClient | WorkspaceClients,
        now: datetime | None = None,
        *,
        pacer: delivery.Pacer | delivery.Pacers | None = None,
        budget_seconds: float = 240.0,
        stop: threading.Event | None = None,
        **_options: object,
    ) -> CalendarsReport:
        now = now or services.now()
        # Half the budget for the feeds: the prompts must not wait behind a slow calendar.
        feeds = run_calendar_pass(
            services,
            client,
            now,
            every=every,
            pacer=pacer,
            budget_seconds=budget_seconds / 2,
            stop=stop,
        )
        prompts = run_meeting_prompts(
            services, client, now, pacer=pacer, budget_seconds=budget_seconds / 2, stop=stop
        )
        return CalendarsReport(feeds, prompts)

    return run


def run_worker(settings: Settings) -> None:
    """Sweep every NUDGE_SWEEP_MINUTES until SIGTERM or SIGINT; the sweep in flight finishes its
    current send (so no claim is left in "sending") and claims nothing more."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    services = services_for(settings)
    client = slack_clients(settings, services)
    rules = nudge_rules(settings)
    interval = settings.nudge_sweep_minutes * 60
    stop = threading.Event()

    def job(
        run: Callable[..., PassReport | UpkeepReport | CalendarsReport],
        what: str,
        per_second: float = settings.nudge_sends_per_second,
    ) -> Callable[[], None]:
        # Each job its own pacers (one per workspace): jobs run in threads of their own.
        pacer = delivery.Pacers(per_second)

        def run_job() -> None:
            try:
                report = run(
                    services,
                    client,
                    rules=rules,
                    pacer=pacer,
                    budget_seconds=sweep_budget(settings),
                    stop=stop,
                )
            except Exception:  # one failed run must not stop the clock; the next one retries
                logger.exception("the %s failed", what)
                return
            logger.info(report.summary())

        return run_job

    # One process, one scheduler (APScheduler 3 cannot share jobs between processes); the
    # claims in the database make a second clock during a deploy harmless.
    scheduler = BlockingScheduler(timezone=UTC)
    # Channel summaries on the same clock as the nudges.
    jobs = {
        "nudges": job(run_nudge_sweep, "nudge sweep"),
        "summaries": job(run_summary_pass, "summary pass"),
        "confirmations": job(run_confirmation_pass, "confirmation retries"),
        "calendars": job(calendars_pass(settings), "calendar pass", prompt_pace(settings)),
        "upkeep": job(lambda services, _client, **_options: run_upkeep(services), "upkeep"),
    }
    for job_id, run_job in jobs.items():
        scheduler.add_job(
            run_job,
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
        "coach worker: nudges, summaries, confirmation retries, calendars and upkeep every %s "
        "minutes (each feed read every %s)",
        settings.nudge_sweep_minutes,
        settings.calendar_sync_minutes,
    )
    scheduler.start()
