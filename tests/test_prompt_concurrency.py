"""Many clocks at once: processes running the prompt pass at one instant send each prompt once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from app import migrate
from app.db import make_engine, make_session_factory
from app.domain.accounts import find_or_create_account
from app.domain.workspace import Workspace
from app.models import (
    CalendarMeeting,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    Origin,
    Rep,
)
from app.sandbox.slack_double import SlackDouble
from tests.support.databases import POSTGRES_URL, temporary_database
from tests.support.passes import concurrent_passes

WORKSPACE = Workspace("T0001")
ZONE = "America/New_York"
# 14:00 in New York on a Thursday: every rep has a meeting then, with no plan.
STARTS = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)


def seed(sessions, slack: SlackDouble, count: int) -> list[str]:
    users = [f"U{n:05d}" for n in range(count)]
    with sessions.begin() as session:
        session.execute(
            insert(Rep),
            [
                {**WORKSPACE.columns, "user_id": user, "tz": ZONE, "tz_checked_at": STARTS}
                for user in users
            ],
        )
        account = find_or_create_account(session, WORKSPACE, "Globex")
        ids = session.scalars(
            insert(Interaction).returning(Interaction.id),
            [
                {
                    **WORKSPACE.columns,
                    "rep_user_id": user,
                    "account_id": account.id,
                    "kind": InteractionKind.MEETING,
                    "scheduled_at": STARTS,
                    "origin": Origin.CALENDAR,
                    "revision": 1,
                }
                for user in users
            ],
        ).all()
        session.execute(
            insert(CalendarMeeting),
            [
                {
                    **WORKSPACE.columns,
                    "user_id": user,
                    "event_key": f"event-{user}",
                    "interaction_id": interaction_id,
                    "title": "Pricing review",
                    "starts_at": STARTS,
                    "ends_at": STARTS + timedelta(hours=1),
                    "attendees": [{"email": "dana@globex.com", "name": "Dana", "external": True}],
                    "seen_at": STARTS - timedelta(days=1),
                }
                for user, interaction_id in zip(users, ids, strict=True)
            ],
        )
    for user in users:
        slack.add_user(user, name=user.lower(), tz=ZONE)
    return users


def run_rounds(tmp_path, processes: int, reps: int) -> None:
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        try:
            users = seed(sessions, slack, reps)
            with concurrent_passes(
                "app.slack.passes.meeting_prompts:run_meeting_prompts",
                processes,
                url,
                slack.api_url,
                slack.bot_token,
            ) as pass_at:
                # Before (30 minutes ahead, then again), after (15 minutes past its end).
                for at, kind in (
                    (STARTS - timedelta(minutes=30), DeliveryKind.MEETING_BEFORE),
                    (STARTS - timedelta(minutes=20), None),
                    (STARTS + timedelta(minutes=75), DeliveryKind.MEETING_AFTER),
                ):
                    before = len(slack.calls("chat.postMessage"))
                    reports = pass_at(at)
                    posted = slack.calls("chat.postMessage")[before:]
                    assert sum(sent for sent, _, _ in reports) == (reps if kind else 0)
                    assert all(failed == 0 for _, _, failed in reports)
                    per_rep = Counter(call.args["channel"] for call in posted)
                    assert set(per_rep) == (set(users) if kind else set())
                    assert max(per_rep.values(), default=1) == 1, "nobody gets two"
            with sessions() as session:
                statuses = session.execute(
                    select(Delivery.kind, Delivery.status, func.count())
                    .group_by(Delivery.kind, Delivery.status)
                    .order_by(Delivery.kind)
                ).all()
            assert statuses == [
                (DeliveryKind.MEETING_AFTER.value, DeliveryStatus.SENT, reps),
                (DeliveryKind.MEETING_BEFORE.value, DeliveryStatus.SENT, reps),
            ]
        finally:
            engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="eight processes need PostgreSQL")
def test_eight_processes_on_postgresql_send_each_of_200_prompts_once(tmp_path) -> None:
    run_rounds(tmp_path, processes=8, reps=200)


def test_two_processes_on_the_database_under_test_send_each_prompt_once(tmp_path) -> None:
    run_rounds(tmp_path, processes=2, reps=100)
