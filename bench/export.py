"""The export: 100,000 interactions written as CSV, the time it takes and how much memory it
grows by (streamed, not built in memory); then the same through Slack's upload flow against
the Slack double, as `/coach export` delivers it.

    python bench/export.py                      # SQLite (a temporary file)
    python bench/export.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The data set is the summary benchmark's (bench/summary.py): reps in four zones, their
interactions over the last 400 days, most with an outcome and dated follow-ups. The range
exported covers every interaction. Time is measured without tracing; memory with tracemalloc
(the peak of Python's allocations above what was allocated before) in a run of its own, and
the process's peak resident size is printed too. Figures are printed; the exit status is 0
unless the run failed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roundtrip import bench_engine  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from summary import NOW, WORKSPACE, seed  # noqa: E402

from app.db import make_session_factory  # noqa: E402
from app.domain import export  # noqa: E402
from app.domain.summaries import Role  # noqa: E402
from app.sandbox.slack_double import SlackDouble  # noqa: E402
from app.slack.flows.export import ExportRequest, deliver_export  # noqa: E402
from app.slack.services import Requester, Services  # noqa: E402

TARGET_S = 10.0
TARGET_MB = 100
PERIOD = export.ExportRange(date(2025, 1, 1), date(2026, 12, 31), "America/New_York")


def write_export(engine: Engine) -> int:
    sessions = make_session_factory(engine)
    with (
        tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as out,
        sessions.begin() as session,
    ):
        return export.write_csv(export.export_rows(session, WORKSPACE, None, PERIOD, NOW), out)


def deliver(engine: Engine, slack: SlackDouble) -> list[str]:
    told: list[str] = []
    services = Services(make_session_factory(engine), clock=lambda: NOW)
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=60)
    requester = Requester(services, WORKSPACE, "U0ADMIN")
    deliver_export(client, requester, Role.ADMIN, ExportRequest(PERIOD, None), told.append)
    return told


def traced(work) -> tuple[float, object]:
    """(peak MB Python allocated during `work` above its start, what `work` returned)."""
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    result = work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - base) / 1e6, result


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(engine: Engine, args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    started = time.perf_counter()
    sizes = seed(engine, args.reps, args.interactions)
    print(
        f"{backend}: seeded {sizes['interactions']:,} interactions of {sizes['reps']:,} reps in "
        f"{time.perf_counter() - started:.1f} s"
    )
    rss_before = rss_mb()
    seconds, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        rows = write_export(engine)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    peak, _ = traced(lambda: write_export(engine))
    verdict = "within" if max(seconds) <= TARGET_S and peak < TARGET_MB else "OVER"
    print(
        f"CSV of {rows:,} rows to a file, {args.runs} runs: median "
        f"{statistics.median(seconds):.2f} s (max {max(seconds):.2f} s, this process's CPU "
        f"{statistics.median(cpu):.2f} s); Python memory peak +{peak:.1f} MB ({verdict} the "
        f"{TARGET_S:g} s / {TARGET_MB} MB targets); peak RSS {rss_before:.0f} -> "
        f"{rss_mb():.0f} MB"
    )
    with SlackDouble() as slack:
        slack.add_user("U0ADMIN", name="ada.admin", is_admin=True)
        started = time.perf_counter()
        told = deliver(engine, slack)
        seconds = time.perf_counter() - started
        assert told == [], told
        (shared,) = slack.shared_files("U0ADMIN")
        size_mb = len(shared.content or b"") / 1e6
        peak, told = traced(lambda: deliver(engine, slack))
    print(
        f"delivered through files_upload_v2 to the double: {seconds:.2f} s, a {size_mb:.1f} MB "
        f"file; Python memory peak +{peak:.1f} MB (slack_sdk reads the finished file once to "
        f"upload it; the double keeps a copy); peak RSS now {rss_mb():.0f} MB"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed exports")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with bench_engine(args.database_url) as engine:
            measure(engine, args)
    except (RuntimeError, AssertionError, OSError) as failure:
        print(f"export: the run failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
