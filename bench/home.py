"""App Home figures: `app_home_opened` to `views.publish` for a rep with a long history, the SQL
statements it runs, and how often a burst of changes publishes.

    python bench/home.py                     # SQLite (a temporary file)
    python bench/home.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The rep has 500 interactions (a year back and the week ahead, most with outcomes) and 50 open
commitments (advanced, with a dated follow-up not logged yet); 200 other reps of the workspace
have as much each, so every statement must find this rep's rows by index. Each opening is a
signed `app_home_opened` event dispatched into the Bolt app (as the web app builds it), timed
until the Slack double in this process has answered the app's `views.publish`. The statements
of one opening are printed, and counted again for a rep with a tenth of the history, to show
they do not grow with it. The burst: 20 changes by the rep 0.1 s apart (`refresh_home`, as
every save calls it), with the production debounce, counting the publishes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nudge_sweep import counted  # noqa: E402
from roundtrip import bench_engine  # noqa: E402
from slack_bolt.request import BoltRequest  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import Engine, insert  # noqa: E402

from app.db import make_session_factory  # noqa: E402
from app.domain.workspace import Workspace  # noqa: E402
from app.models import (  # noqa: E402
    Account,
    Interaction,
    InteractionKind,
    Origin,
    Outcome,
    Rep,
    Result,
)
from app.sandbox import inbound  # noqa: E402
from app.sandbox.slack_double import SlackDouble  # noqa: E402
from app.slack.bolt import build_app  # noqa: E402
from app.slack.home import refresh_home  # noqa: E402
from app.slack.services import Requester, Services  # noqa: E402

NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
ZONE = "America/New_York"
SECRET = "bench-signing-secret"
HISTORY = 500
OPEN_COMMITMENTS = 50
OTHER_REPS = 200


def seed(engine: Engine, workspace: Workspace, user_id: str, history: int, owed: int) -> None:
    """`history` interactions for the rep, `owed` of them advanced with an open follow-up."""
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        session.execute(
            insert(Rep).values(
                **workspace.columns, user_id=user_id, tz=ZONE, tz_checked_at=NOW, is_active=True
            )
        )
        accounts = [
            session.scalar(
                insert(Account)
                .values(
                    **workspace.columns, name=f"{user_id} account {a}", name_key=f"{user_id}-{a}"
                )
                .returning(Account.id)
            )
            for a in range(20)
        ]
        ahead = 30  # the week ahead
        rows = []
        for n in range(history):
            at = (
                NOW + timedelta(hours=5 * (n + 1))
                if n < ahead
                else NOW - timedelta(hours=17 * (n - ahead + 1))
            )
            rows.append(
                {
                    **workspace.columns,
                    "rep_user_id": user_id,
                    "account_id": accounts[n % len(accounts)],
                    "kind": InteractionKind.MEETING,
                    "scheduled_at": at,
                    "origin": Origin.PRECALL,
                    "objective": "The CFO agrees to a pricing review by Friday",
                    "objective_strong": n % 2 == 0,
                    "planned_at": at - timedelta(days=1),
                    "revision": 1,
                }
            )
        ids = list(session.scalars(insert(Interaction).returning(Interaction.id), rows))
        past = ids[ahead:]
        outcomes = []
        for index, interaction_id in enumerate(past):
            result = (Result.WON, Result.MINIMUM, Result.CONTINUATION)[index % 3]
            outcomes.append(
                {
                    **workspace.columns,
                    "interaction_id": interaction_id,
                    "rep_user_id": user_id,
                    "result": result,
                }
            )
        # The open commitments: advanced outcomes whose follow-up is one of the week ahead.
        for index in range(min(owed, len(past), ahead)):
            outcomes[index] |= {
                "result": Result.ADVANCED,
                "next_step": "They send the signed order form",
                "next_step_at": NOW + timedelta(hours=5 * (index + 1)),
                "follow_up_id": ids[index],
            }
        for index in range(ahead, min(owed, len(past))):  # and some overdue
            outcomes[index] |= {
                "result": Result.ADVANCED,
                "next_step": "They book the security review",
                "next_step_at": NOW - timedelta(days=index),
                "follow_up_id": ids[index % ahead],
            }
        session.execute(insert(Outcome), outcomes)


def open_home(bolt, slack: SlackDouble, team_id: str, user_id: str) -> float:
    """Seconds from the signed event to the double's answer to views.publish."""
    before = len(slack.calls("views.publish"))
    event = {"type": "app_home_opened", "user": user_id, "channel": "D0BENCH", "tab": "home"}
    body = json.dumps(inbound.event_callback_payload(event=event, team_id=team_id))
    headers = inbound.signed_headers(SECRET, body) | {"Content-Type": "application/json"}
    started = time.perf_counter()
    bolt.dispatch(BoltRequest(body=body, headers=dict(headers)))
    slack.wait_for("views.publish", count=before + 1, timeout=10)
    return time.perf_counter() - started


def measure(engine: Engine, args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    with SlackDouble() as slack:
        workspace = Workspace(slack.team_id)
        rep, small = "U0BENCHREP", "U0BENCHSMALL"
        seed(engine, workspace, rep, HISTORY, OPEN_COMMITMENTS)
        seed(engine, workspace, small, HISTORY // 10, OPEN_COMMITMENTS // 10)
        for other in range(args.other_reps):
            seed(engine, workspace, f"U0OTHER{other}", HISTORY, OPEN_COMMITMENTS)
        for user in (rep, small):
            slack.add_user(user, name=user.lower(), tz=ZONE)
        services = Services(sessions=make_session_factory(engine), clock=lambda: NOW)
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        bolt = build_app(SECRET, client, services)
        print(
            f"{backend}: a rep with {HISTORY} interactions and {OPEN_COMMITMENTS} open "
            f"commitments, {args.other_reps} other reps with as much"
        )

        open_home(bolt, slack, slack.team_id, rep)  # warm: connections, Bolt's first request
        seconds = [open_home(bolt, slack, slack.team_id, rep) for _ in range(args.opens)]
        ms = sorted(1000 * s for s in seconds)
        p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
        print(
            f"app_home_opened -> views.publish, {args.opens} opens: median "
            f"{statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms"
        )
        blocks = len(slack.home_view(rep)["blocks"])
        print(f"the Home: {blocks} blocks")

        # A rep's first opening also records who they are: counted after it, like the rep's.
        open_home(bolt, slack, slack.team_id, small)
        with counted(engine) as statements:
            open_home(bolt, slack, slack.team_id, rep)
        with counted(engine) as small_statements:
            open_home(bolt, slack, slack.team_id, small)
        print(
            f"statements per opening: {len(statements)} for {HISTORY} interactions, "
            f"{len(small_statements)} for {HISTORY // 10}"
        )
        for statement in statements:
            print("  ", " ".join(statement.split())[:160])

        before = len(slack.calls("views.publish"))
        requester = Requester(services, workspace, rep)
        for _ in range(20):
            refresh_home(client, requester)
            time.sleep(0.1)
        time.sleep(3)  # the debounce delay after the last change, and its publish
        print(
            f"a burst of 20 changes over 2 s: "
            f"{len(slack.calls('views.publish')) - before} publishes"
        )
        if slack.violations:
            raise RuntimeError(f"the double refused the Home: {slack.violations[:3]}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--opens", type=int, default=200, help="timed openings")
    parser.add_argument("--other-reps", type=int, default=OTHER_REPS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with bench_engine(args.database_url) as engine:
        measure(engine, args)


if __name__ == "__main__":
    main()
