"""Capacity of `coach serve` when Slack's Web API is slow: the highest steady rate of /precall
commands at which 99% of the acks still reach Slack within its 3 s.

    python bench/slow_slack.py                        # 1 and 2 workers, Slack at 0.8 s a call
    python bench/slow_slack.py --app-root /tmp/before # the same, serving another tree's app

Every Web API call the app makes is answered 0.8 s late by the Slack double (its own process).
/precall acks at once, then opens its modal and fills it in (views.open, users.info,
views.update: the work after the ack). Requests go out at a fixed rate for a while, each on its
own connection whether or not earlier ones were answered (Slack does not wait either); a request
with no answer within 10 s counts as late. Rates step up until the p99 of the ack passes 3 s.
`--app-root DIR` serves the `app` package found in DIR (`git archive <commit> | tar -x -C DIR`),
for a before-and-after comparison with the same script.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from roundtrip import (  # the same double, database and gunicorn handling
    REPS,
    REQUEST_TIMEOUT_S,
    SIGNING_SECRET,
    bench_database,
    coach_executable,
    free_port,
    post_signed,
    served,
    slack_double,
)

from app.sandbox import inbound

SLACK_DELAY_S = 0.8
SLOW_METHODS = ("views.open", "views.update", "users.info", "chat.postMessage")
SLACK_DEADLINE_S = 3.0
RATES = (2, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40)
STEP_SECONDS = 10.0
DRAIN_SECONDS = 6.0


def ack_seconds(port: int, rate: float, seconds: float, team_id: str) -> list[float]:
    """Send /precall at `rate` a second for `seconds`; each ack's time (late: the timeout)."""
    times: list[float] = []
    lock = threading.Lock()
    reps = list(REPS)

    def one(index: int) -> None:
        body = inbound.slash_command_body(
            command="/precall",
            text="Acme Corp demo tomorrow 2pm",
            user_id=reps[index % len(reps)],
            team_id=team_id,
        )
        try:
            sent = post_signed(port, body)
            taken = sent.seconds if sent.status == 200 else REQUEST_TIMEOUT_S
        except OSError:
            taken = REQUEST_TIMEOUT_S
        with lock:
            times.append(taken)

    threads = []
    start = time.monotonic()
    for index in range(int(rate * seconds)):
        pause = start + index / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        thread = threading.Thread(target=one, args=(index,), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 99 // 100) - 1)]


def capacity(args: argparse.Namespace, workers: int) -> list[tuple[float, float, float]]:
    """(rate, p50, p99) per step, up to the first whose p99 passes Slack's deadline."""
    steps = []
    with (
        tempfile.TemporaryDirectory(prefix="coach-bench-") as workdir_name,
        slack_double() as double,
    ):
        workdir = Path(workdir_name)
        identity = double.identity()
        for rep, tz in REPS.items():
            double.add_user(rep, tz)
        with bench_database(workdir, args.database_url) as database_url:
            env = os.environ | {
                "SLACK_BOT_TOKEN": identity["bot_token"],
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": identity["api_url"],
                "WEB_CONCURRENCY": str(workers),
                "DATABASE_URL": database_url,
                "PYTHONUNBUFFERED": "1",
                "LOG_LEVEL": "WARNING",
            }
            env.pop("SLACK_APP_TOKEN", None)
            command = [*coach_executable(), "serve"]
            if args.app_root:
                env["PYTHONPATH"] = str(Path(args.app_root).resolve())
                command = [sys.executable, "-m", "app.cli", "serve"]
            port = free_port()
            with served("coach", command, env | {"PORT": str(port)}, workdir, port, workers):
                ack_seconds(port, 2, 3, identity["team_id"])  # warm up, zones cached
                time.sleep(DRAIN_SECONDS)
                for method in SLOW_METHODS:
                    double.slow(method, SLACK_DELAY_S)
                for rate in RATES:
                    times = ack_seconds(port, rate, STEP_SECONDS, identity["team_id"])
                    ordered = sorted(times)
                    steps.append((rate, ordered[len(ordered) // 2], p99(times)))
                    print(
                        f"  {workers} worker(s), {rate}/s: p50 {steps[-1][1]:.2f} s, "
                        f"p99 {steps[-1][2]:.2f} s",
                        file=sys.stderr,
                        flush=True,
                    )
                    if steps[-1][2] >= SLACK_DEADLINE_S:
                        break
                    time.sleep(DRAIN_SECONDS)
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--app-root", help="serve the app package of this directory instead")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    for workers in args.workers:
        steps = capacity(args, workers)
        held = [rate for rate, _, late in steps if late < SLACK_DEADLINE_S]
        print(f"{workers} worker(s), Slack at {SLACK_DELAY_S} s a call:")
        for rate, median, late in steps:
            print(f"  {rate:>4}/s  ack p50 {median:5.2f} s  p99 {late:5.2f} s")
        print(f"  highest rate with 99% of acks within 3 s: {max(held, default=0)}/s")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
