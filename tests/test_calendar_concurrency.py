"""Many clocks at once: calendar passes running at one instant read each feed once, import each
meeting once, and tell each rep whose feed fails once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app import migrate
from app.db import make_engine, make_session_factory
from app.domain import company_domains
from app.domain.calendar import links
from app.domain.secrets import SecretBox
from app.domain.workspace import Workspace
from app.models import CalendarMeeting, Delivery, DeliveryKind, DeliveryStatus, Interaction, Rep
from app.sandbox.slack_double import SlackDouble
from app.slack.passes.calendars import run_calendar_pass
from tests.support.databases import POSTGRES_URL, temporary_database
from tests.support.feeds import Event, Route, calendar_feed, serving_feeds
from tests.support.passes import concurrent_passes

WORKSPACE = Workspace("T0001")
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York
MEETINGS_EACH = 3


def race_pass(services, client, now):
    """The calendar pass, reported as concurrent_passes counts: the reps told, as its sends."""
    report = run_calendar_pass(services, client, now)
    return SimpleNamespace(
        sent=report.told, claimed_elsewhere=report.claimed_elsewhere, failed=report.failing
    )


def run_race(tmp_path, processes: int, reps: int, failing: int) -> None:
    key = SecretBox.new_key()
    secrets = SecretBox(key)
    with SlackDouble() as slack, temporary_database(tmp_path) as url, serving_feeds() as feeds:
        migrate.upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        try:
            users = [f"U{n:05d}" for n in range(reps)]
            with sessions.begin() as session:
                company_domains.learn_from_email(session, WORKSPACE, "rep@northwind.com")
                for n, user in enumerate(users):
                    owner = f"{user.lower()}@northwind.com"
                    slack.add_user(user, name=user.lower(), email=owner)
                    session.add(
                        Rep(**WORKSPACE.columns, user_id=user, tz="America/New_York", email=owner)
                    )
                    path = f"/feeds/{user}.ics"
                    if n < failing:
                        url_of = feeds.add(path, Route(status=404, body=b"gone"))
                    else:
                        events = [
                            Event(
                                f"{user}-{m}@google.com",
                                NOW + timedelta(days=m + 1),
                                (f"buyer{m}@customer{n}.com",),
                            )
                            for m in range(MEETINGS_EACH)
                        ]
                        url_of = feeds.add(
                            path,
                            Route(
                                body=calendar_feed(owner, events),
                                headers={"Content-Type": "text/calendar"},
                            ),
                        )
                    links.connect(session, WORKSPACE, user, url_of, secrets, NOW)
            settings = {"coach_secret_key": key, "calendar_allow_http": True}
            with concurrent_passes(
                "tests.test_calendar_concurrency:race_pass",
                processes,
                url,
                slack.api_url,
                slack.bot_token,
                settings,
            ) as run_at:
                run_at(NOW)
                run_at(NOW + timedelta(minutes=1))  # not due again: nothing read, nobody told
            fetched = Counter(path for path, _headers in feeds.requests)
            assert len(fetched) == reps and max(fetched.values()) == 1, "each feed read once"
            with sessions() as session:
                imported = session.scalar(select(func.count()).select_from(CalendarMeeting))
                assert imported == (reps - failing) * MEETINGS_EACH
                assert session.scalar(select(func.count()).select_from(Interaction)) == imported
                told = session.execute(
                    select(Delivery.recipient, Delivery.status).where(
                        Delivery.kind == DeliveryKind.CALENDAR_FAILING
                    )
                ).all()
                assert sorted(told) == [(user, DeliveryStatus.SENT) for user in users[:failing]]
            dms = Counter(call.args["channel"] for call in slack.calls("chat.postMessage"))
            assert sorted(dms) == users[:failing] and max(dms.values()) == 1
        finally:
            engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="eight processes need PostgreSQL")
def test_eight_processes_on_postgresql_read_each_feed_once(tmp_path) -> None:
    run_race(tmp_path, processes=8, reps=40, failing=8)


def test_two_processes_on_the_database_under_test_read_each_feed_once(tmp_path) -> None:
    run_race(tmp_path, processes=2, reps=12, failing=3)
