"""Web round trip and memory of `coach serve`: signed /precall, /postcall and view_submission
requests, next to a bare Bolt app served the same way, the resident memory of the web processes,
and the first /postcall submission a freshly started server answers.

    python bench/roundtrip.py                       # SQLite, 500 measured requests of each kind
    python bench/roundtrip.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The Slack double runs in its own process, each app under gunicorn in its own process group, all
on 127.0.0.1. One client sends one request at a time and, before the next, waits until the app's
follow-up Web API calls (views.open, views.update, chat.postMessage) have reached the double, so
every figure is the round trip of a request arriving at an idle server (--back-to-back sends the
next request as soon as the answer arrives instead). Rounds interleave bare /precall, coach
/precall, its plan submission, coach /postcall and its outcome submission, so any outside load
hits them all alike. Each /postcall is about an interaction planned for the rep just before (in
the database directly) and names its account, so the modal the app fills preselects it; the
outcome is submitted from that modal. Then `coach serve` is started afresh a few times (one
worker), and the first request each gets is a /postcall submission. Figures are printed; the
exit status is 0 unless the run itself went wrong (an error answer, a plan or outcome not saved,
a view or message Slack would refuse).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import http.client
import itertools
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `app` without installing it

from sqlalchemy import Engine, create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import migrate  # noqa: E402
from app.config import Settings, normalize_database_url  # noqa: E402
from app.db import make_engine, make_session_factory, session_scope  # noqa: E402
from app.domain.plans import PlanDraft, PlanForm, check_plan, save_plan  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import Delivery, DeliveryKind, Interaction, Origin, Outcome  # noqa: E402
from app.sandbox import inbound  # noqa: E402
from app.sandbox.slack_double import SlackDouble  # noqa: E402
from app.slack.forms.metadata import StaleForm  # noqa: E402
from app.slack.forms.outcome import PostcallIds, PostcallMetadata, keyed  # noqa: E402
from app.slack.forms.plan import PrecallIds  # noqa: E402
from app.web import EVENTS_PATH  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"
HOST = "127.0.0.1"
PRECALL_TEXT = "Acme Corp demo tomorrow 2pm"
# Reps in zones on both sides of UTC, so the plans are saved across different local days.
REPS = {
    "U0BENCHNY": "America/New_York",
    "U0BENCHLDN": "Europe/London",
    "U0BENCHKOL": "Asia/Kolkata",
    "U0BENCHTYO": "Asia/Tokyo",
}

REQUEST_TIMEOUT_S = 10.0
FOLLOW_UP_TIMEOUT_S = 10.0
BOOT_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
RSS_AFTER_REQUESTS = 1000
# The calls logged with /postcall: planned from this long before the run began, one minute
# apart for each rep, so the one just planned is always the rep's latest, at the top of the list
# (/postcall lists interactions up to 12 hours ahead: enough for 5,000 rounds and more).
POSTCALL_PLANNED_FROM = timedelta(hours=12)
OBJECTIVE = "Dana (CFO) agrees to a 30-minute pricing review on Tuesday"
# The outcome: a next step with a date, so the date parser runs and a follow-up is created.
# In the rounds it is "next Tuesday 3pm", which the product's own rules read; after a fresh
# start the date is a month and day ("Dec 10 3pm"), which dateparser reads, so the first
# submission would pay dateparser's cold start if the app had not warmed it.
OUTCOME = "advanced"
NEXT_STEP = "Dana books the security review"
NEXT_STEP_WHEN = "next Tuesday 3pm"
FIRST_STARTS = 5
FIRST_NEXT_STEP_IN = timedelta(days=14)

# Targets from the issue.
PRECALL_P99_RATIO_MAX = 1.5
# Below Bolt's 10 ms ack poll: each coach kind's p50 within this, and this share of the bare app's.
ROUND_TRIP_P50_MAX_MS = 3.0
ROUND_TRIP_P50_SHARE_OF_BARE_MAX = 0.3
SUBMISSION_P99_MAX_MS = 50.0
FIRST_POSTCALL_MAX_MS = 300.0
WORKER_RSS_MAX_MB = 150.0


# ----- the Slack double, in a process of its own so its work never holds the client's GIL


class DoubleService:
    """A SlackDouble behind a multiprocessing manager, answering with small values only."""

    def __init__(self) -> None:
        # The double keeps every call it records, so each full garbage collection scans a
        # growing heap (100+ ms late in a run) and would show up as the app's views.open time.
        # Nothing it keeps is freed before the run ends anyway.
        gc.disable()
        self._double = SlackDouble().start()

    def identity(self) -> dict[str, str]:
        return {
            "api_url": self._double.api_url,
            "bot_token": self._double.bot_token,
            "team_id": self._double.team_id,
        }

    def add_user(self, user_id: str, tz: str) -> None:
        self._double.add_user(user_id, name=user_id.lower(), tz=tz)

    def slow(self, method: str, delay: float) -> None:
        """Answer every later call of `method` `delay` seconds late (a slow Slack)."""
        self._double.fail_next(method, delay=delay, times=10**9)

    def wait_for_count(self, method: str, count: int, timeout: float) -> None:
        self._double.wait_for(method, count=count, timeout=timeout)

    def open_view(self, user_id: str) -> dict:
        """The modal open for `user_id`, as views.* last returned it."""
        return self._double.view_stack(user_id)[0]

    def view_opened_by(self, trigger_id: str) -> dict:
        """The modal views.open opened with `trigger_id`, as views.* last returned it."""
        (call,) = [
            c for c in self._double.calls("views.open") if c.args["trigger_id"] == trigger_id
        ]
        return self._double.get_view(call.response["view"]["id"])

    def trigger_times(self) -> dict[str, float]:
        """When views.open was answered, by trigger id (the double's time.time())."""
        return {c.args["trigger_id"]: c.time for c in self._double.calls("views.open")}

    def violations(self) -> list[str]:
        return self._double.violations

    def stop(self) -> None:
        self._double.stop()


class DoubleManager(BaseManager):
    pass


DoubleManager.register("DoubleService", DoubleService)


@contextlib.contextmanager
def slack_double(service: str = "DoubleService") -> Iterator[DoubleService]:
    """The double behind `service`, a DoubleService (or a subclass registered on DoubleManager)."""
    manager = DoubleManager(ctx=get_context("fork"))
    manager.start()
    try:
        double = getattr(manager, service)()
        try:
            yield double
        finally:
            double.stop()
    finally:
        manager.shutdown()


# ----- databases


@contextlib.contextmanager
def bench_database(directory: Path, server_url: str | None) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or a fresh PostgreSQL database dropped after."""
    if (
        server_url
        and make_url(normalize_database_url(server_url)).get_backend_name() != "postgresql"
    ):
        raise SystemExit("--database-url takes a PostgreSQL server URL; omit it for SQLite")
    if not server_url:
        url = f"sqlite:///{directory / 'coach-bench.db'}"
        migrate.upgrade(url)
        yield url
        return
    server = make_url(normalize_database_url(server_url))
    name = f"coach_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            migrate.upgrade(url)
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# ----- what a rep types into the modals


def plan_form(account: str) -> dict:
    """The /precall modal's state: a clean plan for `account`."""
    typed = {
        PrecallIds.ACCOUNT_BLOCK: inbound.plain_text_value(account),
        PrecallIds.KIND_BLOCK: inbound.radio_value("meeting"),
        PrecallIds.WHEN_BLOCK: inbound.plain_text_value("tomorrow 2pm"),
        PrecallIds.STAGE_BLOCK: inbound.static_select_value("demo"),
        PrecallIds.OBJECTIVE_BLOCK: inbound.plain_text_value(OBJECTIVE),
        PrecallIds.MINIMUM_BLOCK: inbound.plain_text_value("Dana forwards the pricing sheet"),
    }
    return {block_id: {PrecallIds.INPUT: value} for block_id, value in typed.items()}


def outcome_form(view: dict, when: str) -> dict:
    """The filled /postcall modal's state: Advanced, a next step dated `when`; its block ids
    carry the key the app gave the inputs, as Slack echoes them back."""
    try:
        metadata = PostcallMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm as error:
        raise BenchFailure(f"the /postcall modal carries no metadata: {str(view)[:300]}") from error
    typed = {
        (PostcallIds.RESULT_BLOCK, PostcallIds.INPUT): inbound.radio_value(OUTCOME),
        (PostcallIds.NEXT_STEP_BLOCK, PostcallIds.INPUT): inbound.plain_text_value(NEXT_STEP),
        (PostcallIds.NEXT_STEP_WHEN_BLOCK, PostcallIds.READ_NEXT_STEP_WHEN): (
            inbound.plain_text_value(when)
        ),
        (PostcallIds.NOTES_BLOCK, PostcallIds.INPUT): inbound.plain_text_value(None),
    }
    return {keyed(block, metadata): {action: value} for (block, action), value in typed.items()}


def preselected(view: dict) -> str | None:
    """The interaction the /postcall modal shows chosen."""
    for block in view.get("blocks", []):
        if block.get("block_id") == PostcallIds.INTERACTION_BLOCK:
            return (block.get("element", {}).get("initial_option") or {}).get("value")
    return None


@contextlib.contextmanager
def bench_engine(server_url: str | None, **engine_options: Any) -> Iterator[Engine]:
    """An engine (make_engine's options) on a migrated, empty database of its own, removed
    afterwards."""
    with tempfile.TemporaryDirectory() as workdir, bench_database(Path(workdir), server_url) as url:
        engine = make_engine(url, **engine_options)
        try:
            yield engine
        finally:
            engine.dispose()


@contextlib.contextmanager
def unbounded(engine: Engine) -> Iterator[Engine]:
    """An engine on `engine`'s database with no statement timeout: seeding millions of rows
    outlasts the timeout the timed engine keeps."""
    loader = make_engine(engine.url.render_as_string(hide_password=False), statement_timeout_s=None)
    try:
        yield loader
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Saved:
    """What the database holds at the end of a run."""

    plans: int  # interactions planned with /precall, submitted or planned for /postcall
    outcomes: int
    logged: list[int]  # the interactions with an outcome, by id
    revised: int  # outcomes saved more than once
    follow_ups: int
    deliveries: dict[str, int]  # confirmation DMs claimed, by kind


def saved_rows(url: str) -> Saved:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            origins = dict(
                connection.execute(
                    select(Interaction.origin, func.count()).group_by(Interaction.origin)
                ).all()
            )
            logged = list(connection.scalars(select(Outcome.interaction_id)))
            revised = connection.scalar(
                select(func.count()).select_from(Outcome).where(Outcome.revision > 1)
            )
            deliveries = dict(
                connection.execute(
                    select(Delivery.kind, func.count()).group_by(Delivery.kind)
                ).all()
            )
        return Saved(
            plans=origins.get(Origin.PRECALL, 0),
            outcomes=len(logged),
            logged=sorted(logged),
            revised=revised,
            follow_ups=origins.get(Origin.FOLLOW_UP, 0),
            deliveries=deliveries,
        )
    finally:
        engine.dispose()


class Planner:
    """Plans the calls /postcall logs, in the database directly, as a /precall would save them."""

    def __init__(self, url: str, team_id: str) -> None:
        self._engine = make_engine(url)
        self._sessions = make_session_factory(self._engine)
        self._workspace = Workspace(team_id=team_id)
        self._start = datetime.now(UTC).replace(second=0, microsecond=0) - POSTCALL_PLANNED_FROM
        self._per_rep: dict[str, int] = {}
        self._accounts = itertools.count(1)
        self.planned = 0

    def plan(self, rep: str) -> tuple[str, int]:
        """A call planned for `rep`, later than all the rep's others: (its account, its id)."""
        index = self._per_rep.get(rep, 0)
        self._per_rep[rep] = index + 1
        zone = ZoneInfo(REPS[rep])
        at = (self._start + timedelta(minutes=index)).astimezone(zone)
        # Planned an hour ahead, as a rep would: a plan for a time already past is refused.
        now = at - timedelta(hours=1)
        day = {-1: "yesterday", 0: "today", 1: "tomorrow"}[
            (at.date() - now.astimezone(zone).date()).days
        ]
        account = f"Call {next(self._accounts):05d} Ltd"
        form = PlanForm(
            account=account,
            kind="call",
            when_text=f"{day} {at:%-I:%M%p}".lower(),
            stage="demo",
            objective=OBJECTIVE,
        )
        draft = check_plan(form, REPS[rep], now)
        if not isinstance(draft, PlanDraft) or draft.scheduled_at != at:
            raise BenchFailure(f"could not plan {form.when_text!r} for {rep}: {draft}")
        with session_scope(self._sessions) as session:
            interaction_id = save_plan(session, self._workspace, rep, draft, now).interaction.id
        self.planned += 1
        return account, interaction_id

    def close(self) -> None:
        self._engine.dispose()


# ----- the servers


def _die_with_parent() -> None:
    """Runs in the child before exec: if the benchmark is killed, gunicorn gets SIGTERM."""
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


@contextlib.contextmanager
def served(
    name: str, command: list[str], env: dict[str, str], workdir: Path, port: int, workers: int
) -> Iterator[Server]:
    """Start a gunicorn-served app in its own process group; stop the whole group afterwards."""
    log = workdir / f"{name}.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=workdir,  # no stray .env file is read
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    server = Server(name, port, process, log)
    try:
        wait_until_ready(server, workers)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
    # Workers left behind by a master that died or hung go with their group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT_S)


def wait_until_ready(server: Server, workers: int) -> None:
    """Wait for GET /healthz to answer 200 and for every worker process to exist."""
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start:\n{server.log_tail()}")
        if healthz(server.port) == 200 and len(children(server.process.pid)) >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {BOOT_TIMEOUT_S:.0f}s:\n{server.log_tail()}")


def healthz(port: int) -> int | None:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            # The command name may hold spaces and parentheses; fields resume after the last ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _proc_field_mb(path: Path, name: str) -> float | None:
    """A "Name:   1234 kB" line of a /proc file, in MB; None once the process is gone."""
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1]) / 1024
    return None


@dataclass(frozen=True)
class Usage:
    """Resident memory of one process: RSS counts pages shared with the other gunicorn
    processes in full; PSS splits them, so PSS adds up across processes."""

    rss: float | None
    pss: float | None

    @classmethod
    def of(cls, pid: int) -> Usage:
        proc = Path("/proc") / str(pid)
        return cls(
            _proc_field_mb(proc / "status", "VmRSS"), _proc_field_mb(proc / "smaps_rollup", "Pss")
        )

    def __str__(self) -> str:
        return f"{self.rss or 0:.1f} ({self.pss or 0:.1f})"


@dataclass
class Memory:
    master: Usage
    workers: dict[int, Usage]

    @property
    def largest_worker_rss(self) -> float:
        return max((usage.rss or 0.0) for usage in self.workers.values())

    @property
    def total_pss(self) -> float:
        processes = [self.master, *self.workers.values()]
        return sum(usage.pss or 0.0 for usage in processes)


def memory_of(server: Server) -> Memory:
    return Memory(
        master=Usage.of(server.process.pid),
        workers={pid: Usage.of(pid) for pid in children(server.process.pid)},
    )


# ----- requests


@dataclass
class Sent:
    status: int
    body: bytes
    seconds: float
    sent_at: float  # wall clock, to compare with the double's record of views.open


def post_signed(port: int, body: str) -> Sent:
    headers = inbound.signed_headers(SIGNING_SECRET, body)
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    sent_at = time.time()
    started = time.perf_counter()
    try:
        connection.request("POST", EVENTS_PATH, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    return Sent(response.status, payload, time.perf_counter() - started, sent_at)


@dataclass
class Series:
    name: str
    seconds: list[float] = field(default_factory=list)

    def percentile_ms(self, fraction: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] * 1000

    @property
    def p50(self) -> float:
        return self.percentile_ms(0.50)

    @property
    def p99(self) -> float:
        return self.percentile_ms(0.99)

    @property
    def max(self) -> float:
        return max(self.seconds) * 1000


class BenchFailure(Exception):
    """The run itself went wrong, so its figures mean nothing."""


@dataclass(frozen=True)
class OutcomeForm:
    """A /postcall modal as the app filled it, with the interaction it preselected."""

    rep: str
    view: dict
    interaction_id: int


class Client:
    """Acts as Slack for both apps, one request at a time, and tracks what the double should see."""

    def __init__(
        self,
        double: DoubleService,
        team_id: str,
        bare: Server,
        coach: Server,
        planner: Planner,
        settle: bool,
    ) -> None:
        self.double = double
        self.settle = settle
        self.recording = False
        self.team_id = team_id
        self.bare = bare
        self.coach = coach
        self.planner = planner
        self.expected = {"views.open": 0, "views.update": 0, "chat.postMessage": 0}
        self.coach_requests = 0
        self.submissions = 0
        self.logged: list[int] = []  # the interactions an outcome was submitted for
        self.triggers: dict[str, list[tuple[str, float]]] = {
            "bare": [],
            "coach": [],
            "postcall": [],
        }
        self._accounts = itertools.count(1)
        self._views: dict[str, dict] = {}
        self._outcome_forms: dict[str, OutcomeForm] = {}

    def _settle(self, method: str, *, wait: bool = False) -> None:
        """One more `method` call is due from the app: wait until the double has answered it."""
        self.expected[method] += 1
        if self.settle or wait:
            self.double.wait_for_count(method, self.expected[method], FOLLOW_UP_TIMEOUT_S)

    def drain(self) -> None:
        """Wait for every follow-up call still due (back-to-back runs wait only here)."""
        for method, count in self.expected.items():
            self.double.wait_for_count(method, count, FOLLOW_UP_TIMEOUT_S)

    def _precall(self, server: Server, rep: str) -> tuple[Sent, str]:
        trigger_id = inbound.new_trigger_id(rep)
        body = inbound.slash_command_body(
            command="/precall",
            text=PRECALL_TEXT,
            user_id=rep,
            team_id=self.team_id,
            trigger_id=trigger_id,
        )
        sent = post_signed(server.port, body)
        if sent.status != 200 or sent.body:
            raise BenchFailure(f"{server.name} /precall answered {sent.status} {sent.body[:300]!r}")
        return sent, trigger_id

    def bare_precall(self, rep: str) -> float:
        sent, trigger_id = self._precall(self.bare, rep)
        self._settle("views.open")
        if self.recording:
            self.triggers["bare"].append((trigger_id, sent.sent_at))
        return sent.seconds

    def coach_precall(self, rep: str) -> float:
        sent, trigger_id = self._precall(self.coach, rep)
        self.coach_requests += 1
        self._settle("views.open")
        # The modal, now showing the rep's zone; submissions are made from it.
        self._settle("views.update", wait=rep not in self._views)
        if self.recording:
            self.triggers["coach"].append((trigger_id, sent.sent_at))
        if rep not in self._views:
            self._views[rep] = self.double.open_view(rep)
        return sent.seconds

    def coach_submission(self, rep: str) -> float:
        """A clean plan for a new account, so every submission inserts a plan."""
        if rep not in self._views:
            self.coach_precall(rep)
        account = f"Bench {next(self._accounts):05d} Corp"
        payload = inbound.view_submission_payload(
            view=self._views[rep],
            values=plan_form(account),
            user_id=rep,
            team_id=self.team_id,
        )
        sent = post_signed(self.coach.port, inbound.interaction_body(payload))
        self.coach_requests += 1
        if sent.status != 200 or sent.body:
            raise BenchFailure(
                f"view_submission for {account} was not a clean save: "
                f"{sent.status} {sent.body[:300]!r}"
            )
        self.submissions += 1
        self._settle("chat.postMessage")  # the confirmation DM
        return sent.seconds

    def coach_postcall(self, rep: str) -> float:
        """/postcall naming the account of a call just planned; the form it fills is kept."""
        account, interaction_id = self.planner.plan(rep)
        trigger_id = inbound.new_trigger_id(rep)
        body = inbound.slash_command_body(
            command="/postcall",
            text=account,
            user_id=rep,
            team_id=self.team_id,
            trigger_id=trigger_id,
        )
        sent = post_signed(self.coach.port, body)
        self.coach_requests += 1
        if sent.status != 200 or sent.body:
            raise BenchFailure(f"coach /postcall answered {sent.status} {sent.body[:300]!r}")
        self._settle("views.open")  # the loading modal
        self._settle("views.update", wait=True)  # filled with the rep's interactions
        if self.recording:
            self.triggers["postcall"].append((trigger_id, sent.sent_at))
        view = self.double.view_opened_by(trigger_id)
        if view.get("callback_id") != PostcallIds.CALLBACK or preselected(view) != str(
            interaction_id
        ):
            raise BenchFailure(
                f"/postcall {account} did not preselect interaction {interaction_id}: "
                f"{str(view.get('blocks'))[:300]}"
            )
        self._outcome_forms[rep] = OutcomeForm(rep, view, interaction_id)
        return sent.seconds

    def coach_outcome(self, rep: str) -> float:
        """The outcome of the call /postcall preselected, submitted from the modal it filled."""
        if rep not in self._outcome_forms:
            self.coach_postcall(rep)
        self.coach_requests += 1
        return self.submit_outcome(self.coach, self._outcome_forms.pop(rep))

    def open_outcome_form(self, rep: str) -> OutcomeForm:
        """A /postcall form, opened and filled by the app, to submit later."""
        self.coach_postcall(rep)
        return self._outcome_forms.pop(rep)

    def submit_outcome(
        self, server: Server, form: OutcomeForm, *, when: str | None = None, wait: bool = False
    ) -> float:
        payload = inbound.view_submission_payload(
            view=form.view,
            values=outcome_form(form.view, when or NEXT_STEP_WHEN),
            user_id=form.rep,
            team_id=self.team_id,
        )
        sent = post_signed(server.port, inbound.interaction_body(payload))
        if sent.status != 200 or sent.body:
            raise BenchFailure(
                f"{server.name}: the outcome of interaction {form.interaction_id} was not a "
                f"clean save: {sent.status} {sent.body[:300]!r}"
            )
        self.logged.append(form.interaction_id)
        self._settle("chat.postMessage", wait=wait)  # the confirmation DM
        return sent.seconds

    def views_open_series(self, name: str, app: str) -> Series:
        """From request sent to views.open answered by the double: the modal on the screen."""
        answered = self.double.trigger_times()
        return Series(
            name, [answered[trigger] - sent_at for trigger, sent_at in self.triggers[app]]
        )


# ----- the run


@dataclass
class Results:
    database: str
    workers: int
    threads: int
    rounds: int
    warmup: int
    back_to_back: bool
    series: list[Series]
    opens: list[Series]
    first_postcalls: list[float]  # seconds, one per fresh start of `coach serve`
    coach_requests: int  # before coach_after was read
    submissions: int
    outcome_submissions: int
    saved: Saved
    coach_boot: Memory
    coach_after: Memory
    bare_after: Memory
    seconds: float


def run(args: argparse.Namespace) -> Results:
    from app.server import THREADS_PER_WORKER

    began = time.monotonic()
    reps = itertools.cycle(REPS)
    with (
        tempfile.TemporaryDirectory(prefix="coach-bench-") as workdir_name,
        slack_double() as double,
    ):
        workdir = Path(workdir_name)
        identity = double.identity()
        for rep, tz in REPS.items():
            double.add_user(rep, tz)
        with (
            bench_database(workdir, args.database_url) as database_url,
            contextlib.closing(Planner(database_url, identity["team_id"])) as planner,
        ):
            common = os.environ | {
                "SLACK_BOT_TOKEN": identity["bot_token"],
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": identity["api_url"],
                "WEB_CONCURRENCY": str(args.workers),
                "PYTHONUNBUFFERED": "1",
            }
            common.pop("SLACK_APP_TOKEN", None)
            coach_env = common | {"DATABASE_URL": database_url}
            coach_port, bare_port = free_port(), free_port()
            coach_command = [*coach_executable(), "serve"]
            bare_command = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
            with (
                served(
                    "coach",
                    coach_command,
                    coach_env | {"PORT": str(coach_port)},
                    workdir,
                    coach_port,
                    args.workers,
                ) as coach,
                served(
                    "bare",
                    bare_command,
                    common | {"PORT": str(bare_port)},
                    workdir,
                    bare_port,
                    args.workers,
                ) as bare,
            ):
                coach_boot = memory_of(coach)
                client = Client(
                    double, identity["team_id"], bare, coach, planner, not args.back_to_back
                )
                kinds: list[tuple[Series, Callable[[str], float]]] = [
                    (Series("bare /precall"), client.bare_precall),
                    (Series("coach /precall"), client.coach_precall),
                    (Series("coach /precall view_submission"), client.coach_submission),
                    (Series("coach /postcall"), client.coach_postcall),
                    (Series("coach /postcall view_submission"), client.coach_outcome),
                ]
                progress(f"warming up: {args.warmup} rounds")
                for _ in range(args.warmup):
                    rep = next(reps)
                    for _series, send in kinds:
                        send(rep)
                client.drain()
                progress(f"measuring: {args.requests} rounds")
                client.recording = True
                for _ in range(args.requests):
                    rep = next(reps)
                    for series, send in kinds:
                        series.seconds.append(send(rep))
                client.recording = False
                # Memory is read after at least RSS_AFTER_REQUESTS requests of the mix.
                while client.coach_requests < RSS_AFTER_REQUESTS:
                    rep = next(reps)
                    for _series, send in kinds[1:]:
                        send(rep)
                client.drain()
                coach_after = memory_of(coach)
                coach_requests = client.coach_requests
                bare_after = memory_of(bare)
                opens = [
                    client.views_open_series("bare /precall -> views.open", "bare"),
                    client.views_open_series("coach /precall -> views.open", "coach"),
                    client.views_open_series("coach /postcall -> views.open", "postcall"),
                ]
                # Forms opened now and submitted after a restart, as a rep's open modal would be.
                forms = [client.open_outcome_form(next(reps)) for _ in range(args.first_starts)]
            first_postcalls = []
            for number, form in enumerate(forms, 1):
                progress(f"fresh start {number} of {len(forms)}: the first /postcall submission")
                port = free_port()
                with served(
                    f"coach-start-{number}",
                    coach_command,
                    coach_env | {"PORT": str(port), "WEB_CONCURRENCY": "1"},
                    workdir,
                    port,
                    1,
                ) as fresh:
                    first_postcalls.append(
                        client.submit_outcome(fresh, form, when=month_and_day(form.rep), wait=True)
                    )
            client.drain()
            violations = double.violations()
            if violations:
                raise BenchFailure(f"the app sent what Slack would refuse: {violations[:3]}")
            saved = saved_rows(database_url)
            check_saved(saved, client)
            backend = make_url(database_url).get_backend_name()
    return Results(
        database="PostgreSQL" if backend == "postgresql" else "SQLite",
        workers=args.workers,
        threads=THREADS_PER_WORKER,
        rounds=args.requests,
        warmup=args.warmup,
        back_to_back=args.back_to_back,
        series=[series for series, _send in kinds],
        opens=opens,
        first_postcalls=first_postcalls,
        coach_requests=coach_requests,
        submissions=client.submissions,
        outcome_submissions=len(client.logged),
        saved=saved,
        coach_boot=coach_boot,
        coach_after=coach_after,
        bare_after=bare_after,
        seconds=time.monotonic() - began,
    )


def month_and_day(rep: str) -> str:
    """A next step FIRST_NEXT_STEP_IN ahead in the rep's zone, as "Dec 10 3pm"."""
    day = datetime.now(ZoneInfo(REPS[rep])).date() + FIRST_NEXT_STEP_IN
    return f"{day:%b} {day.day} 3pm"


def check_saved(saved: Saved, client: Client) -> None:
    """One plan per plan submission or planned call, one new outcome per outcome submission."""
    if saved.plans != client.submissions + client.planner.planned:
        raise BenchFailure(
            f"{client.submissions} clean plan submissions and {client.planner.planned} calls "
            f"planned for /postcall saved {saved.plans} plans"
        )
    if saved.logged != sorted(client.logged) or saved.revised:
        raise BenchFailure(
            f"{len(client.logged)} outcome submissions, each for an interaction of its own, "
            f"saved {saved.outcomes} outcomes ({saved.revised} saved more than once)"
        )
    if saved.follow_ups != saved.outcomes:
        raise BenchFailure(f"{saved.outcomes} outcomes created {saved.follow_ups} follow-ups")
    expected = {
        DeliveryKind.PLAN_CONFIRMATION: client.submissions,
        DeliveryKind.OUTCOME_CONFIRMATION: saved.outcomes,
    }
    claimed = {kind: saved.deliveries.get(kind, 0) for kind in expected}
    if claimed != expected:
        raise BenchFailure(f"confirmation DMs claimed {claimed}, expected {expected}")


def coach_executable() -> list[str]:
    """The `coach` console script next to this Python, as `make run` and the Procfile use it."""
    script = Path(sys.executable).parent / "coach"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


# ----- the report


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def report(results: Results) -> None:
    bare, coach_precall, plan_submission, _postcall, outcome_submission = results.series
    print()
    print(
        f"Web round trip and memory: {results.database}, `coach serve` with "
        f"{results.workers} gunicorn gthread worker(s) x {results.threads} threads, "
        f"{os.cpu_count()} CPU core(s), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    pacing = (
        "back to back, the app's follow-up calls overlapping the next request"
        if results.back_to_back
        else "each on an idle server"
    )
    print(
        f"One request at a time, {pacing}; {results.warmup} warm-up rounds, then "
        f"{results.rounds} rounds of (bare /precall, coach /precall, its plan submission, "
        "coach /postcall, its outcome submission)."
    )
    print()
    print(f"{'round trip (ms)':<36}{'p50':>8}{'p99':>8}{'max':>8}{'count':>8}")
    for series in [*results.series, *results.opens]:
        print(
            f"{series.name:<36}{series.p50:>8.1f}{series.p99:>8.1f}"
            f"{series.max:>8.1f}{len(series.seconds):>8}"
        )
    ratio = coach_precall.p99 / bare.p99
    print()
    for series in results.series[1:]:
        share = series.p50 / bare.p50
        met = series.p50 <= ROUND_TRIP_P50_MAX_MS and share <= ROUND_TRIP_P50_SHARE_OF_BARE_MAX
        print(
            f"{series.name} p50: {series.p50:.1f} ms, {share:.2f}x bare  (target <= "
            f"{ROUND_TRIP_P50_MAX_MS:.0f} ms and <= {ROUND_TRIP_P50_SHARE_OF_BARE_MAX}x: "
            f"{verdict(met)})"
        )
    print(
        f"/precall p99, coach / bare: {ratio:.2f}  "
        f"(target <= {PRECALL_P99_RATIO_MAX}: {verdict(ratio <= PRECALL_P99_RATIO_MAX)})"
    )
    for kind, submission in (("/precall", plan_submission), ("/postcall", outcome_submission)):
        print(
            f"{kind} view_submission p99: {submission.p99:.1f} ms  "
            f"(target < {SUBMISSION_P99_MAX_MS:.0f} ms: "
            f"{verdict(submission.p99 < SUBMISSION_P99_MAX_MS)})"
        )
    if results.first_postcalls:
        firsts = [seconds * 1000 for seconds in results.first_postcalls]
        print()
        print(
            f"first /postcall view_submission after a fresh start of `coach serve` (1 worker), "
            f"ms: {', '.join(f'{ms:.1f}' for ms in firsts)}"
        )
        print(
            f"max {max(firsts):.1f} ms  (target <= {FIRST_POSTCALL_MAX_MS:.0f} ms: "
            f"{verdict(max(firsts) <= FIRST_POSTCALL_MAX_MS)})"
        )
    print()
    print(f"{'memory, MB: VmRSS (PSS)':<34}{'master':>14}  workers")
    for label, memory in (
        ("coach, after boot", results.coach_boot),
        (f"coach, after {results.coach_requests} requests", results.coach_after),
        ("bare, at the end", results.bare_after),
    ):
        workers = "  ".join(f"{pid}: {usage}" for pid, usage in memory.workers.items())
        print(f"{label:<34}{str(memory.master):>14}  {workers}")
    after = results.coach_after
    print(
        f"largest coach worker RSS: {after.largest_worker_rss:.1f} MB, master "
        f"{after.master.rss or 0:.1f} MB; all coach processes together {after.total_pss:.1f} MB "
        f"PSS  (target < {WORKER_RSS_MAX_MB:.0f} MB RSS per process: "
        f"{verdict(max(after.largest_worker_rss, after.master.rss or 0) < WORKER_RSS_MAX_MB)})"
    )
    print()
    saved = results.saved
    print(
        f"{results.submissions} clean plan submissions and {saved.plans - results.submissions} "
        f"calls planned for /postcall: {saved.plans} plans saved, "
        f"{saved.deliveries.get(DeliveryKind.PLAN_CONFIRMATION, 0)} plan confirmations claimed."
    )
    print(
        f"{results.outcome_submissions} outcome submissions: {saved.outcomes} outcomes saved, "
        f"one per interaction, {saved.follow_ups} follow-ups created, "
        f"{saved.deliveries.get(DeliveryKind.OUTCOME_CONFIRMATION, 0)} outcome confirmations "
        "claimed."
    )
    print(f"Run took {results.seconds:.0f} s.")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=500, help="measured requests of each kind (default 500)"
    )
    parser.add_argument("--warmup", type=int, default=50, help="warm-up rounds (default 50)")
    parser.add_argument(
        "--workers",
        type=int,
        default=Settings(_env_file=None).web_concurrency,
        help="gunicorn workers for both apps (default: WEB_CONCURRENCY, as `coach serve`)",
    )
    parser.add_argument(
        "--first-starts",
        type=int,
        default=FIRST_STARTS,
        help="fresh starts of `coach serve` whose first request is a /postcall submission "
        f"(default {FIRST_STARTS}; 0 skips them)",
    )
    parser.add_argument(
        "--back-to-back",
        action="store_true",
        help="send each request as soon as the previous answer arrives, without waiting for "
        "the app's follow-up Web API calls other than the filled /postcall modal (still one "
        "request at a time)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL: the run creates a database there and drops it after "
        "(default: a temporary SQLite file)",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0 or args.workers < 1 or args.first_starts < 0:
        parser.error(
            "--requests and --workers take a positive number, --warmup and --first-starts "
            "zero or more"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain `kill` of the benchmark still stops the servers and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        results = run(args)
    except (BenchFailure, RuntimeError, AssertionError, OSError) as failure:
        print(f"roundtrip: the run failed: {failure}", file=sys.stderr)
        return 1
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
