"""Many clocks at once: passes running at one instant post each summary once per period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from app import migrate
from app.db import make_engine, make_session_factory
from app.domain import deliveries, summaries
from app.domain.workspace import Workspace
from app.models import Delivery, DeliveryKind, DeliveryStatus, SummaryCadence, SummarySubscription
from app.sandbox.slack_double import SlackDouble
from app.slack.views.summary import SUMMARY_EVENT
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


@contextmanager
def seeded(tmp_path, count: int) -> Iterator[tuple[SlackDouble, str, sessionmaker]]:
    """The Slack double and a database holding `count` summaries: (slack, url, sessions)."""
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            sessions = make_session_factory(engine)
            seed_summaries(sessions, slack, count)
            yield slack, url, sessions
        finally:
            engine.dispose()


def assert_each_posted_once(posted: list, reports: list, count: int) -> None:
    """`count` summaries are in their channels, each once, and the passes say they sent them."""
    per_channel = Counter(call.args["channel"] for call in posted)
    assert len(per_channel) == count, "every summary due is posted"
    assert max(per_channel.values()) == 1, "and none twice"
    assert sum(sent for sent, _, _ in reports) == count
    assert all(failed == 0 for _, _, failed in reports)


def summary_statuses(sessions: sessionmaker) -> list[tuple]:
    """(status, claims, claims with a message ts) of every summary claim."""
    with sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Delivery.status, func.count(), func.count(Delivery.message_ts))
                .where(Delivery.kind == DeliveryKind.SUMMARY)
                .group_by(Delivery.status)
            )
        ]


def run_rounds(tmp_path, processes: int, count: int) -> None:
    with seeded(tmp_path, count) as (slack, url, sessions):
        with concurrent_passes(PASS, processes, url, slack.api_url, slack.bot_token) as run_at:
            for now in ROUNDS:
                before = len(slack.calls("chat.postMessage"))
                reports = run_at(now)
                assert_each_posted_once(slack.calls("chat.postMessage")[before:], reports, count)
        posts = count * len(ROUNDS)
        assert summary_statuses(sessions) == [(DeliveryStatus.SENT, posts, posts)]


@pytest.mark.skipif(not POSTGRES_URL, reason="eight processes need PostgreSQL")
def test_eight_processes_on_postgresql_post_each_of_60_summaries_once_a_day(tmp_path) -> None:
    run_rounds(tmp_path, processes=8, count=60)


def test_two_processes_on_the_database_under_test_post_each_summary_once(tmp_path) -> None:
    run_rounds(tmp_path, processes=2, count=20)


def leave_stuck(sessions, slack: SlackDouble, claimed_at: datetime) -> None:
    """Every summary due claimed at `claimed_at` by a pass killed mid-post: those of even
    channels after Slack had posted it, the others before."""
    with sessions.begin() as session:
        due = summaries.find_due(session, claimed_at).due
        for item in due:
            channel = item.subscription.channel_id
            kind = DeliveryKind.SUMMARY
            deliveries.claim(session, WORKSPACE, kind, item.key, channel, claimed_at)
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    for item in due:
        if int(item.subscription.channel_id[1:]) % 2 == 0:
            client.chat_postMessage(
                channel=item.subscription.channel_id,
                text="the summary",
                metadata={"event_type": SUMMARY_EVENT, "event_payload": {"key": item.key}},
            )


def resolve_stuck(tmp_path, processes: int, count: int) -> None:
    with seeded(tmp_path, count) as (slack, url, sessions):
        leave_stuck(sessions, slack, ROUNDS[0] - timedelta(minutes=30))
        assert len(slack.calls("chat.postMessage")) == (count + 1) // 2  # those that landed
        with concurrent_passes(PASS, processes, url, slack.api_url, slack.bot_token) as run_at:
            reports = run_at(ROUNDS[0])
        # Counting the posts that landed before: none is posted again, the others once.
        assert_each_posted_once(slack.calls("chat.postMessage"), reports, count)
        assert summary_statuses(sessions) == [(DeliveryStatus.SENT, count, count)]


@pytest.mark.skipif(not POSTGRES_URL, reason="eight processes need PostgreSQL")
def test_eight_processes_on_postgresql_resolve_each_of_40_stuck_summaries_once(tmp_path) -> None:
    resolve_stuck(tmp_path, processes=8, count=40)


def test_two_processes_resolve_each_stuck_summary_once(tmp_path) -> None:
    resolve_stuck(tmp_path, processes=2, count=20)
