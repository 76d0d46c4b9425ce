"""A hung PostgreSQL server under `coach serve`: how soon /healthz says 503 once the database
stops answering, how long Slack waits meanwhile, and how soon answers are normal once it
answers again (no restart).

    python bench/hung_database.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The app reaches its database through a TCP proxy (app/sandbox/blackhole.py) that, on cue,
stops passing bytes both ways on open and new connections, as a server that accepts
connections and never answers. /healthz and `/coach me` (which reads the database) are probed
every 100 ms; `/coach help` (which does not) alongside.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from roundtrip import (  # the same double, database and gunicorn handling
    HOST,
    SIGNING_SECRET,
    bench_database,
    coach_executable,
    free_port,
    post_signed,
    served,
    slack_double,
)
from sqlalchemy.engine import make_url

from app.config import normalize_database_url
from app.sandbox import inbound
from app.sandbox.blackhole import BlackHoleProxy
from app.slack.errors import DATABASE_DOWN, NOT_IN_TIME

REP = "U0BENCHNY"
PROBE_EVERY_S = 0.1
GIVE_UP_S = 60.0


def healthz(port: int) -> tuple[int | None, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        status = connection.getresponse().status
    except OSError:
        status = None
    finally:
        connection.close()
    return status, time.perf_counter() - started


def coach(port: int, team_id: str, text: str) -> tuple[str, float]:
    body = inbound.slash_command_body(command="/coach", text=text, user_id=REP, team_id=team_id)
    sent = post_signed(port, body)
    answer = json.loads(sent.body or b"{}").get("text", "") if sent.status == 200 else ""
    return answer, sent.seconds


def until(check, what: str) -> float:
    """Seconds until `check()` holds, probing every PROBE_EVERY_S."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > GIVE_UP_S:
            raise SystemExit(f"{what}: not within {GIVE_UP_S:.0f} s")
        time.sleep(PROBE_EVERY_S)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server URL")
    args = parser.parse_args(argv)
    polite = (NOT_IN_TIME, DATABASE_DOWN)
    with (
        tempfile.TemporaryDirectory(prefix="coach-bench-") as workdir_name,
        slack_double() as double,
    ):
        workdir = Path(workdir_name)
        identity = double.identity()
        double.add_user(REP, "America/New_York")
        with bench_database(workdir, args.database_url) as database_url:
            url = make_url(normalize_database_url(database_url))
            with BlackHoleProxy(url.host or HOST, url.port or 5432) as proxy:
                through = url.set(host=HOST, port=proxy.port)
                env = os.environ | {
                    "SLACK_BOT_TOKEN": identity["bot_token"],
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": identity["api_url"],
                    "WEB_CONCURRENCY": "1",
                    "DATABASE_URL": through.render_as_string(hide_password=False),
                    "LOG_LEVEL": "WARNING",
                }
                port = free_port()
                team = identity["team_id"]
                with served(
                    "coach",
                    [*coach_executable(), "serve"],
                    env | {"PORT": str(port)},
                    workdir,
                    port,
                    1,
                ):
                    assert coach(port, team, "me")[0] not in polite
                    proxy.black_hole()
                    to_503 = until(lambda: healthz(port)[0] == 503, "healthz 503")
                    probe = healthz(port)[1]
                    me_answer, me_s = coach(port, team, "me")
                    help_answer, help_s = coach(port, team, "help")
                    proxy.answer_again()
                    to_200 = until(lambda: healthz(port)[0] == 200, "healthz 200")
                    to_normal = to_200 + until(
                        lambda: coach(port, team, "me")[0] not in polite, "/coach me answered"
                    )
    print("database black-holed (accepts connections, never answers):")
    print(f"  /healthz 503 after        {to_503:5.2f} s (one probe takes {probe:.2f} s)")
    print(f"  /coach me answered in     {me_s:5.2f} s: {me_answer!r}")
    shown = "the help" if "precall" in help_answer else repr(help_answer)
    print(f"  /coach help answered in   {help_s:5.2f} s: {shown}")
    print("database answering again:")
    print(f"  /healthz 200 after        {to_200:5.2f} s")
    print(f"  /coach me normal after    {to_normal:5.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
