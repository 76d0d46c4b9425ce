"""Many clocks at once: processes sweeping at one instant send each rep one nudge, never two."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, insert, select

from app import migrate
from app.db import make_engine, make_session_factory
from app.domain.accounts import find_or_create_account
from app.domain.workspace import Workspace
from app.models import (
    Delivery,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    NudgeItem,
    Origin,
    Rep,
)
from app.sandbox.slack_double import SlackDouble
from tests.support.databases import POSTGRES_URL, temporary_database
from tests.support.passes import concurrent_passes

# At 16:00 UTC in December these are all between 09:00 and noon.
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix")
ROUNDS = (date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3))
WORKSPACE = Workspace("T0001")


def seed_reps(sessions, slack: SlackDouble, count: int) -> list[str]:
    # Besides the reps due: someone in Tokyo (01:00 there) and someone paused, never due here.
    zones = {f"U{n:05d}": ZONES[n % len(ZONES)] for n in range(count)}
    others = {"U0TOKYO": "Asia/Tokyo", "U0PAUSED": ZONES[0]}
    with sessions.begin() as session:
        session.execute(
            insert(Rep),
            [
                {
                    **WORKSPACE.columns,
                    "user_id": user,
                    "tz": zone,
                    "tz_checked_at": datetime(2026, 12, 3, tzinfo=UTC),
                    "nudges_paused_until": date(2027, 1, 4) if user == "U0PAUSED" else None,
                }
                for user, zone in (zones | others).items()
            ],
        )
    for user, zone in (zones | others).items():
        slack.add_user(user, name=user.lower(), tz=zone)
    return list(zones)


def seed_yesterdays_calls(sessions, users: list[str], day: date) -> None:
    """One call per rep the day before `day`, with no outcome: due on `day`."""
    with sessions.begin() as session:
        account = find_or_create_account(session, WORKSPACE, "Acme Corp")
        session.execute(
            insert(Interaction),
            [
                {
                    **WORKSPACE.columns,
                    "rep_user_id": user,
                    "account_id": account.id,
                    "kind": InteractionKind.CALL,
                    "scheduled_at": datetime.combine(day, time(8), UTC) - timedelta(days=1),
                    "origin": Origin.PRECALL,
                    "revision": 1,
                }
                for user in [*users, "U0TOKYO", "U0PAUSED"]
            ],
        )


def run_rounds(tmp_path, processes: int, reps: int) -> None:
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        try:
            users = seed_reps(sessions, slack, reps)
            with concurrent_passes(
                "app.slack.passes.nudges:run_nudge_sweep",
                processes,
                url,
                slack.api_url,
                slack.bot_token,
            ) as sweep_at:
                for day in ROUNDS:
                    seed_yesterdays_calls(sessions, users, day)
                    before = len(slack.calls("chat.postMessage"))
                    reports = sweep_at(datetime.combine(day, time(16), UTC))
                    check_round(sessions, slack.calls("chat.postMessage")[before:], users, day)
                    assert sum(sent for sent, _, _ in reports) == reps
                    assert all(failed == 0 for _, _, failed in reports)
            with sessions() as session:
                # The first round's items were shown twice, so the third round escalated them.
                escalated = select(func.count()).where(NudgeItem.escalated_at.is_not(None))
                assert session.scalar(escalated) == reps
        finally:
            engine.dispose()


def check_round(sessions, posted: list, users: list[str], day: date) -> None:
    per_rep = Counter(call.args["channel"] for call in posted)
    assert set(per_rep) == set(users), "every rep due gets a DM, and nobody else"
    assert max(per_rep.values()) == 1, "nobody gets two"
    with sessions() as session:
        statuses = session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.key.like(f"{day.isoformat()}:%"))
            .group_by(Delivery.status)
        ).all()
        assert statuses == [(DeliveryStatus.SENT, len(users))]
        # Each appearance is counted once, whichever process sent the DM.
        assert session.scalar(select(func.max(NudgeItem.times_shown))) <= 2


@pytest.mark.skipif(not POSTGRES_URL, reason="eight processes need PostgreSQL")
def test_eight_processes_on_postgresql_send_each_of_200_reps_one_nudge(tmp_path) -> None:
    run_rounds(tmp_path, processes=8, reps=200)


def test_two_processes_on_the_database_under_test_send_each_rep_one_nudge(tmp_path) -> None:
    run_rounds(tmp_path, processes=2, reps=200)
