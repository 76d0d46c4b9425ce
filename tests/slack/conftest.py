"""Fixtures for tests that drive the running app through signed requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.support.coach import RunningCoach, running_coach

# Thursday 26 November 2026, 15:00 UTC: 10:00 in New York, midnight in Tokyo.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
REP_NY = "U0REPNY"
REP_TOKYO = "U0REPTOKYO"


@pytest.fixture
def coach(database_url, sessions) -> Iterator[RunningCoach]:
    with running_coach(database_url, sessions) as running:
        running.set_now(NOW)
        running.slack.add_user(REP_NY, name="dana.rep", real_name="Dana Rep", tz="America/New_York")
        running.slack.add_user(REP_TOKYO, name="kenji.rep", real_name="Kenji Rep", tz="Asia/Tokyo")
        yield running
        assert running.slack.violations == [], "the app sent something Slack would refuse"
