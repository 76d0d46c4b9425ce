"""Nudge sweep figures: finding who is due among 10,000 reps and 500,000 interactions, the SQL
statements that takes, and the sending rate against the Slack double.

    python bench/nudge_sweep.py                     # SQLite (a temporary file)
    python bench/nudge_sweep.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The data set: reps spread over four zones that are all between 09:00 and noon at the measured
instant, so every rep is due at once (the worst case for one sweep); each rep works five
accounts, 50 interactions over the last 12 weeks and the next two, most with outcomes (won,
advanced or minimum with a dated follow-up, continuation, lost), some without. Finding who is
due (`app.domain.nudges.find_due`) is timed over several sweeps, each in a fresh session and
transaction, and its statements are counted with SQLAlchemy's before_cursor_execute event, once
with every rep and once with a tenth of them, to show the count does not grow. Sending is
measured with the real sweep (`app.slack.passes.nudges.run_nudge_sweep`) against the Slack
double in this process, unpaced and paced. Figures are printed; the exit status is 0 unless the
run failed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roundtrip import bench_engine  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import Engine, case, event, func, insert, select, text  # noqa: E402

from app.db import make_session_factory  # noqa: E402
from app.domain import nudges  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import (  # noqa: E402
    Account,
    Delivery,
    Interaction,
    InteractionKind,
    Origin,
    Outcome,
    Rep,
    Result,
)
from app.sandbox.slack_double import SlackDouble  # noqa: E402
from app.slack.delivery import Pacer  # noqa: E402
from app.slack.passes.nudges import run_nudge_sweep  # noqa: E402
from app.slack.services import Services  # noqa: E402

WORKSPACE = Workspace("T0BENCH")
# At 16:00 UTC on a December Tuesday these are at 11:00, 10:00, 09:00 and 09:00.
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix")
NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
ACCOUNTS_PER_REP = 5
DAYS_BACK = 84
BATCH = 10_000
# Slack's documented pace for posting messages: 1 per second (chat.postMessage: per channel,
# with a workspace-wide limit it does not publish).
SLACK_DOCUMENTED_PER_SECOND = 1.0
FINDING_TARGET_S = 2.0
# How each of a rep's five account chains ends, at its latest past interaction: closed (won,
# lost), waiting for an outcome, or a continuation; the others advance on dated next steps.
LAST_OUTCOME = (Result.WON, None, Result.CONTINUATION, Result.ADVANCED, Result.LOST)
FORGOTTEN_EVERY = 6  # now and then an earlier outcome was never logged


def user_id(rep: int) -> str:
    return f"U{rep:06d}"


def chunks(rows: list[dict], size: int = BATCH) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def seed(engine: Engine, reps: int, interactions: int) -> dict[str, int]:
    """Bulk inserts with explicit ids, so outcomes and follow-ups link without lookups."""
    per_rep = max(1, interactions // reps)
    per_account = max(1, per_rep // ACCOUNTS_PER_REP)
    span = timedelta(days=DAYS_BACK + 14)
    step = span / per_account
    start = NOW - timedelta(days=DAYS_BACK)
    rep_rows, account_rows, interaction_rows, outcome_rows = [], [], [], []
    interaction_id = 0
    for r in range(reps):
        user = user_id(r)
        rep_rows.append(
            {
                **WORKSPACE.columns,
                "user_id": user,
                "tz": ZONES[r % len(ZONES)],
                "tz_checked_at": NOW,
            }
        )
        for a in range(ACCOUNTS_PER_REP):
            account_id = r * ACCOUNTS_PER_REP + a + 1
            name = f"Account {r}-{a}"
            account_rows.append(
                {**WORKSPACE.columns, "id": account_id, "name": name, "name_key": name.lower()}
            )
            times = [
                (start + step * n + timedelta(minutes=7 * r % 600)).replace(second=0)
                for n in range(per_account)
            ]
            last_past = max((n for n, at in enumerate(times) if at <= NOW), default=-1)
            for n, at in enumerate(times):
                interaction_id += 1
                interaction_rows.append(
                    {
                        **WORKSPACE.columns,
                        "id": interaction_id,
                        "rep_user_id": user,
                        "account_id": account_id,
                        "kind": InteractionKind.CALL,
                        "scheduled_at": at,
                        "objective": "They agree to a pricing review" if n % 4 else None,
                        "planned_at": at - timedelta(days=1) if n % 4 else None,
                        "origin": Origin.FOLLOW_UP if n else Origin.PRECALL,
                        "follows_id": interaction_id - 1 if n else None,
                        "revision": 1,
                    }
                )
                if n > last_past:
                    continue  # still ahead
                if n == last_past:
                    result = LAST_OUTCOME[a]
                elif n % FORGOTTEN_EVERY == FORGOTTEN_EVERY - 1:
                    result = None
                else:
                    result = Result.ADVANCED if n % 2 else Result.MINIMUM
                if result is None:
                    continue
                dated = result in (Result.ADVANCED, Result.MINIMUM) and n + 1 < per_account
                outcome_rows.append(
                    {
                        **WORKSPACE.columns,
                        "interaction_id": interaction_id,
                        "rep_user_id": user,
                        "result": result,
                        "next_step": "They send the signed order form" if dated else None,
                        "next_step_at": times[n + 1] if dated else None,
                        "follow_up_id": interaction_id + 1 if dated else None,
                        "revision": 1,
                    }
                )
    with engine.begin() as connection:
        for model, rows in (
            (Rep, rep_rows),
            (Account, account_rows),
            (Interaction, interaction_rows),
            (Outcome, outcome_rows),
        ):
            for chunk in chunks(rows):
                connection.execute(insert(model), chunk)
        if engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for table in ("accounts", "interactions"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    # Statistics and (PostgreSQL) the visibility map, as autovacuum would leave a table that
    # grew over months rather than in one transaction.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    return {
        "reps": len(rep_rows),
        "accounts": len(account_rows),
        "interactions": len(interaction_rows),
        "outcomes": len(outcome_rows),
    }


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def time_finding(engine: Engine, sweeps: int) -> tuple[list[float], int, int, int]:
    """Seconds per find_due, its statements, and the reps and items it found."""
    sessions = make_session_factory(engine)
    seconds, statement_counts = [], set()
    for _ in range(sweeps):
        with counted(engine) as statements, sessions.begin() as session:
            started = time.perf_counter()
            due = nudges.find_due(session, NOW)
            seconds.append(time.perf_counter() - started)
        statement_counts.add(len(statements))
    (count,) = statement_counts
    return seconds, count, len(due.reps), sum(len(rep.items) for rep in due.reps)


def time_sending(engine: Engine, sends: int, per_second: float) -> tuple[int, float, int]:
    """Nudges sent by one sweep against the Slack double, the seconds it took, statements."""
    sessions = make_session_factory(engine)
    with SlackDouble(team_id=WORKSPACE.team_id) as slack:
        for r in range(sends):
            slack.add_user(user_id(r), name=f"rep{r}", tz=ZONES[r % len(ZONES)])
        client = WebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
        pacer = Pacer(per_second)
        with counted(engine) as statements:
            started = time.perf_counter()
            report = run_nudge_sweep(
                Services(sessions=sessions),
                client,
                NOW,
                pacer=pacer,
                budget_seconds=sends / per_second + 10 if per_second else 3600,
            )
            elapsed = time.perf_counter() - started
        if slack.violations:
            raise RuntimeError(f"the double refused a nudge: {slack.violations[:3]}")
    return len(report.sent), elapsed, len(statements)


def run(args: argparse.Namespace) -> None:
    with bench_engine(args.database_url) as engine:
        measure(engine, args)


def measure(engine: Engine, args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    started = time.perf_counter()
    sizes = seed(engine, args.reps, args.interactions)
    print(
        f"{backend}: seeded {sizes['reps']:,} reps, {sizes['accounts']:,} accounts, "
        f"{sizes['interactions']:,} interactions, {sizes['outcomes']:,} outcomes "
        f"in {time.perf_counter() - started:.1f} s"
    )

    seconds, statements, due_reps, items = time_finding(engine, args.sweeps)
    worst = max(seconds)
    verdict = "within" if worst <= FINDING_TARGET_S else "OVER"
    print(
        f"finding who is due, {args.sweeps} sweeps: median {statistics.median(seconds):.3f} s, "
        f"max {worst:.3f} s ({verdict} the {FINDING_TARGET_S:g} s target); {statements} SQL "
        f"statements a sweep; {due_reps:,} reps due, {items:,} items in their DMs"
    )
    only_a_tenth(engine, args.reps // 10)
    seconds, tenth_statements, tenth_due, _ = time_finding(engine, args.sweeps)
    print(
        f"  with {tenth_due:,} reps due instead: median {statistics.median(seconds):.3f} s, "
        f"{tenth_statements} SQL statements a sweep"
    )

    overhead = None
    for count, per_second in ((args.sends, 0.0), (args.paced_sends, args.paced_rate)):
        only_a_tenth(engine, count)
        sent, elapsed, sent_statements = time_sending(engine, count, per_second)
        pace = f"paced at {per_second:g}/s" if per_second else "unpaced"
        print(
            f"sending {pace}: {sent:,} nudges in {elapsed:.2f} s = {sent / elapsed:.1f} a second "
            f"(a sweep, finding included; {sent_statements / max(sent, 1):.1f} SQL statements "
            "a nudge)"
        )
        if not per_second:
            overhead = elapsed / max(sent, 1)
    at_slack_pace = args.standard_reps * max(1 / SLACK_DOCUMENTED_PER_SECOND, overhead or 0)
    print(
        f"{args.standard_reps:,} nudges at Slack's documented {SLACK_DOCUMENTED_PER_SECOND:g} "
        f"message a second: {timedelta(seconds=round(at_slack_pace))} (h:mm:ss); the app's own "
        f"{(overhead or 0) * 1000:.1f} ms a nudge fits inside each second"
    )


def only_a_tenth(engine: Engine, keep: int) -> None:
    """Forget the nudges sent so far, and leave only the first `keep` reps reachable."""
    with engine.begin() as connection:
        connection.execute(Delivery.__table__.delete())
        connection.execute(text("DELETE FROM nudge_items"))
        first = connection.scalar(select(func.min(Rep.id)))
        connection.execute(
            Rep.__table__.update().values(
                unreachable_reason=case((Rep.id < first + keep, None), else_="bench")
            )
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--sweeps", type=int, default=5, help="timed finding sweeps")
    parser.add_argument("--sends", type=int, default=1_000, help="nudges sent unpaced")
    parser.add_argument("--paced-sends", type=int, default=200, help="nudges sent paced")
    parser.add_argument("--paced-rate", type=float, default=50.0, help="sends a second, paced")
    parser.add_argument(
        "--standard-reps", type=int, default=10_000, help="reps for the Slack-pace estimate"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except (RuntimeError, AssertionError, OSError) as failure:
        print(f"nudge_sweep: the run failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
