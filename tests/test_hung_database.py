"""A database that hangs is a failed dependency: Slack is still answered within its 3 s, the
health check says 503 at once, requests that need no database work, and all of it recovers
without a restart once the database answers again."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import make_url

from app.db import make_engine, make_session_factory
from app.sandbox.blackhole import BlackHoleProxy
from app.slack.errors import DATABASE_DOWN, NOT_IN_TIME
from app.slack.listeners.coach import USAGE
from tests.support.coach import RunningCoach, http, running_coach
from tests.support.databases import POSTGRES_URL
from tests.support.forms import open_precall, plan_values
from tests.support.workspace import NOW, REP_NY

NY = "America/New_York"
# Slack shows the person an error when no answer has come 3 s after its request.
SLACK_DEADLINE_S = 3.0
POLITE = (NOT_IN_TIME, DATABASE_DOWN)


def slash(coach: RunningCoach, text: str) -> dict:
    """The answer to `/coach text`, which must come within Slack's deadline."""
    response = coach.slash("/coach", text, REP_NY)
    assert response.status == 200, response
    return response.json()


@contextmanager
def served(url: str) -> Iterator[RunningCoach]:
    """The web app on `url`, answering as Slack needs: within 3 s."""
    engine = make_engine(url)
    try:
        with running_coach(url, make_session_factory(engine)) as coach:
            coach.timeout = SLACK_DEADLINE_S
            coach.set_now(NOW)
            coach.slack.add_user(REP_NY, name="dana.rep", real_name="Dana Rep", tz=NY)
            yield coach
    finally:
        engine.dispose()


def healthz(coach: RunningCoach, timeout: float = SLACK_DEADLINE_S) -> int:
    return http("GET", coach.url + "/healthz", timeout=timeout).status


def until(condition, within_s: float = 15.0) -> None:
    """Poll `condition` until it holds; fail if it has not within `within_s`."""
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.1)


@pytest.fixture
def proxied(database_url: str) -> Iterator[tuple[RunningCoach, BlackHoleProxy]]:
    """The web app, its every database connection (pool and health check) through the proxy."""
    if not POSTGRES_URL:
        pytest.skip("a TCP database server (TEST_DATABASE_URL) is what a proxy can black-hole")
    url = make_url(database_url)
    with BlackHoleProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with served(through) as coach:
            yield coach, proxy
            proxy.answer_again()  # the listeners still waiting finish before the app stops


def test_a_black_holed_database_fails_fast_and_recovers_without_a_restart(proxied) -> None:
    coach, proxy = proxied
    assert slash(coach, "me")["text"] not in POLITE
    assert healthz(coach) == 200

    proxy.black_hole()
    assert healthz(coach, timeout=1.5) == 503
    assert slash(coach, "help")["text"] == USAGE
    # More requests needing the database than the app has listener threads: each is answered.
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: slash(coach, "me")["text"], range(12)))
    assert all(answer in POLITE for answer in answers), answers
    assert slash(coach, "help")["text"] == USAGE

    proxy.answer_again()
    until(lambda: healthz(coach) == 200)
    until(lambda: slash(coach, "me")["text"] not in POLITE)


def test_a_locked_sqlite_file_is_answered_before_slacks_deadline(tmp_path) -> None:
    if POSTGRES_URL:
        pytest.skip("SQLite's file lock")
    from app import migrate

    url = f"sqlite:///{tmp_path / 'coach.db'}"
    migrate.upgrade(url)
    with served(url) as coach:
        view = open_precall(coach, REP_NY)
        holder = sqlite3.connect(tmp_path / "coach.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process mid-write, longer than Slack waits
        try:
            # A new plan closes its form and is saved after the ack: the lock is told in a
            # notice that gives back what was typed, before Slack's deadline.
            notices = len(coach.slack.calls("views.open"))
            assert coach.submit(view, plan_values(), REP_NY).body == ""
            (notice,) = coach.slack.wait_for("views.open", count=notices + 1)[notices:]
            assert "Try again" in str(notice.args["view"]["blocks"])
            assert slash(coach, "help")["text"] == USAGE
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        coach.settle()
        assert coach.submit(view, plan_values(), REP_NY).json().get("response_action") != "errors"
