"""The figures on a seeded data set whose answers were worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from app.domain.metrics import Metrics, Ratio, metrics_by_rep, team_total
from app.domain.workspace import Workspace
from app.models import AwayDay, FollowThrough, Origin, Result
from tests.support.factories import add_interaction, add_outcome, add_rep

WORKSPACE = Workspace("T0001")
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def day(n: int, hour: int = 15) -> datetime:
    return datetime(2026, 11, n, hour, tzinfo=UTC)


def seed(session) -> None:
    def interaction(rep, at, *, planned_at=None, strong=None, origin=Origin.PRECALL, team="T0001"):
        return add_interaction(
            session,
            at,
            user_id=rep,
            origin=origin,
            workspace=Workspace(team),
            objective="Dana agrees to X by Friday" if planned_at else None,
            objective_strong=strong,
            planned_at=planned_at,
        )

    def outcome(of, result, *, next_step_at=None, follow_up=None):
        next_step = "They do it" if next_step_at else None
        add_outcome(session, of, result, next_step_at, next_step=next_step, follow_up=follow_up)

    i1 = interaction("UA", day(10), planned_at=day(9), strong=True)
    outcome(i1, Result.WON)
    i2 = interaction("UA", day(12), planned_at=day(12, 16), strong=False)  # planned afterwards
    i3 = interaction("UA", day(19), origin=Origin.FOLLOW_UP)
    outcome(i2, Result.ADVANCED, next_step_at=day(19), follow_up=i3)
    outcome(i3, Result.CONTINUATION)
    i4 = interaction("UA", day(20), origin=Origin.UNPLANNED)
    i5 = interaction("UA", day(25), origin=Origin.FOLLOW_UP)  # the customer's step; not logged
    outcome(i4, Result.MINIMUM, next_step_at=day(25), follow_up=i5)
    interaction("UA", day(28), planned_at=day(20), strong=True)  # not happened yet
    outcome(
        interaction("UA", START - timedelta(days=2), planned_at=day(1) - timedelta(days=5)),
        Result.WON,
    )
    i8 = interaction("UB", day(15), planned_at=day(14), strong=True)
    outcome(i8, Result.LOST)
    outcome(interaction("UA", day(11), planned_at=day(10), strong=True, team="T0002"), Result.WON)
    session.commit()


def test_each_reps_figures(session) -> None:
    seed(session)
    figures = metrics_by_rep(session, WORKSPACE, START, END, NOW)
    assert figures == {
        "UA": Metrics(
            interactions=5,
            planned_before=1,
            planned=2,
            strong=1,
            outcomes=4,
            won=1,
            advanced=1,
            minimum=1,
            continuation=1,
            next_steps_due=2,
            # i3 was logged without the answer to "did they do it?": unknown, not kept
            follow_through_unknown=1,
        ),
        "UB": Metrics(interactions=1, planned_before=1, planned=1, strong=1, outcomes=1, lost=1),
    }
    rep_a = figures["UA"]
    assert rep_a.planned_rate == Ratio(1, 5) and str(rep_a.planned_rate) == "1/5 (20%)"
    assert rep_a.strong_rate.percent == 50
    assert rep_a.hit_rate == Ratio(2, 4)
    assert (rep_a.minimum_rate.percent, rep_a.continuation_rate.percent) == (25, 25)
    assert rep_a.follow_through == Ratio(0, 2)


def test_team_totals_and_scope(session) -> None:
    seed(session)
    team = team_total(metrics_by_rep(session, WORKSPACE, START, END, NOW))
    assert (team.interactions, team.outcomes, team.hit_rate) == (6, 5, Ratio(2, 5))
    only_b = metrics_by_rep(session, WORKSPACE, START, END, NOW, rep_user_ids=["UB"])
    assert list(only_b) == ["UB"]
    assert metrics_by_rep(session, WORKSPACE, END, END + timedelta(days=30), NOW) == {}
    assert str(Metrics().hit_rate) == "none yet"


def test_the_number_of_statements_does_not_grow_with_reps(session, engine) -> None:
    seed(session)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        metrics_by_rep(session, WORKSPACE, START, END, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 3  # the reps' away days, their interactions, their next steps


@pytest.mark.parametrize(
    ("answer", "did_it", "unknown"),
    [
        (FollowThrough.ON_TIME, 1, 0),
        (FollowThrough.LATE, 1, 0),
        (FollowThrough.NO, 0, 0),
        (None, 0, 1),  # logged before the question was asked
    ],
)
def test_follow_through_counts_what_the_customer_did(session, answer, did_it, unknown) -> None:
    first = add_interaction(session, day(10), user_id="UA")
    follow_up = add_interaction(session, day(12), user_id="UA", origin=Origin.FOLLOW_UP)
    add_outcome(
        session, first, Result.ADVANCED, day(12), next_step="They sign", follow_up=follow_up
    )
    add_outcome(session, follow_up, Result.WON, follow_through=answer)
    figures = metrics_by_rep(session, WORKSPACE, START, END, NOW)["UA"]
    assert (figures.next_steps_due, figures.followed_through) == (1, did_it)
    assert figures.follow_through_unknown == unknown
    assert figures.follow_through == Ratio(did_it, 1)


def test_interactions_on_an_away_day_count_for_nothing(session) -> None:
    """An out-of-office day read from the rep's calendar: its unplanned, unlogged meeting is
    not held against the rep (the day is the rep's local one: 01:00 UTC on the 11th is the
    10th in New York)."""
    add_rep(session, "UA", "America/New_York")
    add_interaction(session, day(10), user_id="UA", planned=False)
    add_interaction(session, datetime(2026, 11, 11, 1, tzinfo=UTC), user_id="UA", planned=False)
    add_interaction(session, day(12), user_id="UA", planned_at=day(11))
    before = metrics_by_rep(session, WORKSPACE, START, END, NOW)["UA"]
    assert (before.interactions, before.planned_before) == (3, 1)
    session.add(AwayDay(**WORKSPACE.columns, user_id="UA", day=date(2026, 11, 10), event_key="o"))
    session.flush()
    after = metrics_by_rep(session, WORKSPACE, START, END, NOW)["UA"]
    assert (after.interactions, after.planned_before) == (1, 1)
    assert str(after.planned_rate) == "1/1 (100%)"
