"""Summaries: who may do what, periods across DST, when one is due, and hand-computed figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from app.domain import deliveries, summaries
from app.domain.coaching import Criterion
from app.domain.metrics import Metrics, Ratio
from app.domain.summaries import (
    OpenItems,
    Person,
    Role,
    SummaryField,
    SummaryForm,
    SummarySettings,
)
from app.domain.workspace import Workspace
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    NudgeItem,
    NudgeReason,
    Origin,
    Result,
    SummaryCadence,
)
from tests.support.factories import Seeder

WORKSPACE = Workspace("T0001")
OTHER = Workspace("T0002")
NY = "America/New_York"
# Wednesday 4 November 2026, 09:00 in New York: the week before began on 28 October in
# summer time (04:00 UTC) and ended in winter time (05:00 UTC), 169 hours later.
NOW = datetime(2026, 11, 4, 14, 0, tzinfo=UTC)
WEEK = summaries.period_before(SummaryCadence.WEEKLY, NY, date(2026, 11, 4))


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# ----- who may do what


def person(user_id: str, *, admin: bool = False, home: bool = True) -> Person:
    return Person(user_id, is_admin=admin, in_workspace=home, zone=NY)


def test_roles_admins_managers_reps_and_strangers(session) -> None:
    summaries.set_managers(session, WORKSPACE, ["UMGR"], "UADMIN", NOW)
    assert summaries.role_of(session, WORKSPACE, person("UADMIN", admin=True)) is Role.ADMIN
    assert summaries.role_of(session, WORKSPACE, person("UMGR")) is Role.MANAGER
    assert summaries.role_of(session, WORKSPACE, person("UREP")) is Role.NONE
    # An admin of another workspace, and a manager of this one asking from another, are
    # nobody here.
    assert summaries.role_of(session, WORKSPACE, person("UX", admin=True, home=False)) is Role.NONE
    assert summaries.role_of(session, OTHER, person("UMGR")) is Role.NONE
    assert summaries.may_set_up_summaries(Role.MANAGER)
    assert not summaries.may_set_up_summaries(Role.NONE)


def test_naming_managers_adds_and_removes_and_is_idempotent(session) -> None:
    assert summaries.set_managers(session, WORKSPACE, ["U1", "U2"], "UADMIN", NOW) == (
        ["U1", "U2"],
        [],
    )
    assert summaries.set_managers(session, WORKSPACE, ["U2", "U3", "U3"], "UADMIN", NOW) == (
        ["U3"],
        ["U1"],
    )
    assert summaries.set_managers(session, WORKSPACE, ["U2", "U3"], "UADMIN", NOW) == ([], [])
    assert summaries.manager_ids(session, WORKSPACE) == ["U2", "U3"]
    assert summaries.manager_ids(session, OTHER) == []


def settings(**overrides) -> SummarySettings:
    values = {
        "channel_id": "C0TEAM",
        "rep_user_ids": ("UA", "UB"),
        "usergroup_id": None,
        "cadence": SummaryCadence.WEEKLY,
        "weekday": 2,  # Wednesday
        "minute": 8 * 60,
        "zone": NY,
    }
    return SummarySettings(**(values | overrides))


def test_managers_manage_their_own_summaries_and_admins_all(session) -> None:
    mine = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), NOW)
    theirs = summaries.save_subscription(session, WORKSPACE, "UMGR2", settings(), NOW)
    summaries.save_subscription(session, OTHER, "UMGR", settings(), NOW)
    assert summaries.may_manage(Role.MANAGER, "UMGR", mine)
    assert not summaries.may_manage(Role.MANAGER, "UMGR", theirs)
    assert summaries.may_manage(Role.ADMIN, "UADMIN", theirs)
    assert not summaries.may_manage(Role.NONE, "UMGR", mine)

    def listed(role, user_id):
        return [s.id for s in summaries.manageable_subscriptions(session, WORKSPACE, role, user_id)]

    assert listed(Role.MANAGER, "UMGR") == [mine.id]
    assert listed(Role.ADMIN, "UADMIN") == [mine.id, theirs.id]
    assert listed(Role.NONE, "UMGR") == []
    # Another workspace sees none of them.
    assert summaries.find_subscription(session, OTHER, mine.id) is None
    assert not summaries.remove_subscription(session, OTHER, mine.id)
    assert summaries.remove_subscription(session, WORKSPACE, mine.id)


def test_the_form_is_checked_field_by_field() -> None:
    empty = SummaryForm(None, (), None, None, None, None)
    assert set(summaries.check_summary_form(empty, NY)) == {
        SummaryField.CHANNEL,
        SummaryField.REPS,
        SummaryField.CADENCE,
        SummaryField.TIME,
    }
    weekly = SummaryForm("C1", ("UA", "UA"), None, "weekly", None, "7:30")
    assert set(summaries.check_summary_form(weekly, NY)) == {SummaryField.WEEKDAY}
    for weekday in ("²", "7", "1" * 30, "-1"):
        odd = SummaryForm("C1", ("UA",), None, "weekly", weekday, "7:30")
        assert set(summaries.check_summary_form(odd, NY)) == {SummaryField.WEEKDAY}
    good = summaries.check_summary_form(
        SummaryForm("C1", (), "S0SALES", "daily", "3", "07:30"), "Mars/Olympus"
    )
    assert good == SummarySettings("C1", (), "S0SALES", SummaryCadence.DAILY, None, 450, "UTC")


def test_saving_again_updates_keeps_the_owner_and_restarts_a_stopped_summary(session) -> None:
    saved = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), NOW)
    summaries.disable_subscription(session, WORKSPACE, saved.id, "is_archived", NOW)
    assert summaries.find_subscription(session, WORKSPACE, saved.id).enabled is False
    edited = summaries.save_subscription(
        session, WORKSPACE, "UADMIN", settings(channel_id="C0NEW"), NOW, saved.id
    )
    assert (edited.owner_user_id, edited.channel_id, edited.enabled) == ("UMGR", "C0NEW", True)
    assert summaries.save_subscription(session, WORKSPACE, "U", settings(), NOW, 999) is None


# ----- periods


def hours(period: summaries.Period) -> float:
    # Aware datetimes of one zone subtract as wall clocks: compare instants.
    return (period.end.astimezone(UTC) - period.start.astimezone(UTC)) / timedelta(hours=1)


def test_periods_are_local_days_and_weeks_across_dst() -> None:
    assert (WEEK.start, WEEK.end) == (utc(10, 28, 4), utc(11, 4, 5))
    assert hours(WEEK) == 169
    assert (WEEK.before().start, WEEK.before().end) == (utc(10, 21, 4), utc(10, 28, 4))
    autumn = summaries.period_before(SummaryCadence.DAILY, NY, date(2026, 11, 2))
    assert (autumn.start, autumn.end) == (utc(11, 1, 4), utc(11, 2, 5))
    assert (hours(autumn), hours(autumn.before())) == (25, 24)
    spring = summaries.period_before(SummaryCadence.DAILY, NY, date(2026, 3, 9))
    assert hours(spring) == 23
    kolkata = summaries.period_before(SummaryCadence.DAILY, "Asia/Kolkata", date(2026, 11, 4))
    assert kolkata.start == datetime(2026, 11, 2, 18, 30, tzinfo=UTC)
    assert summaries.scheduled_key(7, WEEK) == "7:2026-10-28/2026-11-04"


# ----- when a summary is due


def due_keys(session, now: datetime) -> list[str]:
    return [due.key for due in summaries.find_due(session, now).due]


def test_a_summary_is_due_from_its_time_on_its_day_in_its_zone(session) -> None:
    weekly = summaries.save_subscription(
        session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12)
    )  # Wednesdays 08:00 New York
    daily = summaries.save_subscription(
        session,
        WORKSPACE,
        "UMGR",
        settings(cadence=SummaryCadence.DAILY, weekday=None, minute=9 * 60, zone="Asia/Tokyo"),
        utc(10, 1, 12),
    )
    assert due_keys(session, utc(11, 4, 12, 59)) == [f"{daily.id}:2026-11-03/2026-11-04"]
    assert due_keys(session, utc(11, 4, 13)) == [
        f"{daily.id}:2026-11-03/2026-11-04",
        f"{weekly.id}:2026-10-28/2026-11-04",
    ]
    assert due_keys(session, utc(11, 3, 1)) == [f"{daily.id}:2026-11-02/2026-11-03"]
    assert due_keys(session, utc(11, 5, 13)) == [f"{daily.id}:2026-11-04/2026-11-05"]
    # Set up after this Wednesday's 08:00: the first one is next Wednesday's.
    late = summaries.save_subscription(session, WORKSPACE, "U", settings(), utc(11, 4, 13, 30))
    assert f"{late.id}:2026-10-28/2026-11-04" not in due_keys(session, utc(11, 4, 14))
    assert f"{late.id}:2026-11-04/2026-11-11" in due_keys(session, utc(11, 11, 13))
    summaries.disable_subscription(session, WORKSPACE, late.id, "is_archived", NOW)
    assert f"{late.id}:2026-11-04/2026-11-11" not in due_keys(session, utc(11, 11, 13))


def test_a_post_missed_at_its_time_is_due_for_a_day_then_left_to_the_next(session) -> None:
    """No pass ran at 08:00 on Wednesday (the worker was down): the next pass posts it."""
    weekly = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    key = f"{weekly.id}:2026-10-28/2026-11-04"
    assert due_keys(session, utc(11, 5, 4, 59)) == [key]  # Wednesday 23:59 in New York
    assert due_keys(session, utc(11, 5, 12, 59)) == [key]  # Thursday 07:59
    assert due_keys(session, utc(11, 5, 13)) == []  # a day late: stale
    daily = summaries.save_subscription(
        session,
        WORKSPACE,
        "UMGR",
        settings(cadence=SummaryCadence.DAILY, weekday=None, minute=9 * 60, zone="Asia/Tokyo"),
        utc(10, 1, 12),
    )
    # 08:59 on the 4th in Tokyo: the 3rd's post (for the 2nd) is still due; at 09:00, the 4th's.
    assert due_keys(session, utc(11, 3, 23, 59)) == [f"{daily.id}:2026-11-02/2026-11-03"]
    assert due_keys(session, utc(11, 4, 0)) == [f"{daily.id}:2026-11-03/2026-11-04"]


def test_a_period_is_posted_once_and_a_failure_retried_for_a_day(session) -> None:
    weekly = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    key = f"{weekly.id}:2026-10-28/2026-11-04"
    claim = deliveries.claim(
        session, WORKSPACE, DeliveryKind.SUMMARY, key, "C0TEAM", utc(11, 4, 13)
    )
    assert due_keys(session, utc(11, 4, 13, 5)) == []  # being sent
    deliveries.mark_failed(
        session, claim, "ratelimited", utc(11, 4, 13), retry_not_before=utc(11, 4, 13, 10)
    )
    assert due_keys(session, utc(11, 4, 13, 5)) == []
    assert due_keys(session, utc(11, 4, 13, 10)) == [key]
    assert due_keys(session, utc(11, 5, 12, 59)) == [key]  # Thursday 07:59: still retried
    assert due_keys(session, utc(11, 5, 13)) == []  # a day after its time: left to the next
    claim = deliveries.reclaim_failed(
        session, WORKSPACE, DeliveryKind.SUMMARY, key, utc(11, 4, 13, 10)
    )
    deliveries.mark_sent(session, claim, "C0TEAM", "1.2", utc(11, 4, 13, 10))
    assert due_keys(session, utc(11, 4, 20)) == []
    # An on-demand post is another claim: it does not count as the period's.
    other = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    assert summaries.claim_post_now(session, other, utc(11, 4, 12), "1.1.a") is not None
    assert due_keys(session, utc(11, 4, 13)) == [f"{other.id}:2026-10-28/2026-11-04"]


def test_post_now_repeated_within_seconds_is_claimed_once_and_later_again(session) -> None:
    weekly = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    clicked = utc(11, 4, 12)
    first = summaries.claim_post_now(session, weekly, clicked, "0.1.a")
    assert first is not None
    # The second click of a double click, while the first one posts: nothing to post.
    assert (
        summaries.claim_post_now(session, weekly, clicked + timedelta(milliseconds=300), "1.1.a")
        is None
    )
    deliveries.mark_failed(session, first, "uncertain: timed out", clicked + timedelta(seconds=2))
    assert (
        summaries.claim_post_now(session, weekly, clicked + timedelta(seconds=9), "2.1.a") is None
    )
    # A click well after it posts again (the same row, claimed again).
    later = clicked + summaries.POST_NOW_REPEAT
    again = summaries.claim_post_now(session, weekly, later, "3.1.a")
    assert again is not None and again.delivery_id == first.delivery_id
    assert again.previous_error is None  # a new post, not a retry of the last one
    assert summaries.claim_post_now(session, weekly, later + timedelta(seconds=1), "4.1.a") is None
    # Each summary has its own.
    other = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    assert summaries.claim_post_now(session, other, later, "5.1.a") is not None


def test_a_replayed_post_now_request_is_never_claimed_again(session) -> None:
    weekly = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    clicked = utc(11, 4, 12)
    assert summaries.claim_post_now(session, weekly, clicked, "9.1.a") is not None
    for later in (summaries.POST_NOW_REPEAT, timedelta(minutes=4, seconds=59)):
        assert summaries.claim_post_now(session, weekly, clicked + later, "9.1.a") is None
    # Another request (its own trigger id) is a new one.
    assert summaries.claim_post_now(session, weekly, clicked + timedelta(minutes=5), "9.2.b")


def test_a_claim_left_sending_is_reported_stuck_and_due_again_as_uncertain(session) -> None:
    weekly = summaries.save_subscription(session, WORKSPACE, "UMGR", settings(), utc(10, 1, 12))
    key = f"{weekly.id}:2026-10-28/2026-11-04"
    deliveries.claim(session, WORKSPACE, DeliveryKind.SUMMARY, key, "C0TEAM", utc(11, 4, 13))
    early = summaries.find_due(session, utc(11, 4, 13, 9))
    assert early.stuck == [] and early.due == []  # still being posted, perhaps
    found = summaries.find_due(session, utc(11, 4, 13, 11))
    assert [stuck.key for stuck in found.stuck] == [key]
    assert [due.key for due in found.due] == [key]
    # Due as a post that may have landed: its claimant looks for it before posting.
    claim = deliveries.reclaim_failed(
        session, WORKSPACE, DeliveryKind.SUMMARY, key, utc(11, 4, 13, 11)
    )
    assert claim is not None and claim.previous_error == deliveries.INTERRUPTED
    assert claim.claimed_at == utc(11, 4, 13)
    # Once reclaimed it is neither stuck nor due for another pass.
    again = summaries.find_due(session, utc(11, 4, 13, 12))
    assert again.stuck == [] and again.due == []


# ----- the figures


def seed_team(session) -> dict[str, Interaction]:
    """Ana in New York, Bo in Tokyo (whom Slack will not let us DM), Cy in London, and Dee
    who never used the coach; Xan is out of the summary's scope."""
    s = Seeder(session, NOW)
    s.rep("UA", "Ana", NY)
    s.rep("UB", "Bo", "Asia/Tokyo", unreachable="cannot_dm_bot")
    s.rep("UC", "Cy", "Europe/London")
    s.rep("UX", "Xan", NY)
    calls = {}
    # The week before: Ana lost Acme; Bo advanced Initech.
    calls["a0"] = s.call("UA", utc(10, 27, 3, 30), "Acme", planned_at=utc(10, 26, 9), strong=True)
    s.outcome(calls["a0"], Result.LOST)
    calls["b0"] = s.call("UB", utc(10, 22, 10), "Initech", planned_at=utc(10, 21, 9), strong=True)
    s.outcome(calls["b0"], Result.ADVANCED)
    # The week: 00:30 on 28 October in New York, summer time (a naive "7 x 24 hours before
    # the end" would leave it out).
    calls["a1"] = s.call("UA", utc(10, 28, 4, 30), "Acme", planned_at=utc(10, 27, 9), strong=True)
    s.outcome(calls["a1"], Result.WON)
    calls["a2"] = s.call(
        "UA",
        utc(10, 30, 15),
        "Globex",
        planned_at=utc(10, 29, 9),
        strong=False,
        gaps="customer_action,specific,time_bound",
    )
    s.outcome(calls["a2"], Result.CONTINUATION)
    calls["a3"] = s.call(
        "UA", utc(11, 2, 15), "Umbrella", planned_at=utc(11, 2, 16), strong=False, gaps="time_bound"
    )
    calls["a4"] = s.call("UA", utc(11, 3, 15), "Umbrella", origin=Origin.FOLLOW_UP)
    s.outcome(calls["a3"], Result.ADVANCED, next_step_at=utc(11, 3, 15), follow_up=calls["a4"])
    # 23:30 on 3 November in New York: in the week, though it was the 4th in Tokyo.
    calls["b1"] = s.call(
        "UB",
        utc(11, 4, 4, 30),
        "Initech",
        planned_at=utc(11, 3, 9),
        strong=True,
        gaps="decision_maker",
    )
    s.outcome(calls["b1"], Result.ADVANCED)
    calls["b2"] = s.call("UB", utc(11, 4, 5), "Wayne")  # midnight in New York: the next week
    calls["c1"] = s.call("UC", utc(10, 28, 4), "Hooli", origin=Origin.UNPLANNED)  # the start
    calls["c2"] = s.call("UC", utc(11, 1, 12), "Hooli", origin=Origin.FOLLOW_UP)
    s.outcome(calls["c1"], Result.MINIMUM, next_step_at=utc(11, 1, 12), follow_up=calls["c2"])
    s.outcome(calls["c2"], Result.WON)
    # Out of scope, and another workspace's Ana: never counted.
    calls["x1"] = s.call("UX", utc(10, 29, 15), "Acme", planned_at=utc(10, 28, 9), strong=False)
    s.outcome(calls["x1"], Result.WON)
    s.outcome(s.call("UA", utc(10, 29, 15), "Acme", workspace=OTHER), Result.WON)
    # The nudges handed Ana's Globex continuation (and one of Xan's) to the manager, and a
    # nudge to Ana stopped while sending.
    for rep, interaction in (("UA", calls["a2"]), ("UX", calls["x1"])):
        session.add(
            NudgeItem(
                **WORKSPACE.columns,
                rep_user_id=rep,
                interaction_id=interaction.id,
                reason=NudgeReason.NO_NEXT_STEP,
                times_shown=2,
                escalated_at=utc(11, 3, 14),
            )
        )
    for rep in ("UA", "UX"):
        session.add(
            Delivery(
                **WORKSPACE.columns,
                kind="nudge",
                key=f"2026-11-03:{rep}",
                recipient=rep,
                status=DeliveryStatus.SENDING,
                created_at=utc(11, 3, 14),
                updated_at=utc(11, 3, 14),
            )
        )
    session.flush()
    return calls


def test_the_weeks_figures_by_rep_and_for_the_team(session) -> None:
    calls = seed_team(session)
    summary = summaries.compute_summary(session, WORKSPACE, ["UA", "UB", "UC", "UD"], WEEK, NOW)
    by_rep = {rep.user_id: rep for rep in summary.reps}
    assert [rep.user_id for rep in summary.reps] == ["UA", "UB", "UC", "UD"]  # by name
    assert [rep.name for rep in summary.reps] == ["Ana", "Bo", "Cy", None]

    ana = by_rep["UA"]
    assert ana.current == Metrics(
        interactions=4,
        planned_before=2,  # a1, a2; a3 was planned after it happened, a4 never
        planned=3,
        strong=1,
        outcomes=3,
        won=1,
        advanced=1,
        continuation=1,
        next_steps_due=1,
        followed_through=0,  # a4 has no outcome yet
    )
    assert ana.previous == Metrics(
        interactions=1, planned_before=1, planned=1, strong=1, outcomes=1, lost=1
    )
    # Still open: the Globex continuation and the Umbrella step due on 3 November.
    assert ana.open == OpenItems(2, utc(10, 30, 15), escalated=1)
    assert (ana.escalated, ana.unreachable) == (1, None)

    bo = by_rep["UB"]
    assert bo.current == Metrics(
        interactions=1, planned_before=1, planned=1, strong=1, outcomes=1, advanced=1
    )
    assert bo.open == OpenItems(2, utc(11, 4, 4, 30))  # Initech undated, Wayne not logged
    assert (bo.escalated, bo.unreachable) == (2, "cannot_dm_bot")  # no DM reaches Bo

    cy = by_rep["UC"]
    assert cy.current == Metrics(
        interactions=2,
        outcomes=2,
        won=1,
        minimum=1,
        next_steps_due=1,
        follow_through_unknown=1,  # followed up before the coach asked
    )
    assert cy.previous == Metrics() and cy.open == OpenItems()
    assert by_rep["UD"].quiet

    team = summary.current
    assert (team.interactions, team.outcomes) == (7, 6)
    assert (team.won, team.advanced, team.minimum, team.continuation, team.lost) == (2, 2, 1, 1, 0)
    assert team.planned_rate == Ratio(3, 7)
    assert team.strong_rate == Ratio(2, 4)
    assert team.hit_rate == Ratio(4, 6)
    assert team.follow_through == Ratio(0, 2)
    assert summary.previous.hit_rate == Ratio(1, 2)
    assert summary.open == OpenItems(4, utc(10, 30, 15), escalated=1)
    assert (summary.escalated, summary.stuck_nudges) == (3, 1)
    assert not summary.empty

    # Coaching: not strong before strong, then the most failed criteria.
    assert [m.interaction_id for m in summary.weakest] == [
        calls["a2"].id,
        calls["a3"].id,
        calls["b1"].id,
    ]
    worst = summary.weakest[0]
    assert (worst.rep_name, worst.account, worst.result) == ("Ana", "Globex", Result.CONTINUATION)
    assert worst.gaps == (Criterion.CUSTOMER_ACTION, Criterion.SPECIFIC, Criterion.TIME_BOUND)
    assert summary.strongest.interaction_id == calls["a1"].id  # no gaps, and won


def test_a_daily_summary_across_the_autumn_change_covers_25_hours(session) -> None:
    s = Seeder(session, NOW)
    for at in (utc(11, 1, 3, 59), utc(11, 1, 4), utc(11, 2, 4, 59), utc(11, 2, 5)):
        s.call("UA", at, "Acme")
    day = summaries.period_before(SummaryCadence.DAILY, NY, date(2026, 11, 2))
    summary = summaries.compute_summary(session, WORKSPACE, ["UA"], day, utc(11, 2, 14))
    assert summary.current.interactions == 2  # 00:00 EDT and 23:59 EST on 1 November
    assert summary.previous.interactions == 1


def test_an_empty_period_and_an_empty_scope(session) -> None:
    seed_team(session)
    quiet_week = summaries.period_before(SummaryCadence.WEEKLY, NY, date(2026, 12, 30))
    summary = summaries.compute_summary(
        session, WORKSPACE, ["UA"], quiet_week, datetime(2026, 12, 30, 14, tzinfo=UTC)
    )
    assert summary.empty and summary.current == Metrics()
    nobody = summaries.compute_summary(session, WORKSPACE, [], WEEK, NOW)
    assert nobody.reps == [] and nobody.empty


@pytest.mark.parametrize("reps", [4, 40])
def test_the_number_of_statements_does_not_grow_with_reps(session, engine, reps) -> None:
    seed_team(session)
    scope = ["UA", "UB", "UC", "UD"] + [f"UZ{n:03d}" for n in range(reps - 4)]
    statements = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        summaries.compute_summary(session, WORKSPACE, scope, WEEK, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 14  # with the away days of this week's figures and last week's
