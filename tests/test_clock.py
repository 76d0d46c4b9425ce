"""The app's clock: one shift moves every "now" of the process, rows' timestamps included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app import clock, models
from app.slack.services import Services


@pytest.fixture
def shifted() -> Iterator[timedelta]:
    ahead = timedelta(days=2, hours=5)
    clock.shift(ahead.total_seconds())
    try:
        yield ahead
    finally:
        clock.shift(0)


def test_a_shift_moves_the_services_clock_and_the_rows_timestamps(shifted, sessions) -> None:
    real = datetime.now(UTC)
    for now in (clock.utcnow(), models.utcnow(), Services(sessions=sessions).now()):
        assert real + shifted <= now <= datetime.now(UTC) + shifted
    with sessions.begin() as session:
        account = models.Account(team_id="T0001", name="Acme", name_key="acme")
        session.add(account)
        session.flush()
        assert account.created_at >= real + shifted


def test_no_shift_is_the_real_time() -> None:
    before = datetime.now(UTC)
    assert before <= clock.utcnow() <= datetime.now(UTC)
