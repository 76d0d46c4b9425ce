"""The calendar pass: every connected feed read again (conditionally), its meetings made into
interactions (app/domain/calendar/sync.py), and a rep whose feed stopped answering told once.

Each feed is leased by one pass at a time, so passes running at once (two clocks during a
deploy, `coach calendars` by hand) read it once. Feeds are fetched a few at a time: the
memory a pass needs is bounded by FETCHES_AT_ONCE bodies of at most the policy's size. A
fetched feed is parsed in a pool of processes, one a core (see `_Parsers`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from app.db import session_scope
from app.domain import company_domains, reps
from app.domain.calendar import links
from app.domain.calendar.feed import FeedReading, Window, read_feed
from app.domain.calendar.fetch import fetch_feed
from app.domain.calendar.links import DueFeed, Failing
from app.domain.calendar.problems import FeedProblem
from app.domain.calendar.sync import SyncCounts, apply_reading, sync_window
from app.domain.secrets import SecretBox
from app.domain.workspace import Workspace
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.installs import WorkspaceClients, workspace_clients
from app.slack.passes import claimed_pass
from app.slack.services import Services
from app.slack.views.calendar_pass import CALENDAR_FAILING_EVENT, failing_message
from app.slack.views.formatting import plural

logger = logging.getLogger(__name__)

FETCHES_AT_ONCE = 8
# Feeds leased at a time: what the pass can read before its budget runs out is leased in turns.
LEASE_BATCH = 200
DEFAULT_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class ReadFeed:
    user_id: str
    not_modified: bool
    counts: SyncCounts
    meetings: int  # external meetings in the window (from yesterday to two weeks ahead)


@dataclass
class CalendarPassReport(claimed_pass.PassReport):
    """What one pass did, for `coach calendars` to print and `coach worker` to log."""

    read: list[ReadFeed] = field(default_factory=list)
    failing: list[Failing] = field(default_factory=list)
    told: list[str] = field(default_factory=list)  # reps told their feed is failing
    not_set_up: bool = False  # no COACH_SECRET_KEY: no feed can be opened

    def summary(self) -> str:
        changed = [feed for feed in self.read if not feed.not_modified]
        total = SyncCounts()
        for feed in self.read:
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(feed.counts, name))
        return (
            f"calendar pass at {self.now.isoformat()}: {len(self.read)} "
            f"{plural(len(self.read), 'feed')} read ({len(self.read) - len(changed)} unchanged), "
            f"{total.imported} {plural(total.imported, 'meeting')} imported, {total.linked} "
            f"matched to plans, {total.moved} moved, {total.cancelled} cancelled, "
            f"{total.restored} restored, {len(self.failing)} failing, {len(self.told)} told, "
            f"{self.claimed_elsewhere} claimed elsewhere, {self.deferred} deferred"
        )

    def lines(self) -> list[str]:
        if self.not_set_up:
            return [self.summary(), "calendars are not set up: COACH_SECRET_KEY is missing"]
        lines = [self.summary()]
        for feed in self.read:
            if feed.not_modified:
                lines.append(f"read {feed.user_id}: not modified")
                continue
            c = feed.counts
            lines.append(
                f"read {feed.user_id}: {feed.meetings} {plural(feed.meetings, 'meeting')} from "
                "yesterday on, "
                f"{c.imported} imported, {c.linked} matched to plans, {c.moved} moved, "
                f"{c.cancelled} cancelled, {c.restored} restored, {c.away_days} days away"
            )
        for failing in self.failing:
            lines.append(f"failing {failing.user_id}: {failing.problem.value}")
        for user_id in self.told:
            lines.append(f"told {user_id} their calendar is failing")
        return lines


def run_calendar_pass(
    services: Services,
    client: WebClient | WorkspaceClients,
    now: datetime | None = None,
    *,
    every: timedelta = DEFAULT_EVERY,
    pacer: delivery.Pacer | delivery.Pacers | None = None,
    budget_seconds: float = 240.0,
    stop: threading.Event | None = None,
) -> CalendarPassReport:
    """Read every feed not read for `every` (as if the clock read `now`), then tell the reps
    whose feed is failing, once per failure."""
    services, now, pacers = claimed_pass.on_clock(services, now, pacer)
    report = CalendarPassReport(now)
    secrets = services.calendars.secrets
    if secrets is None:
        report.not_set_up = True
        return report
    deadline = time.monotonic() + budget_seconds
    context = _Context(services)
    try:
        with ThreadPoolExecutor(FETCHES_AT_ONCE, thread_name_prefix="calendar") as pool:
            for batch in _leased(services, now, every, secrets, deadline, stop):
                for result in pool.map(lambda feed: _read_or_log(context, feed, now), batch):
                    if isinstance(result, ReadFeed):
                        report.read.append(result)
                    elif isinstance(result, Failing):
                        report.failing.append(result)
                    else:
                        report.deferred += 1
    finally:
        context.parsers.close()
    to_tell = [failing for failing in report.failing if failing.tell]
    clients = workspace_clients(client, services)
    claimed_pass.send_by_workspace(
        to_tell,
        lambda failing: failing.workspace,
        lambda ws_client, failing, part, ws_pacer: _tell(
            ws_client, services, failing, part, ws_pacer
        ),
        clients,
        pacers,
        report,
        max(0.0, deadline - time.monotonic()),
        stop,
    )
    return report


def _leased(
    services: Services,
    now: datetime,
    every: timedelta,
    secrets: SecretBox,
    deadline: float,
    stop: threading.Event | None,
) -> Iterator[list[DueFeed]]:
    """Leases in batches until none is due, the budget is spent or the worker stops."""
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        with session_scope(services.sessions) as session:
            batch = links.lease_due(session, now, every, LEASE_BATCH, secrets)
        if not batch:
            return
        yield batch


class _Context:
    """What reading a feed needs besides the feed, for the pass: each workspace's own email
    domains (they tell customers from colleagues), cached; the parsers."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._domains: dict[Workspace, frozenset[str]] = {}
        self._lock = threading.Lock()
        # Feeds are fetched side by side, but written one at a time: SQLite takes one writer
        # at a time (a second would wait on its lock), and each rep's write is short.
        self.writing = threading.Lock()
        self.parsers = _Parsers()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, while no other feed of this pass writes."""
        with self.writing, session_scope(self.services.sessions) as session:
            yield session

    def company_domains(self, workspace: Workspace) -> frozenset[str]:
        with self._lock:
            if workspace not in self._domains:
                with session_scope(self.services.sessions) as session:
                    self._domains[workspace] = company_domains.company_domains(session, workspace)
            return self._domains[workspace]


def _read_or_log(context: _Context, feed: DueFeed, now: datetime) -> ReadFeed | Failing | None:
    """One feed; a database that fails it leaves it leased, for a pass after the lease."""
    try:
        return _read(context, feed, now)
    except Exception:  # one rep's failure must not stop the others' feeds
        logger.exception("reading the calendar of %s failed", feed.user_id)
        return None


def _read(context: _Context, feed: DueFeed, now: datetime) -> ReadFeed | Failing:
    services = context.services
    policy = services.calendars.policy
    try:
        fetched = fetch_feed(
            feed.address,
            policy,
            seconds=policy.sync_seconds,
            # The first read takes the whole feed: the connect form's check saw it, not us.
            etag=None if feed.first_read else feed.etag,
            last_modified=None if feed.first_read else feed.last_modified,
        )
        if fetched.not_modified:
            with context.write() as session:
                links.record_read(
                    session, feed, now, etag=feed.etag, last_modified=feed.last_modified
                )
            return ReadFeed(feed.user_id, True, SyncCounts(), 0)
        with session_scope(services.sessions) as session:
            rep = reps.find_rep(session, feed.workspace, feed.user_id)
            zone = reps.usable_zone_name(rep.tz if rep else None)
            own = frozenset({rep.email}) if rep is not None and rep.email else frozenset()
        window = sync_window(now)
        reading = context.parsers.read(
            fetched.body or b"",
            rep_addresses=own,
            company_domains=context.company_domains(feed.workspace),
            window=window,
            rep_zone=zone,
        )
    except FeedProblem as problem:
        logger.info("could not read the calendar of %s: %s", feed.user_id, problem)  # no address
        with context.write() as session:
            return links.record_failed(session, feed, problem.problem, now)
    with context.write() as session:
        counts = apply_reading(session, feed.workspace, feed.user_id, reading, window, zone, now)
        links.record_read(
            session, feed, now, etag=fetched.etag, last_modified=fetched.last_modified
        )
    return ReadFeed(feed.user_id, False, counts, len(reading.meetings))


class _Parsers:
    """The pass's pool of processes that parse feeds, one a core: parsing is CPU (icalendar
    builds an object for every property), and the pass's threads share one interpreter; read
    there, the feeds took turns with each other and with the writes, on one core however many
    there were. Started with the pass's first feed to parse, stopped with the pass (a process
    that ends with its pool still up would wait for it: multiprocessing joins its children).
    Should the pool break (a parser killed), the feed is read here and the next one starts a
    new pool."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def read(
        self,
        body: bytes,
        *,
        rep_addresses: frozenset[str],
        company_domains: frozenset[str],
        window: Window,
        rep_zone: str,
    ) -> FeedReading:
        """read_feed, in a process of the pool."""
        reading = partial(
            read_feed,
            body,
            rep_addresses=rep_addresses,
            company_domains=company_domains,
            window=window,
            rep_zone=rep_zone,
        )
        with self._lock:
            if self._pool is None:
                self._pool = self._start()
            pool = self._pool
        try:
            return pool.submit(reading).result()
        except BrokenProcessPool:
            logger.warning("the calendar parsers' pool broke; reading this feed in the pass")
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            return reading()

    @staticmethod
    def _start() -> ProcessPoolExecutor:
        # forkserver: forking the pass's process, with its threads and connections, is unsafe;
        # the server imports the reader once, and forks each pass's parsers from it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["app.domain.calendar.feed"])
        return ProcessPoolExecutor(len(os.sched_getaffinity(0)), mp_context=context)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()


def _tell(
    client: WebClient,
    services: Services,
    failing: Failing,
    report: CalendarPassReport,
    pacer: delivery.Pacer,
) -> None:
    """DM the rep that their feed is failing: once per failure, however many passes see it."""
    now = services.now()
    pacer.wait()
    claim = claimed_pass.claim(
        services,
        report,
        failing.workspace,
        DeliveryKind.CALENDAR_FAILING,
        failing.delivery_key,
        failing.user_id,
        now,
    )
    if claim is None:
        return
    text, blocks = failing_message(failing, services.calendars.policy)
    posted = claimed_pass.post(
        client,
        services,
        claim,
        pacer,
        text=text,
        blocks=blocks,
        label=f"calendar failing {failing.delivery_key}",
        metadata={
            "event_type": CALENDAR_FAILING_EVENT,
            "event_payload": {"key": failing.delivery_key},
        },
    )
    if posted.sent:
        report.told.append(failing.user_id)
