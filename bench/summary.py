"""Summary figures: computing one weekly channel summary for 1,000 reps over 1,000,000
interactions, the time it takes and its SQL statements, and rendering it for Slack.

    python bench/summary.py                     # SQLite (a temporary file)
    python bench/summary.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The data set: reps in four zones, five accounts each, their interactions spread evenly over
the last 400 days and the next 14 (about 17 a rep in a week); three in four planned, most of
them the day before, with the coach's verdict; most past ones with an outcome (advanced and
minimum ones with a dated follow-up), won and lost on two accounts of five only, so that the
others stay open for the nudges; some items escalated by the nudges. `compute_summary` is
timed over several runs, each in a fresh session and transaction, and its statements are
counted with SQLAlchemy's before_cursor_execute event, once for every rep and once for a tenth
of them, to show the count does not grow. Figures are printed; the exit status is 0 unless the
run failed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nudge_sweep import chunks, counted  # noqa: E402
from roundtrip import bench_engine, unbounded  # noqa: E402
from sqlalchemy import Engine, insert, text  # noqa: E402

from app.db import SWEEP_STATEMENT_TIMEOUT_S, make_session_factory  # noqa: E402
from app.domain import summaries  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import (  # noqa: E402
    Account,
    Interaction,
    InteractionKind,
    NudgeItem,
    NudgeReason,
    Origin,
    Outcome,
    Rep,
    Result,
    SummaryCadence,
)
from app.slack.views.summary import summary_post  # noqa: E402

WORKSPACE = Workspace("T0BENCH")
ZONES = ("America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Tokyo")
SUMMARY_ZONE = "America/New_York"
# Wednesday 2 December 2026, 09:00 in New York: the summary of the 7 days before.
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
DAYS_BACK = 400
DAYS_AHEAD = 14
ACCOUNTS_PER_REP = 5
CLOSING_ACCOUNTS = 2  # won and lost happen on these accounts only
TARGET_S = 2.0
GAPS = ("", "decision_maker", "fallback", "time_bound", "customer_action,specific,time_bound")
# The result of a past interaction by its position in the account's chain (None: not logged).
RESULTS = (
    Result.ADVANCED,
    Result.MINIMUM,
    Result.ADVANCED,
    Result.CONTINUATION,
    None,
    Result.ADVANCED,
    Result.WON,
    Result.MINIMUM,
    Result.LOST,
    Result.ADVANCED,
)


def user_id(rep: int) -> str:
    return f"U{rep:06d}"


def rows_for(reps: int, interactions: int):
    """The data set, with explicit ids, so outcomes and follow-ups link without lookups."""
    per_rep = max(ACCOUNTS_PER_REP, interactions // reps)
    start = NOW - timedelta(days=DAYS_BACK)
    step = timedelta(days=DAYS_BACK + DAYS_AHEAD) / per_rep
    rep_rows, account_rows, interaction_rows, outcome_rows, item_rows = [], [], [], [], []
    interaction_id = 0
    for r in range(reps):
        user = user_id(r)
        rep_rows.append(
            {
                **WORKSPACE.columns,
                "user_id": user,
                "display_name": f"Rep {r}",
                "tz": ZONES[r % len(ZONES)],
                "tz_checked_at": NOW,
            }
        )
        first_account = r * ACCOUNTS_PER_REP + 1
        for a in range(ACCOUNTS_PER_REP):
            name = f"Account {r}-{a}"
            account_rows.append(
                {**WORKSPACE.columns, "id": first_account + a, "name": name, "name_key": name}
            )
        first_id = interaction_id + 1
        for n in range(per_rep):
            interaction_id += 1
            at = (start + step * n + timedelta(minutes=(17 * r) % 480)).replace(microsecond=0)
            account = n % ACCOUNTS_PER_REP
            planned = n % 4 != 0
            follow_up = n >= ACCOUNTS_PER_REP and n % 3 == 0
            interaction_rows.append(
                {
                    **WORKSPACE.columns,
                    "id": interaction_id,
                    "rep_user_id": user,
                    "account_id": first_account + account,
                    "kind": InteractionKind.CALL,
                    "scheduled_at": at,
                    "objective": "Dana (CFO) agrees to a pricing review by Friday"
                    if planned
                    else None,
                    "objective_strong": (n % 3 != 1) if planned else None,
                    "objective_gaps": GAPS[n % len(GAPS)] if planned else None,
                    # Mostly the day before; now and then only after it happened.
                    "planned_at": at - timedelta(days=1 if n % 9 else -1) if planned else None,
                    "origin": Origin.FOLLOW_UP
                    if follow_up
                    else (Origin.PRECALL if planned else Origin.UNPLANNED),
                    "follows_id": interaction_id - ACCOUNTS_PER_REP if follow_up else None,
                    "revision": 1,
                }
            )
            if at > NOW - timedelta(hours=2):
                continue  # not happened yet, or too recent to have been logged
            result = RESULTS[(n // ACCOUNTS_PER_REP + r) % len(RESULTS)]
            if result in (Result.WON, Result.LOST) and account >= CLOSING_ACCOUNTS:
                result = Result.CONTINUATION
            if result is None:
                if at > NOW - timedelta(days=50) and n % 2:  # shown twice, still not logged
                    item_rows.append(escalated_item(user, interaction_id))
                continue
            next_id = interaction_id + ACCOUNTS_PER_REP
            dated = result in (Result.ADVANCED, Result.MINIMUM) and next_id < first_id + per_rep
            outcome_rows.append(
                {
                    **WORKSPACE.columns,
                    "interaction_id": interaction_id,
                    "rep_user_id": user,
                    "result": result,
                    "next_step": "They send the signed order form" if dated else None,
                    "next_step_at": at + step * ACCOUNTS_PER_REP if dated else None,
                    "follow_up_id": next_id if dated else None,
                    "revision": 1,
                }
            )
    return (
        (Rep, rep_rows),
        (Account, account_rows),
        (Interaction, interaction_rows),
        (Outcome, outcome_rows),
        (NudgeItem, item_rows),
    )


def escalated_item(user: str, interaction_id: int) -> dict:
    return {
        **WORKSPACE.columns,
        "rep_user_id": user,
        "interaction_id": interaction_id,
        "reason": NudgeReason.NO_OUTCOME,
        "times_shown": 2,
        "escalated_at": NOW - timedelta(days=1),
        "created_at": NOW - timedelta(days=3),
        "updated_at": NOW - timedelta(days=1),
    }


def seed(engine: Engine, reps: int, interactions: int) -> dict[str, int]:
    tables = rows_for(reps, interactions)
    with unbounded(engine) as loader:
        _load(loader, tables)
    return {model.__tablename__: len(rows) for model, rows in tables}


def _load(engine: Engine, tables) -> None:
    with engine.begin() as connection:
        for model, rows in tables:
            if engine.dialect.name == "postgresql":
                copy_rows(connection, model, rows)
            else:
                for chunk in chunks(rows):
                    connection.execute(insert(model), chunk)
        if engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for table in ("accounts", "interactions"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    # Statistics and (PostgreSQL) the visibility map, as autovacuum would leave them.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )


def copy_rows(connection, model, rows: list[dict]) -> None:
    """PostgreSQL's COPY, many times faster than INSERTs for a million rows."""
    if not rows:
        return
    table = model.__table__
    now = datetime.now(UTC)
    # COPY applies server defaults only: the models' own defaults are filled in here (the
    # callable ones are all "now").
    defaults = {
        c.name: c.default.arg if c.default.is_scalar else now
        for c in table.columns
        if c.default is not None and c.name not in rows[0]
    }
    names = [c.name for c in table.columns if c.name in rows[0] or c.name in defaults]
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_copied(row.get(name, defaults.get(name))) for name in names])


def _copied(value):
    return value.value if hasattr(value, "value") and not isinstance(value, date) else value


def time_summary(engine: Engine, reps: list[str], runs: int):
    """Seconds per compute_summary, its statements, and the last summary."""
    sessions = make_session_factory(engine)
    period = summaries.period_before(SummaryCadence.WEEKLY, SUMMARY_ZONE, date(2026, 12, 2))
    seconds, statement_counts = [], set()
    summary = None
    for _ in range(runs):
        with counted(engine) as statements, sessions.begin() as session:
            started = time.perf_counter()
            summary = summaries.compute_summary(session, WORKSPACE, reps, period, NOW)
            seconds.append(time.perf_counter() - started)
        statement_counts.add(len(statements))
    (count,) = statement_counts
    return seconds, count, summary


def run(args: argparse.Namespace) -> None:
    # Summaries are posted by the scheduler, whose statements have the sweep's timeout.
    with bench_engine(args.database_url, statement_timeout_s=SWEEP_STATEMENT_TIMEOUT_S) as engine:
        measure(engine, args)


def measure(engine: Engine, args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    started = time.perf_counter()
    sizes = seed(engine, args.reps, args.interactions)
    print(
        f"{backend}: seeded {sizes['reps']:,} reps, {sizes['interactions']:,} interactions, "
        f"{sizes['outcomes']:,} outcomes, {sizes['nudge_items']:,} escalated items in "
        f"{time.perf_counter() - started:.1f} s"
    )
    everyone = [user_id(r) for r in range(args.reps)]
    seconds, statements, summary = time_summary(engine, everyone, args.runs)
    worst = max(seconds)
    verdict = "within" if worst <= TARGET_S else "OVER"
    figures = summary.current
    print(
        f"one weekly summary of {len(everyone):,} reps, {args.runs} runs: median "
        f"{statistics.median(seconds):.3f} s, max {worst:.3f} s ({verdict} the {TARGET_S:g} s "
        f"target); {statements} SQL statements"
    )
    print(
        f"  its figures: {figures.interactions:,} interactions, {figures.outcomes:,} outcomes, "
        f"hit rate {figures.hit_rate}, {summary.open.count:,} without a next step, "
        f"{summary.escalated:,} escalated, {len(summary.weakest)} weakest objectives"
    )
    tenth = everyone[: max(1, args.reps // 10)]
    tenth_seconds, tenth_statements, _ = time_summary(engine, tenth, args.runs)
    print(
        f"  for {len(tenth):,} reps instead: median {statistics.median(tenth_seconds):.3f} s, "
        f"{tenth_statements} SQL statements"
    )
    started = time.perf_counter()
    post = summary_post(summary, NOW)
    rendered = time.perf_counter() - started
    size = len(io.StringIO(str([b.to_dict() for b in post.blocks])).getvalue())
    print(
        f"rendering it: {rendered * 1000:.1f} ms; a message of {len(post.blocks)} blocks "
        f"(~{size:,} characters) and {len(post.replies)} thread replies of "
        f"{', '.join(str(len(blocks)) for _, blocks in post.replies)} blocks"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--reps", type=int, default=1_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed summaries")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except (RuntimeError, AssertionError, OSError) as failure:
        print(f"summary: the run failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
