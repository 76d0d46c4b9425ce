"""Fixtures for tests that act as Slack on the app: `coach` dispatches signed requests straight
into the Bolt app; `http_coach` posts them over HTTP to the web app served for real."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from app.sandbox.slack_double import SlackDouble
from tests.support.coach import (
    Coach,
    DispatchedCoach,
    RunningCoach,
    dispatched_coach,
    running_coach,
)
from tests.support.summaries import team  # noqa: F401 (a fixture of the summaries tests)
from tests.support.workspace import NOW, REP_NY, REP_TOKYO

AnyCoach = TypeVar("AnyCoach", bound=Coach)

# Modules about HTTP itself (signatures, status codes, /healthz, answers within Slack's 3 s on the
# wire): their `coach` is served over HTTP.
HTTP_MODULES = {
    Path(__file__).with_name(name)
    for name in ("test_requests.py", "test_ack_budget.py", "test_plumbing.py")
}


def _with_reps(coach: AnyCoach) -> AnyCoach:
    coach.set_now(NOW)
    coach.slack.add_user(REP_NY, name="dana.rep", real_name="Dana Rep", tz="America/New_York")
    coach.slack.add_user(REP_TOKYO, name="kenji.rep", real_name="Kenji Rep", tz="Asia/Tokyo")
    return coach


@pytest.fixture
def http_coach(database_url, sessions) -> Iterator[RunningCoach]:
    """The whole path from Slack: the web app on a local port, requests posted over HTTP."""
    with running_coach(database_url, sessions) as running:
        yield _with_reps(running)
        assert running.slack.violations == [], "the app sent something Slack would refuse"


@pytest.fixture(scope="session")
def shared_slack() -> Iterator[tuple[SlackDouble, dict]]:
    """One Slack double for the run, and its empty workspace to start each test from: stopping a
    double waits out its server's poll, which every test would otherwise pay."""
    with SlackDouble() as slack:
        yield slack, slack.snapshot()


@pytest.fixture
def dispatch_coach(database_url, sessions, shared_slack) -> Iterator[DispatchedCoach]:
    """The Bolt app of the web app, each signed request dispatched into it directly."""
    slack, empty = shared_slack
    # Views, calls, faults, hooks and violations go with the workspace; a call a test delayed
    # past its client's timeout had its effect when it arrived, so nothing lands later.
    slack.restore(empty)
    with dispatched_coach(database_url, sessions, slack) as dispatched:
        yield _with_reps(dispatched)
        assert dispatched.slack.violations == [], "the app sent something Slack would refuse"


@pytest.fixture
def coach(request) -> Coach:
    """The listeners' logic is tested through the fast tier; HTTP's own tests, and the whole
    flows marked `over_http`, go over HTTP."""
    if request.path in HTTP_MODULES or request.node.get_closest_marker("over_http"):
        return request.getfixturevalue("http_coach")
    return request.getfixturevalue("dispatch_coach")
