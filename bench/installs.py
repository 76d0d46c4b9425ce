"""Figures for many installed workspaces: finding who is due across them, sending their DMs
each at its own pace, and purging one uninstalled workspace while the others work.

    python bench/installs.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    python bench/installs.py                          # SQLite (a temporary file)

1. Finding: `--workspaces` (default 1,000) workspaces of 50 reps, 50 interactions a rep (2.5M),
   seeded in SQL; `app.domain.nudges.find_due` timed over several sweeps, in one go and in the
   sweep's batches of `nudges.FIND_BATCH` reps, its statements counted (SQLAlchemy's
   before_cursor_execute); then once the others were nudged, and again once all but a tenth of
   the workspaces are gone, to show the count does not grow with the number of workspaces.
2. Sending: `--send-workspaces` (default 200) workspaces installed through oauth.v2.access, 50
   reps each due the same minute; one real sweep (`run_nudge_sweep` with each installation's
   client and a pacer per workspace at Slack's documented 1 message a second) against the Slack
   double in a process of its own. Prints when the last DM arrived and the tightest gap between
   two DMs of one workspace.
3. Purging: a 10,000-interaction workspace uninstalled and purged (`run_upkeep`) among 200 others
   (500,000 interactions) while a thread keeps updating another workspace's rows; prints how
   long the longest purge transaction held its row locks (from its DELETE to its commit) and
   the longest wait of the other workspace's statements.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nudge_sweep import counted  # noqa: E402
from roundtrip import DoubleManager, DoubleService, bench_engine, slack_double, unbounded  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from slack_sdk.oauth.installation_store import Installation  # noqa: E402
from sqlalchemy import Engine, event, text, update  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import SWEEP_STATEMENT_TIMEOUT_S, make_session_factory  # noqa: E402
from app.domain import installs, nudges  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import Rep  # noqa: E402
from app.slack.delivery import Pacers  # noqa: E402
from app.slack.installs import InstalledWorkspaces, installation_store  # noqa: E402
from app.slack.passes.nudges import run_nudge_sweep  # noqa: E402
from app.slack.services import Services  # noqa: E402

# 16:00 UTC on a December Tuesday: 11:00, 10:00, 09:00 and 09:00 in these zones.
NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix")
REPS_PER_WORKSPACE = 50
ACCOUNTS_PER_REP = 5
CLIENT_ID, CLIENT_SECRET = "1111.2222", "bench-secret"
FINDING_TARGET_S = 2.0
DELIVERY_TARGET_S = 120.0
LOCK_TARGET_MS = 100.0


def team(index: int) -> str:
    return f"T{index:05d}"


# ----- seeding, in SQL: millions of rows without holding them in Python


def seed(engine: Engine, workspaces: int, per_rep: int, *, first: int = 0) -> None:
    with unbounded(engine) as loader:
        _seed(loader, workspaces, per_rep, first)


def _seed(engine: Engine, workspaces: int, per_rep: int, first: int) -> None:
    """`workspaces` workspaces (numbered from `first`) of 50 reps in four zones, five accounts a
    rep, `per_rep` calls a rep spread over the last 12 weeks and the next two; past calls have
    outcomes (advanced with a dated next step, now and then none), the latest of each account
    one of won / none / continuation / advanced without a date / lost."""
    reps = workspaces * REPS_PER_WORKSPACE
    per_account = max(1, per_rep // ACCOUNTS_PER_REP)
    postgres = engine.dialect.name == "postgresql"

    def padded(expression: str, width: int) -> str:
        if postgres:
            return f"lpad(({expression})::text, {width}, '0')"
        return f"printf('%0{width}d', {expression})"

    def numbers(n: int, name: str) -> str:
        """A subquery of the numbers 0 to n - 1, as column `name`."""
        if postgres:
            return f"(SELECT generate_series(0, {n} - 1) AS {name}) AS numbers_{name}"
        return (
            f"(WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < {n} - 1)"
            f" SELECT g AS {name} FROM s) AS numbers_{name}"
        )

    now = (
        f"TIMESTAMPTZ '{NOW:%Y-%m-%d %H:%M:%S}+00'"
        if postgres
        else f"'{NOW:%Y-%m-%d %H:%M:%S}.000000'"
    )
    zones = " ".join(f"WHEN {n} THEN '{zone}'" for n, zone in enumerate(ZONES))
    offset = first * REPS_PER_WORKSPACE

    def team_of(rep: str) -> str:
        return f"'T' || {padded(f'({rep} + {offset}) / {REPS_PER_WORKSPACE}', 5)}"

    statements = [
        f"""INSERT INTO reps (team_id, user_id, tz, tz_checked_at, is_active, is_admin, is_owner,
            nudge_minute, nudge_weekdays, created_at, updated_at)
            SELECT {team_of("r")}, 'U' || {padded(f"r + {offset}", 7)},
                   CASE r % 4 {zones} END, {now}, true, false, false, 540, 31, {now}, {now}
            FROM {numbers(reps, "r")}""",
        f"""INSERT INTO accounts (team_id, name, name_key, created_at, updated_at)
            SELECT {team_of("x / 5")}, 'Account ' || x, 'account ' || x, {now}, {now}
            FROM {numbers(reps * ACCOUNTS_PER_REP, "x")}""",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
        low = connection.scalar(
            text(
                "SELECT min(id) FROM accounts WHERE name = 'Account 0' "
                f"AND team_id = '{team(first)}'"
            )
        )
        # Each call: an account (x), its n-th call; 98 days spread over per_account calls.
        minutes = (98 * 24 * 60) // per_account
        at = (
            f"({now} - INTERVAL '84 days' + (n * {minutes}) * INTERVAL '1 minute')"
            if postgres
            else f"strftime('%Y-%m-%d %H:%M:%S.000000', {now}, '-84 days', "
            f"'+' || (n * {minutes}) || ' minutes')"
        )
        connection.execute(
            text(
                f"""INSERT INTO interactions (team_id, rep_user_id, account_id, kind,
                    scheduled_at, objective, planned_at, origin, revision, created_at, updated_at)
                SELECT a.team_id, 'U' || {padded(f"(a.id - {low}) / 5 + {offset}", 7)},
                       a.id, 'call', {at}, 'They agree to a pricing review', NULL,
                       'precall', 1, {now}, {now}
                FROM accounts a, {numbers(per_account, "n")}
                WHERE a.id >= {low}"""
            )
        )
        # Outcomes of past calls: the latest of each account per its kind (won, none,
        # continuation, advanced without a date, lost); the others advanced, their next step
        # the account's next call (its follow-up); every sixth outcome was never logged.
        connection.execute(
            text(
                f"""INSERT INTO outcomes (team_id, interaction_id, rep_user_id, result,
                    next_step, next_step_at, follow_up_id, revision, created_at, updated_at)
                SELECT team_id, id, rep_user_id,
                       CASE WHEN is_latest THEN
                           CASE (account_id % 5) WHEN 0 THEN 'won' WHEN 2 THEN 'continuation'
                               WHEN 3 THEN 'advanced' ELSE 'lost' END
                       ELSE 'advanced' END,
                       CASE WHEN is_latest THEN NULL ELSE 'Send the order form' END,
                       CASE WHEN is_latest THEN NULL ELSE next_at END,
                       CASE WHEN is_latest THEN NULL ELSE next_id END,
                       1, {now}, {now}
                FROM (
                    SELECT i.*, lead(i.id) OVER chain AS next_id,
                           lead(i.scheduled_at) OVER chain AS next_at,
                           lead(i.scheduled_at) OVER chain > {now}
                               OR lead(i.id) OVER chain IS NULL AS is_latest
                    FROM interactions i
                    WHERE i.account_id >= {low}
                    WINDOW chain AS (PARTITION BY i.account_id ORDER BY i.scheduled_at)
                ) calls
                WHERE scheduled_at <= {now}
                  AND NOT (is_latest AND account_id % 5 = 1)
                  AND (is_latest OR id % 6 <> 5)"""
            )
        )
        # The follow-ups are follow-ups.
        connection.execute(
            text(
                f"""UPDATE interactions SET origin = 'follow_up' FROM outcomes
                    WHERE outcomes.follow_up_id = interactions.id
                      AND interactions.account_id >= {low}"""
            )
        )
    analyze(engine)


def analyze(engine: Engine) -> None:
    """Statistics and (PostgreSQL) the visibility map, as autovacuum would leave them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0


# ----- 1. finding who is due


def time_finding(engine: Engine, sweeps: int) -> tuple[list[float], int, int]:
    """Each sweep's finding in one go (no batches): seconds, statements, reps due."""
    sessions = make_session_factory(engine)
    seconds, statement_counts, due = [], set(), 0
    for _ in range(sweeps):
        with counted(engine) as statements, sessions.begin() as session:
            started = time.perf_counter()
            found = nudges.find_due(session, NOW)
            seconds.append(time.perf_counter() - started)
        statement_counts.add(len(statements))
        due = len(found.reps)
    return seconds, max(statement_counts), due


def time_batches(engine: Engine, sweeps: int) -> tuple[list[float], list[float], int, int]:
    """Finding as the sweep does, batch after batch of nudges.FIND_BATCH reps, each in its own
    transaction (nothing sent in between): every batch's seconds, each sweep's finding in all,
    the most statements a batch ran, and the reps due."""
    sessions = make_session_factory(engine)
    batches, sweeps_total, statement_counts, due = [], [], set(), 0
    for _ in range(sweeps):
        after, found_reps, total = None, 0, 0.0
        while True:
            with counted(engine) as statements, sessions.begin() as session:
                started = time.perf_counter()
                found = nudges.find_due(session, NOW, after=after, limit=nudges.FIND_BATCH)
                batches.append(time.perf_counter() - started)
            total += batches[-1]
            statement_counts.add(len(statements))
            found_reps += len(found.reps)
            if found.last is None:
                break
            after = found.last
        sweeps_total.append(total)
        due = found_reps
    return batches, sweeps_total, max(statement_counts), due


def print_batches(engine: Engine, sweeps: int, label: str) -> None:
    batches, totals, statements, due = time_batches(engine, sweeps)
    verdict = "within" if max(batches) <= FINDING_TARGET_S else "OVER"
    print(
        f"  {label}, in batches of {nudges.FIND_BATCH:,} as the sweep finds them: each batch "
        f"median {statistics.median(batches):.2f} s, max {max(batches):.2f} s ({verdict} the "
        f"{FINDING_TARGET_S:g} s target), {len(batches) // sweeps} batches a sweep, "
        f"{statistics.median(totals):.2f} s in all (median); {statements} SQL statements a "
        f"batch; {due:,} reps due"
    )


def measure_finding(engine: Engine, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    seed(engine, args.workspaces, args.per_rep)
    print(
        f"seeded {args.workspaces:,} workspaces: {count(engine, 'reps'):,} reps, "
        f"{count(engine, 'interactions'):,} interactions, {count(engine, 'outcomes'):,} "
        f"outcomes in {time.perf_counter() - started:.0f} s"
    )
    seconds, statements, due = time_finding(engine, args.sweeps)
    verdict = "within" if max(seconds) <= FINDING_TARGET_S else "OVER"
    print(
        f"finding who is due in one go, {args.sweeps} sweeps: median "
        f"{statistics.median(seconds):.2f} s, max {max(seconds):.2f} s ({verdict} the "
        f"{FINDING_TARGET_S:g} s target); {statements} SQL statements; {due:,} reps due"
    )
    print_batches(engine, max(1, args.sweeps // 2), "all due at once")
    # A sweep every few minutes finds only the reps whose morning just came: the others were
    # nudged by earlier sweeps. Steady state: eleven in twelve already nudged today.
    nudged = "'2026-12-01:' || user_id"
    with engine.begin() as connection:
        connection.execute(
            text(
                f"""INSERT INTO deliveries (team_id, kind, key, recipient, status, attempts,
                    created_at, updated_at)
                SELECT team_id, 'nudge', {nudged}, user_id, 'sent', 1, :now, :now
                FROM reps WHERE id % 12 <> 0"""
            ),
            {"now": NOW},
        )
    analyze(engine)  # as autovacuum would, for a table that grew by 45,000 rows
    seconds, statements, due = time_finding(engine, args.sweeps)
    print(
        f"  a sweep once the others were nudged: median {statistics.median(seconds):.2f} s, "
        f"max {max(seconds):.2f} s, {statements} SQL statements; {due:,} reps due"
    )
    print_batches(engine, args.sweeps, "once the others were nudged")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM deliveries"))
    keep = team(max(1, args.workspaces // 10))
    # Millions of rows: with the loader's engine, which has no statement timeout.
    with unbounded(engine) as loader, loader.begin() as connection:
        for table in ("outcomes", "interactions", "accounts", "reps"):
            connection.execute(text(f"DELETE FROM {table} WHERE team_id >= '{keep}'"))
    analyze(engine)
    seconds, statements, due = time_finding(engine, args.sweeps)
    print(
        f"  with a tenth of the workspaces: median {statistics.median(seconds):.2f} s, "
        f"{statements} SQL statements; {due:,} reps due"
    )


# ----- 2. sending every workspace's DMs, each at its own pace


class InstallsDouble(DoubleService):
    """The bench's Slack double (a process of its own), answering installs too."""

    def __init__(self) -> None:
        super().__init__()
        self._double.oauth_client_id, self._double.oauth_client_secret = CLIENT_ID, CLIENT_SECRET

    def api_url(self) -> str:
        return self._double.api_url

    def add_users(self, user_ids: list[str]) -> None:
        for user_id in user_ids:
            self._double.add_user(user_id, name=user_id.lower())

    def authorize(self, team_id: str, user_id: str) -> str:
        return self._double.authorize(team_id, user_id=user_id)

    def dm_times(self) -> dict[str, list[float]]:
        """When each DM was answered, by the team of the token that sent it."""
        times: dict[str, list[float]] = {}
        for call in self._double.calls("chat.postMessage"):
            if call.status == 200 and call.token:
                times.setdefault(call.token.split("-")[1], []).append(call.time)
        return times


DoubleManager.register("InstallsDouble", InstallsDouble)


def measure_sending(engine: Engine, args: argparse.Namespace) -> None:
    with engine.begin() as connection:
        for table in ("nudge_items", "deliveries", "outcomes", "interactions", "accounts", "reps"):
            connection.execute(text(f"DELETE FROM {table}"))
    seed(engine, args.send_workspaces, 1)
    # One call each, three hours ago, with no outcome: every rep is due at once.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outcomes"))
        connection.execute(
            text("UPDATE interactions SET scheduled_at = :at"), {"at": NOW - timedelta(hours=3)}
        )
    services = Services(sessions=make_session_factory(engine))
    with slack_double("InstallsDouble") as double:
        api_url = double.api_url()
        settings = Settings(
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_api_url=api_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        client = WebClient(base_url=api_url, retry_handlers=[])
        store = installation_store(settings, engine)
        with engine.connect() as connection:
            users = list(connection.execute(text("SELECT team_id, user_id FROM reps")))
        double.add_users([user for _, user in users])
        for index in range(args.send_workspaces):
            granted = client.oauth_v2_access(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                code=double.authorize(team(index), "UADMIN"),
            )
            store.save(
                Installation(
                    app_id=granted["app_id"],
                    team_id=team(index),
                    bot_token=granted["access_token"],
                    bot_user_id=granted["bot_user_id"],
                    user_id="UADMIN",
                )
            )
        clients = InstalledWorkspaces(settings, engine, services, client)
        started = time.time()
        report = run_nudge_sweep(
            services, clients, NOW, pacer=Pacers(args.per_second), budget_seconds=600
        )
        elapsed = time.time() - started
        times = double.dm_times()
        if double.violations():
            raise RuntimeError(f"the double refused a DM: {double.violations()[:3]}")
    last = max(max(sent) for sent in times.values()) - started
    gaps = [
        b - a
        for sent in times.values()
        for a, b in zip(sorted(sent), sorted(sent)[1:], strict=False)
    ]
    verdict = "within" if last <= DELIVERY_TARGET_S else "OVER"
    print(
        f"sending: {len(report.sent):,} DMs to {len(times)} workspaces paced at "
        f"{args.per_second:g}/s each; the last arrived after {last:.1f} s ({verdict} the "
        f"{DELIVERY_TARGET_S:g} s target), the sweep took {elapsed:.1f} s; the tightest gap "
        f"between two DMs of one workspace {min(gaps) * 1000:.0f} ms; "
        f"{len(report.failed)} failed, {report.deferred} deferred"
    )


# ----- 3. purging one workspace while another works


def measure_purge(engine: Engine, args: argparse.Namespace) -> None:
    with engine.begin() as connection:
        for table in ("nudge_items", "deliveries", "outcomes", "interactions", "accounts", "reps"):
            connection.execute(text(f"DELETE FROM {table}"))
    # The purged workspace, 50 reps with 10,000 interactions (200 a rep), among others of 50
    # reps with 50 interactions each: a purge's transactions must not grow with their rows.
    seed(engine, 1, args.purge_interactions // REPS_PER_WORKSPACE, first=0)
    seed(engine, args.purge_others, 50, first=1)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        installs.record_uninstalled(session, Workspace(team(0)), NOW, 0)
    purged_rows = count(engine, "interactions") - args.purge_others * 2_500
    transactions: list[float] = []
    started_at: dict[int, float] = {}

    def begun(connection, _cursor, statement: str, *_args) -> None:
        # Row locks are taken by the first DELETE and held until the commit; a transaction
        # that only looked (the purge's last check for late rows) holds none.
        if statement.startswith("DELETE"):
            started_at.setdefault(id(connection), time.perf_counter())

    def ended(connection) -> None:
        began = started_at.pop(id(connection), None)
        if began is not None and threading.current_thread() is threading.main_thread():
            transactions.append(time.perf_counter() - began)

    waits: list[float] = []
    stop = threading.Event()

    def other_workspace_works() -> None:
        """The other workspace's reps change settings, one short transaction after another."""
        while not stop.is_set():
            began = time.perf_counter()
            with sessions.begin() as session:
                session.execute(update(Rep).where(Rep.team_id == team(1)).values(updated_at=NOW))
            waits.append(time.perf_counter() - began)

    event.listen(engine, "before_cursor_execute", begun)
    event.listen(engine, "commit", ended)
    worker = threading.Thread(target=other_workspace_works)
    worker.start()
    try:
        started = time.perf_counter()
        report = installs.run_upkeep(sessions, NOW, budget_seconds=600)
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        worker.join()
        event.remove(engine, "before_cursor_execute", begun)
        event.remove(engine, "commit", ended)
    left = count(engine, "interactions")
    verdict = "within" if max(transactions) * 1000 <= LOCK_TARGET_MS else "OVER"
    print(
        f"purging a workspace of {purged_rows:,} interactions ({report.purged_rows:,} rows in "
        f"all) in {elapsed:.1f} s, {len(transactions)} transactions of at most "
        f"{installs.PURGE_BATCH} rows: the longest held its row locks (from its DELETE to its "
        f"commit) {max(transactions) * 1000:.0f}"
        f" ms ({verdict} the {LOCK_TARGET_MS:g} ms target), median "
        f"{statistics.median(transactions) * 1000:.0f} ms; meanwhile {len(waits):,} updates of "
        f"the other workspace's rows took at most {max(waits) * 1000:.0f} ms (median "
        f"{statistics.median(waits) * 1000:.1f} ms); the {args.purge_others:,} other workspaces' "
        f"{left:,} interactions untouched"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--workspaces", type=int, default=1_000)
    parser.add_argument("--per-rep", type=int, default=50, help="interactions a rep")
    parser.add_argument("--sweeps", type=int, default=5)
    parser.add_argument("--send-workspaces", type=int, default=200)
    parser.add_argument("--per-second", type=float, default=1.0, help="each workspace's pace")
    parser.add_argument("--purge-interactions", type=int, default=10_000)
    parser.add_argument(
        "--purge-others", type=int, default=200, help="workspaces kept while one is purged"
    )
    parser.add_argument(
        "--only", choices=("finding", "sending", "purge"), default=None, help="one part only"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = {"finding": measure_finding, "sending": measure_sending, "purge": measure_purge}
    try:
        for name, part in parts.items():
            if args.only in (None, name):
                # Every part is the worker's, whose statements have the sweep's timeout.
                with bench_engine(
                    args.database_url, statement_timeout_s=SWEEP_STATEMENT_TIMEOUT_S
                ) as engine:
                    part(engine, args)
    except (RuntimeError, AssertionError, OSError) as failure:
        print(f"installs: the run failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
