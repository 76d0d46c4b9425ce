"""The calendar pass over many connected reps: every feed new, every feed unchanged (304), every
feed changed; with the pass's peak memory.

    python bench/calendars.py                                   # SQLite (a temporary file)
    python bench/calendars.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

`--reps` (default 1,000) reps each have a feed of `--events` (default 200) events from a month
ago to two months ahead, half of them with a customer, served with an ETag by a feed server in a
process of its own on 127.0.0.1. Three passes (`run_calendar_pass`, in this process, as `coach
calendars` runs it):

1. the first read: every feed fetched whole, its meetings in the window imported;
2. 16 minutes later: every feed answers 304 Not Modified;
3. 16 minutes after that, every feed changed (a new ETag; one meeting in the window moved, one
   new): every feed read and synced again.

Prints each pass's time, what it did, and the process's peak RSS (the pass fetches
FETCHES_AT_ONCE feeds at a time; its memory does not grow with the number of reps), and that
of each of the pass's parsers (the pool of processes it parses feeds in).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roundtrip import bench_engine  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from app.db import make_session_factory  # noqa: E402
from app.domain import company_domains  # noqa: E402
from app.domain.calendar import CalendarSetup  # noqa: E402
from app.domain.calendar.address import mask_address  # noqa: E402
from app.domain.calendar.policy import FeedPolicy  # noqa: E402
from app.domain.secrets import SecretBox  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import CalendarLink, CalendarMeeting, Rep  # noqa: E402
from app.slack.passes import calendars as calendar_pass  # noqa: E402
from app.slack.passes.calendars import FETCHES_AT_ONCE, run_calendar_pass  # noqa: E402
from app.slack.services import Services  # noqa: E402

WORKSPACE = Workspace("T0BENCH")
START = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
TARGETS = {"first read": None, "all unchanged (304)": 10.0, "all changed": 60.0}


def owner(user: str) -> str:
    return f"{user.lower()}@northwind.com"


def feed_text(user: str, events: int, version: int) -> bytes:
    """A feed as a calendar server writes one: UTC times, one attendee from a customer in every
    other event; version 2 moves one meeting in the window and adds one."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Commitment Coach bench//EN",
        f"X-WR-CALNAME:{owner(user)}",
    ]
    span = timedelta(days=90) / events
    # The first customer meeting after the bench's start is the one version 2 moves.
    moved = next(n for n in range(0, events, 2) if START - timedelta(days=30) + span * n > START)
    for n in range(events + (1 if version == 2 else 0)):
        start = START - timedelta(days=30) + span * n
        if n == events:  # version 2's new meeting, the day after tomorrow
            start = START + timedelta(days=2, minutes=30)
        if version == 2 and n == moved:
            start += timedelta(hours=1)
        stamp = start.strftime("%Y%m%dT%H%M%SZ")
        end = (start + timedelta(minutes=45)).strftime("%Y%m%dT%H%M%SZ")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{user}-{n}@bench",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{stamp}",
            f"DTEND:{end}",
            f"SEQUENCE:{version - 1}",
            f"SUMMARY:Meeting {n}",
            f"ORGANIZER:mailto:{owner(user)}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{owner(user)}",
        ]
        if n % 2 == 0 or n == events:
            lines.append(
                f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Buyer {n}:mailto:buyer@customer{n % 97}.com"
            )
        else:
            lines.append("ATTENDEE;PARTSTAT=ACCEPTED:mailto:colleague@northwind.com")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def serve_feeds(users: list[str], events: int, port, ready, version) -> None:
    """The feed server's process: every feed in both versions, answered by ETag."""
    bodies = {
        (f"/feeds/{user}.ics", v): feed_text(user, events, v) for user in users for v in (1, 2)
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            current = version.value
            body = bodies.get((self.path, current))
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"v{current}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        # A calendar server's backlog, not http.server's 5: eight connects at once would drop
        # SYNs, and a retransmitted one comes after the fetch's 1 s connect timeout.
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port.value = server.server_port
    ready.set()
    server.serve_forever()


def seed(sessions, users: list[str], base: str, secrets: SecretBox) -> None:
    with sessions.begin() as session:
        company_domains.learn_from_email(session, WORKSPACE, "admin@northwind.com")
        session.execute(
            insert(Rep),
            [
                {**WORKSPACE.columns, "user_id": u, "tz": "America/New_York", "email": owner(u)}
                for u in users
            ],
        )
        session.execute(
            insert(CalendarLink),
            [
                {
                    **WORKSPACE.columns,
                    "user_id": u,
                    "address_secret": secrets.seal(f"{base}/feeds/{u}.ics"),
                    "address_masked": mask_address(f"{base}/feeds/{u}.ics"),
                    "connected_at": START,
                }
                for u in users
            ],
        )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PARSER_PEAKS_MB: list[float] = []


def watch_parsers() -> None:
    """Record each parser's peak resident memory as its pass stops the pool (the parsers are
    children of the pass's forkserver, not of this process: read from Linux's /proc, pages
    shared with the forkserver included)."""
    close = calendar_pass._Parsers.close

    def closing(parsers: calendar_pass._Parsers) -> None:
        pool = parsers._pool
        for pid in list(pool._processes or {}) if pool is not None else []:
            status = Path(f"/proc/{pid}/status").read_text()
            kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
            PARSER_PEAKS_MB.append(int(kb) / 1024)
        close(parsers)

    calendar_pass._Parsers.close = closing  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--reps", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args(argv)
    watch_parsers()
    users = [f"U{n:05d}" for n in range(args.reps)]
    context = multiprocessing.get_context("fork")
    port, ready, version = context.Value("i", 0), context.Event(), context.Value("i", 1)
    server = context.Process(
        target=serve_feeds, args=(users, args.events, port, ready, version), daemon=True
    )
    server.start()
    try:
        if not ready.wait(600):
            print("the feed server did not start", file=sys.stderr)
            return 1
        secrets = SecretBox(SecretBox.new_key())
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"Calendar pass: {backend}, {args.reps} reps x {args.events} events, "
            f"{multiprocessing.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        with bench_engine(args.database_url) as engine:
            sessions = make_session_factory(engine)
            seed(sessions, users, f"http://127.0.0.1:{port.value}", secrets)
            services = Services(
                sessions=sessions,
                calendars=CalendarSetup(FeedPolicy(allow_http=True), secrets),
            )
            client = WebClient(base_url="http://127.0.0.1:9/")  # no rep is told anything here
            failures = 0
            for step, (label, target) in enumerate(TARGETS.items()):
                if label == "all changed":
                    version.value = 2
                now = START + timedelta(minutes=16 * step)
                started = time.perf_counter()
                report = run_calendar_pass(
                    services, client, now, budget_seconds=3600, stop=threading.Event()
                )
                took = time.perf_counter() - started
                unchanged = sum(1 for feed in report.read if feed.not_modified)
                verdict = ""
                if target is not None:
                    met = took < target and len(report.read) == args.reps
                    failures += not met
                    verdict = f"  (target < {target:g} s: {'met' if met else 'MISSED'})"
                print(
                    f"{label:22s} {took:7.1f} s  {len(report.read)} read, {unchanged} unchanged, "
                    f"{len(report.failing)} failing; peak RSS so far {peak_rss_mb():.0f} MB"
                    f"{verdict}"
                )
                print(f"  {report.summary()}")
                for failing in report.failing:
                    print(f"  failing {failing.user_id}: {failing.problem.value}")
            with sessions() as session:
                imported = session.scalar(select(func.count()).select_from(CalendarMeeting))
            print(
                f"{imported} meetings imported in all; the pass fetches {FETCHES_AT_ONCE} feeds at "
                f"a time; peak RSS {peak_rss_mb():.0f} MB"
            )
            peaks = f"{max(PARSER_PEAKS_MB):.0f} MB" if PARSER_PEAKS_MB else "none started"
            print(f"the largest peak RSS of a parser (a process of the pass's pool): {peaks}")
        return 1 if failures else 0
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    sys.exit(main())
