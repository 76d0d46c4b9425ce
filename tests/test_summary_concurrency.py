"""Many clocks at once: passes running at one instant post each summary once per period."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from app import migrate
from app.db import make_engine, make_session_factory
from app.domain.workspace import Workspace
from app.models import Delivery, DeliveryKind, DeliveryStatus, SummaryCadence, SummarySubscription
from app.sandbox.slack_double import SlackDouble
from tests.support.databases import POSTGRES_URL, temporary_database
from tests.support.passes import concurrent_passes

WORKSPACE = Workspace("T0001")
# 16:00 UTC: past 09:00 in each of these zones, on three days in a row.
ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "America/Chicago")
ROUNDS = tuple(datetime(2026, 12, day, 16, tzinfo=UTC) for day in (1, 2, 3))
PASS = "app.slack.passes.summaries:run_summary_pass"


def seed_summaries(sessions, slack: SlackDouble, count: int) -> None:
    """Daily summaries at 09:00 in four zones, each in a channel of its own."""
    with sessions.begin() as session:
        session.execute(
            insert(SummarySubscription),
            [
                {
                    **WORKSPACE.columns,
                    "owner_user_id": "U0MGR",
                    "channel_id": f"C{n:05d}",
                    "rep_user_ids": f"U{n:05d}A U{n:05d}B",
                    "cadence": SummaryCadence.DAILY,
                    "minute": 9 * 60,
                    "zone": ZONES[n % len(ZONES)],
                    "enabled": True,
                    "created_at": ROUNDS[0] - timedelta(days=30),
                    "updated_at": ROUNDS[0] - timedelta(days=30),
                }
                for n in range(count)
            ],
        )
    for n in range(count):
        slack.add_channel(f"C{n:05d}", f"team-{n}")


def run_rounds(tmp_path, processes: int, count: int) -> None:
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        try:
            seed_summaries(sessions, slack, count)
            with concurrent_passes(PASS, processes, url, slack.api_url, slack.bot_token) as run_at:
                for now in ROUNDS:
                    before = len(slack.calls("chat.postMessage"))
                    reports = run_at(now)
                    posted = slack.calls("chat.postMessage")[before:]
                    per_channel = Counter(call.args["channel"] for call in posted)
                    assert len(per_channel) == count, "every summary due is posted"
                    assert max(per_channel.values()) == 1, "and none twice"
                    assert sum(sent for sent, _, _ in reports) == count
                    assert all(failed == 0 for _, _, failed in reports)
            with sessions() as session:
                statuses = session.execute(
                    select(Delivery.status, func.count())
                    .where(Delivery.kind == DeliveryKind.SUMMARY)
                    .group_by(Delivery.status)
                ).all()
                assert statuses == [(DeliveryStatus.SENT, count * len(ROUNDS))]
        finally:
            engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="eight processes need PostgreSQL")
def test_eight_processes_on_postgresql_post_each_of_60_summaries_once_a_day(tmp_path) -> None:
    run_rounds(tmp_path, processes=8, count=60)


def test_two_processes_on_the_database_under_test_post_each_summary_once(tmp_path) -> None:
    run_rounds(tmp_path, processes=2, count=20)
