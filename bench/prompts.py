"""Meeting prompt figures: 1,000 reps with an imported meeting at the same minute, every
pre-meeting prompt sent within 60 s of its time, against the Slack double.

    python bench/prompts.py                     # SQLite (a temporary file)
    python bench/prompts.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The data set: `--reps` reps in one workspace (the worst case: Slack's limits are per workspace),
each with an imported meeting at 14:00 New York time and no plan, and `--past-meetings` (200)
of their own before it, two hours apart from the day before back (planned, no outcome), which
the pass must read past. The prompt pass (`run_meeting_prompts`) runs at 13:30, the prompts'
time, against the Slack double in this process, paced at `--rate` DMs a second for the
workspace, while the double answers some chat.postMessage calls with 429 and a Retry-After
(`--rate-limited` of them, `--retry-after` s each), which the pass must honour. Do Not Disturb
is asked 50 reps a call (dnd.teamInfo, Tier 2). Each prompt's delay is the time from the pass's
start to the double receiving its chat.postMessage; the exit status is 1 when any prompt is
missing, sent twice or later than `--target` seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roundtrip import bench_engine  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import Engine, insert, text  # noqa: E402

from app.db import make_session_factory, session_scope  # noqa: E402
from app.domain.calendar import prompts  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import (  # noqa: E402
    Account,
    CalendarMeeting,
    Interaction,
    InteractionKind,
    Origin,
    Rep,
)
from app.sandbox.slack_double import SlackDouble  # noqa: E402
from app.slack.delivery import Pacers  # noqa: E402
from app.slack.passes.meeting_prompts import run_meeting_prompts  # noqa: E402
from app.slack.services import Services  # noqa: E402

WORKSPACE = Workspace("T0BENCH")
ZONE = "America/New_York"
STARTS = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)  # 14:00 in New York, a Thursday
PROMPT_AT = STARTS - timedelta(minutes=30)  # the default lead
BATCH = 10_000


def user_id(rep: int) -> str:
    return f"U{rep:06d}"


def seed(engine: Engine, reps: int, past: int) -> None:
    rep_rows, account_rows, interaction_rows, meeting_rows = [], [], [], []
    interaction_id = 0
    for r in range(reps):
        user = user_id(r)
        rep_rows.append({**WORKSPACE.columns, "user_id": user, "tz": ZONE, "tz_checked_at": STARTS})
        name = f"Account {r}"
        account_rows.append({**WORKSPACE.columns, "id": r + 1, "name": name, "name_key": name})
        for n in range(past + 1):
            interaction_id += 1
            # The last one today at 14:00; the others two hours apart, from yesterday back.
            at = STARTS - (timedelta(days=1, hours=2 * (past - n)) if n < past else timedelta())
            interaction_rows.append(
                {
                    **WORKSPACE.columns,
                    "id": interaction_id,
                    "rep_user_id": user,
                    "account_id": r + 1,
                    "kind": InteractionKind.MEETING,
                    "scheduled_at": at,
                    "objective": "They agree to a pilot" if n < past else None,
                    "planned_at": at - timedelta(days=1) if n < past else None,
                    "origin": Origin.CALENDAR,
                    "revision": 1,
                }
            )
            meeting_rows.append(
                {
                    **WORKSPACE.columns,
                    "user_id": user,
                    "event_key": f"event-{interaction_id}",
                    "interaction_id": interaction_id,
                    "title": "Pricing review",
                    "starts_at": at,
                    "ends_at": at + timedelta(hours=1),
                    "attendees": [
                        {"email": f"buyer{r}@example.com", "name": "Dana", "external": True}
                    ],
                    "seen_at": STARTS - timedelta(hours=1),
                }
            )
    with engine.begin() as connection:
        for model, rows in (
            (Rep, rep_rows),
            (Account, account_rows),
            (Interaction, interaction_rows),
            (CalendarMeeting, meeting_rows),
        ):
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(model), rows[start : start + BATCH])
        if engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for table in ("accounts", "interactions"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )


def measure(engine: Engine, args: argparse.Namespace) -> bool:
    backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    started = time.perf_counter()
    seed(engine, args.reps, args.past_meetings)
    print(
        f"{backend}: seeded {args.reps:,} reps, {args.reps * (args.past_meetings + 1):,} imported "
        f"meetings ({args.reps:,} at the same minute) in {time.perf_counter() - started:.1f} s"
    )
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        started = time.perf_counter()
        due = prompts.find_due(session, PROMPT_AT)
        finding = time.perf_counter() - started
    print(f"finding the prompts due: {len(due):,} in {finding:.3f} s")

    with SlackDouble(team_id=WORKSPACE.team_id) as slack:
        for r in range(args.reps):
            slack.add_user(user_id(r), name=f"rep{r}", tz=ZONE)
        if args.rate_limited:
            slack.fail_next(
                "chat.postMessage",
                status=429,
                retry_after=args.retry_after,
                times=args.rate_limited,
            )
        client = WebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
        started_wall = time.time()
        started = time.perf_counter()
        first = run_meeting_prompts(
            Services(sessions=sessions),
            client,
            PROMPT_AT,
            pacer=Pacers(args.rate),
            budget_seconds=args.target,
        )
        # A rate-limited prompt is failed, due again: the next pass (a minute on) sends it.
        again = run_meeting_prompts(
            Services(sessions=sessions),
            client,
            PROMPT_AT + timedelta(minutes=1),
            pacer=Pacers(args.rate),
            budget_seconds=args.target,
        )
        elapsed = time.perf_counter() - started
        posted = [c for c in slack.calls("chat.postMessage") if c.status == 200]
        refused = [c for c in slack.calls("chat.postMessage") if c.status == 429]
        dnd_calls = len(slack.calls("dnd.teamInfo"))
        violations = list(slack.violations)
    delays = sorted(call.time - started_wall for call in posted)
    per_rep = Counter(call.args["channel"] for call in posted)
    worst = delays[-1] if delays else float("inf")
    print(
        f"sending paced at {args.rate:g} a second: {len(first.sent):,} prompts in the first pass, "
        f"{len(again.sent):,} in the next (after {len(refused)} answered 429 with Retry-After "
        f"{args.retry_after} s); {dnd_calls} dnd.teamInfo calls; {elapsed:.1f} s in all"
    )
    print(
        f"delay from the prompts' time to Slack: median {statistics.median(delays):.1f} s, "
        f"p99 {delays[int(len(delays) * 0.99) - 1]:.1f} s, max {worst:.1f} s "
        f"({'within' if worst <= args.target else 'OVER'} the {args.target:g} s target)"
    )
    ok = (
        len(per_rep) == args.reps
        and max(per_rep.values()) == 1
        and worst <= args.target
        and not violations
    )
    if not ok:
        print(
            f"FAILED: {len(per_rep):,} of {args.reps:,} reps prompted, at most "
            f"{max(per_rep.values(), default=0)} each; {len(violations)} refused by the double",
            file=sys.stderr,
        )
    return ok


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--reps", type=int, default=1_000)
    parser.add_argument("--past-meetings", type=int, default=200, help="each rep's, before")
    parser.add_argument("--rate", type=float, default=25.0, help="DMs a second, one workspace")
    parser.add_argument("--rate-limited", type=int, default=3, help="429s the double answers")
    parser.add_argument("--retry-after", type=int, default=2, help="their Retry-After, seconds")
    parser.add_argument("--target", type=float, default=60.0, help="seconds, the latest prompt")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with bench_engine(args.database_url) as engine:
            return 0 if measure(engine, args) else 1
    except (RuntimeError, AssertionError, OSError) as failure:
        print(f"prompts: the run failed: {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
