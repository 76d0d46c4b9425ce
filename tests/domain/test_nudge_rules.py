"""The due rules of the morning nudge, who is due when, and nudge fatigue, at fixed times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, update

from app.domain import deliveries, nudge_settings, nudges, summaries
from app.domain.checks import FieldErrors
from app.domain.nudges import ItemAction, ItemKey
from app.domain.workspace import Workspace
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    NudgeItem,
    NudgeReason,
    Origin,
    Outcome,
    Rep,
    Result,
)
from tests.support.factories import (
    NY,
    REP,
    WORKSPACE,
    add_interaction,
    add_outcome,
    add_rep,
    local,
)
from tests.support.factories import PROFILES_READ_AT as NOW

BERLIN, TOKYO, KOLKATA = "Europe/Berlin", "Asia/Tokyo", "Asia/Kolkata"


def due_now(session, now=NOW, rules=nudges.DEFAULT_RULES) -> dict[str, list[tuple[int, str]]]:
    found = nudges.find_due(session, now, rules)
    return {
        rep.user_id: [(i.key.interaction_id, i.key.reason) for i in rep.items] for rep in found.reps
    }


# ----- one test per rule


def test_an_interaction_past_by_the_grace_without_an_outcome_is_due(session) -> None:
    add_rep(session)
    due = add_interaction(session, NOW - timedelta(hours=1))
    add_interaction(session, NOW - timedelta(minutes=59), account="Globex")  # not yet
    logged = add_interaction(session, NOW - timedelta(days=1), account="Initech")
    add_outcome(session, logged, Result.WON)
    add_interaction(session, NOW - timedelta(days=61), account="Old Co")  # beyond the lookback
    assert due_now(session) == {REP: [(due.id, NudgeReason.NO_OUTCOME)]}
    # The grace is a setting: with two hours, nothing is due yet.
    assert due_now(session, rules=nudges.NudgeRules(outcome_grace=timedelta(hours=2))) == {}


def test_a_continuation_or_an_undated_next_step_is_due_until_a_later_interaction(session) -> None:
    add_rep(session)
    continuation = add_interaction(session, NOW - timedelta(days=2))
    add_outcome(session, continuation, Result.CONTINUATION)
    undated = add_interaction(session, NOW - timedelta(days=3), account="Globex")
    add_outcome(session, undated, Result.MINIMUM, next_step="They will call back")
    moved_on = add_interaction(session, NOW - timedelta(days=4), account="Initech")
    add_outcome(session, moved_on, Result.CONTINUATION)
    add_interaction(session, NOW + timedelta(days=2), account="Initech")  # planned: a next step
    assert due_now(session) == {
        REP: [(undated.id, NudgeReason.NO_NEXT_STEP), (continuation.id, NudgeReason.NO_NEXT_STEP)]
    }


def test_a_next_step_whose_date_passed_without_a_follow_up_outcome_is_due(session) -> None:
    add_rep(session)
    first = add_interaction(session, NOW - timedelta(days=7))
    follow_up = add_interaction(session, NOW - timedelta(days=1), origin=Origin.FOLLOW_UP)
    follow_up.follows_id = first.id
    add_outcome(
        session, first, Result.ADVANCED, follow_up.scheduled_at, next_step="Dana books the review"
    )
    (rep,) = nudges.find_due(session, NOW).reps
    (item,) = rep.items
    assert item.key == ItemKey(follow_up.id, NudgeReason.FOLLOW_UP_DUE)
    assert item.since == follow_up.scheduled_at
    assert item.next_step == "Dana books the review"
    add_outcome(session, follow_up, Result.ADVANCED, NOW + timedelta(days=5))
    assert due_now(session) == {}


def test_an_unplanned_interaction_later_today_is_a_heads_up(session) -> None:
    add_rep(session)
    today = add_interaction(session, NOW + timedelta(hours=5), planned=False)
    add_interaction(session, NOW + timedelta(hours=6), account="Globex")  # planned
    add_interaction(
        session, NOW + timedelta(hours=15), account="Initech", planned=False
    )  # tomorrow
    assert due_now(session) == {REP: [(today.id, NudgeReason.UNPLANNED_TODAY)]}


def test_won_and_lost_close_the_reps_chain_with_the_account(session) -> None:
    add_rep(session)
    add_rep(session, user_id="U0OTHER")
    before = add_interaction(session, NOW - timedelta(days=3))
    won = add_interaction(session, NOW - timedelta(days=2))
    add_outcome(session, won, Result.WON)
    add_interaction(session, NOW - timedelta(days=1))  # after the win: not chased either
    lost = add_interaction(session, NOW - timedelta(days=2), account="Globex")
    add_outcome(session, lost, Result.LOST)
    open_one = add_interaction(session, NOW - timedelta(days=2), account="Initech")
    others = add_interaction(session, NOW - timedelta(days=2), user_id="U0OTHER")
    assert before.id not in {i for i, _ in due_now(session)[REP]}
    assert due_now(session) == {
        REP: [(open_one.id, NudgeReason.NO_OUTCOME)],
        "U0OTHER": [(others.id, NudgeReason.NO_OUTCOME)],  # another rep's chain with Acme
    }


# ----- the rep's morning, in their zone, across DST


DST_DAYS = {
    # (before, after) each change, all weekdays. 2026: the US moves on 8 March and 1 November,
    # the EU on 29 March and 25 October.
    "spring": (date(2026, 3, 6), date(2026, 3, 30)),
    "autumn": (date(2026, 10, 23), date(2026, 11, 2)),
}


@pytest.mark.parametrize("zone", [NY, BERLIN, TOKYO, KOLKATA])
@pytest.mark.parametrize("change", sorted(DST_DAYS))
def test_a_rep_is_due_from_nine_local_to_noon_on_both_sides_of_dst(session, zone, change) -> None:
    add_rep(session, zone=zone)
    nine_utc = []
    for day in DST_DAYS[change]:
        nine = local(day, 9, 0, zone)
        add_interaction(session, nine - timedelta(days=1), account=f"Acme {day}")
        assert due_now(session, nine - timedelta(minutes=1)) == {}
        assert REP in due_now(session, nine)
        assert REP in due_now(session, local(day, 11, 59, zone))  # catching up after downtime
        assert due_now(session, local(day, 12, 0, zone)) == {}
        nine_utc.append(nine.time())
    # The same 09:00 is another UTC instant after the change, where the zone has DST.
    assert (nine_utc[0] != nine_utc[1]) == (zone in (NY, BERLIN))


def test_kolkatas_half_hour_offset(session) -> None:
    add_rep(session, zone=KOLKATA)
    add_interaction(session, NOW - timedelta(days=1))
    assert due_now(session, datetime(2026, 11, 27, 3, 29, tzinfo=UTC)) == {}  # 08:59 IST
    assert REP in due_now(session, datetime(2026, 11, 27, 3, 30, tzinfo=UTC))  # 09:00 IST


def test_weekdays_pause_and_nudge_time_are_the_reps(session) -> None:
    rep = add_rep(session)
    add_interaction(session, NOW - timedelta(days=1))
    saturday_ten = local(date(2026, 11, 28), 10, 0, NY)
    assert due_now(session, saturday_ten) == {}
    rep.nudge_weekdays = 0b1111111
    assert REP in due_now(session, saturday_ten)
    rep.nudge_minute = 10 * 60 + 30
    assert due_now(session, saturday_ten) == {}
    rep.nudge_minute = 9 * 60
    rep.nudges_paused_until = date(2026, 11, 30)
    assert due_now(session, saturday_ten) == {}
    assert REP in due_now(session, local(date(2026, 11, 30), 9, 0, NY))


def test_the_same_user_id_in_another_workspace_is_another_rep(session) -> None:
    other = Workspace("T0002")
    add_rep(session)
    paused = date(2026, 11, 27)
    session.add(
        Rep(**other.columns, user_id=REP, tz=NY, tz_checked_at=NOW, nudges_paused_until=paused)
    )
    mine = add_interaction(session, NOW - timedelta(days=1))
    add_interaction(session, NOW - timedelta(days=2), workspace=other)
    oldest = add_interaction(session, NOW - timedelta(days=3), account="Globex", workspace=other)
    assert due_now(session) == {REP: [(mine.id, NudgeReason.NO_OUTCOME)]}  # theirs is paused
    assert summaries.open_items_by_rep(session, WORKSPACE, [REP], NOW) == {
        REP: summaries.OpenItems(1, mine.scheduled_at)
    }
    assert summaries.open_items_by_rep(session, other, [REP], NOW) == {
        REP: summaries.OpenItems(2, oldest.scheduled_at)
    }


def test_batches_find_every_rep_once_a_few_of_each_workspace_at_a_time(session) -> None:
    """Three workspaces of three reps, one of them with nothing due; one rep nudged earlier
    today. Batches of two follow each workspace's longest waiting first, and together find
    what one find does, each rep once."""
    for team in ("T0001", "T0002", "T0003"):
        workspace = Workspace(team)
        for number, minute in enumerate((8 * 60, 8 * 60 + 30, 9 * 60)):
            user = f"U{team[-1]}{number}"
            add_rep(session, user, workspace=workspace, nudge_minute=minute)
            if (team, number) != ("T0002", 1):  # nothing due
                add_interaction(session, NOW - timedelta(days=1), user_id=user, workspace=workspace)
    key = nudges.delivery_key(NOW.astimezone(ZoneInfo(NY)).date(), "U32")
    assert deliveries.claim(session, Workspace("T0003"), DeliveryKind.NUDGE, key, "U32", NOW)

    whole = nudges.find_due(session, NOW)
    batches, items, after = [], {}, None
    while True:
        found = nudges.find_due(session, NOW, after=after, limit=2)
        batches.append([(rep.workspace.team_id, rep.user_id) for rep in found.reps])
        items |= {(rep.workspace.team_id, rep.user_id): rep.items for rep in found.reps}
        if found.last is None:
            break
        after = found.last

    assert [(rep.workspace.team_id, rep.user_id) for rep in whole.reps] == [
        ("T0001", "U10"), ("T0002", "U20"), ("T0003", "U30"),  # 08:00, 90 minutes ago
        ("T0001", "U11"), ("T0003", "U31"),  # 08:30
        ("T0001", "U12"), ("T0002", "U22"),  # 09:00
    ]  # fmt: skip
    # Turn by turn: each workspace's 08:00 rep, then its 08:30 one, then its 09:00 one.
    assert batches == [
        [("T0001", "U10"), ("T0002", "U20")],
        [("T0003", "U30"), ("T0001", "U11")],
        [("T0003", "U31")],  # T0002's 08:30 rep has nothing due
        [("T0001", "U12"), ("T0002", "U22")],
        [],  # T0003's 09:00 rep was nudged
    ]
    assert items == {(rep.workspace.team_id, rep.user_id): rep.items for rep in whole.reps}


def test_nothing_due_means_no_nudge_and_gone_reps_are_skipped(session) -> None:
    add_rep(session)
    assert due_now(session) == {}
    add_rep(session, user_id="U0GONE", is_active=False, unreachable_reason="deactivated")
    add_rep(session, user_id="U0NODM", unreachable_reason="cannot_dm_bot")
    add_interaction(session, NOW - timedelta(days=1), user_id="U0GONE")
    add_interaction(session, NOW - timedelta(days=1), user_id="U0NODM")
    assert due_now(session) == {}
    # ... and their items stay visible to managers.
    open_items = summaries.open_items_by_rep(session, WORKSPACE, ["U0GONE", "U0NODM"], NOW)
    assert {rep: items.count for rep, items in open_items.items()} == {"U0GONE": 1, "U0NODM": 1}


# ----- claims


def claim_today(session, status: DeliveryStatus, **columns) -> None:
    key = nudges.delivery_key(date(2026, 11, 26), REP)
    claim = deliveries.claim(
        session, WORKSPACE, DeliveryKind.NUDGE, key, REP, NOW - timedelta(hours=1)
    )
    row = session.get(Delivery, claim.delivery_id)
    row.status = status
    for name, value in columns.items():
        setattr(row, name, value)
    session.flush()


@pytest.mark.parametrize(
    ("status", "columns", "due"),
    [
        (DeliveryStatus.SENT, {}, False),
        (DeliveryStatus.ABANDONED, {}, False),
        (DeliveryStatus.FAILED, {"not_before": NOW + timedelta(seconds=30)}, False),
        (DeliveryStatus.FAILED, {"not_before": NOW - timedelta(seconds=1)}, True),
        (DeliveryStatus.FAILED, {}, True),
        (DeliveryStatus.SENDING, {"updated_at": NOW - timedelta(minutes=5)}, False),
        (DeliveryStatus.SENDING, {}, True),  # an hour in "sending": its process died
    ],
)
def test_a_claim_for_the_local_date_decides(session, status, columns, due) -> None:
    add_rep(session)
    add_interaction(session, NOW - timedelta(days=1))
    claim_today(session, status, **columns)
    assert (REP in due_now(session)) is due


def test_a_claim_stuck_in_sending_is_reported_and_released_as_uncertain(session) -> None:
    add_rep(session)
    add_interaction(session, NOW - timedelta(days=1))
    claim_today(session, DeliveryStatus.SENDING, updated_at=NOW - timedelta(minutes=9))
    assert nudges.find_due(session, NOW).reps == []  # still sending, as far as anyone knows
    session.execute(update(Delivery).values(updated_at=NOW - timedelta(minutes=11)))
    found = nudges.find_due(session, NOW)
    assert [(s.user_id, s.key) for s in found.stuck] == [(REP, f"2026-11-26:{REP}")]
    assert [rep.user_id for rep in found.reps] == [REP]  # due, to be looked for first
    claim = session.scalar(select(Delivery))
    assert (claim.status, claim.error) == (DeliveryStatus.FAILED, deliveries.INTERRUPTED)
    # A second sweep at the same time finds it released already: nothing more to release.
    assert nudges.find_due(session, NOW).stuck == []


# ----- what the DM shows


def test_most_overdue_first_ten_at_most_then_the_count(session) -> None:
    add_rep(session)
    made = [
        add_interaction(session, NOW - timedelta(days=n, hours=2), account=f"Account {n}")
        for n in range(1, 14)
    ]
    (rep,) = nudges.find_due(session, NOW).reps
    assert [item.key.interaction_id for item in rep.items] == [i.id for i in made[::-1][:10]]
    assert (rep.total, rep.more) == (13, 3)


def test_an_item_appears_in_two_dms_then_escalates(session) -> None:
    add_rep(session)
    stale = add_interaction(session, NOW - timedelta(days=3))
    key = ItemKey(stale.id, NudgeReason.NO_OUTCOME)
    for day in (date(2026, 11, 26), date(2026, 11, 27)):
        (rep,) = nudges.find_due(session, local(day, 9, 30, NY)).reps
        assert [item.key for item in rep.items] == [key]
        nudges.record_shown(session, WORKSPACE, REP, [key], day, NOW)
        nudges.record_shown(session, WORKSPACE, REP, [key], day, NOW)  # once a date
    fresh = add_interaction(session, NOW + timedelta(hours=20), account="Globex")
    third_morning = local(date(2026, 11, 30), 9, 30, NY)
    found = nudges.find_due(session, third_morning)
    assert [[item.key.interaction_id for item in rep.items] for rep in found.reps] == [[fresh.id]]
    assert found.escalated == 1
    row = session.scalar(select(NudgeItem))
    assert (row.times_shown, row.escalated_at) == (2, third_morning)
    open_items = summaries.open_items_by_rep(session, WORKSPACE, [REP], third_morning)
    assert (open_items[REP].count, open_items[REP].escalated) == (2, 1)
    assert nudges.find_due(session, third_morning).escalated == 0  # recorded once


def test_a_snoozed_item_comes_back_when_the_snooze_ends(session) -> None:
    add_rep(session)
    item = add_interaction(session, NOW - timedelta(days=1))
    key = ItemKey(item.id, NudgeReason.NO_OUTCOME)
    until = nudges.snooze_end(nudges.SnoozeFor.TOMORROW, NY, NOW)
    assert until == local(date(2026, 11, 27), 0, 0, NY)
    assert nudges.snooze_end(nudges.SnoozeFor.NEXT_WEEK, NY, NOW) == local(
        date(2026, 11, 30), 0, 0, NY
    )
    assert nudges.snooze(session, WORKSPACE, REP, key, until, NOW)[0] is ItemAction.DONE
    assert due_now(session) == {}
    assert REP in due_now(session, local(date(2026, 11, 27), 9, 0, NY))


def test_mark_lost_closes_the_chain_once_and_only_for_the_rep(session) -> None:
    add_rep(session)
    item = add_interaction(session, NOW - timedelta(days=1))
    key = ItemKey(item.id, NudgeReason.NO_OUTCOME)
    assert nudges.mark_lost(session, WORKSPACE, "U0SOMEONE", key, NOW)[0] is ItemAction.NOT_YOURS
    assert nudges.mark_lost(session, WORKSPACE, REP, key, NOW)[0] is ItemAction.DONE
    assert session.scalar(select(Outcome.result)) is Result.LOST
    assert nudges.mark_lost(session, WORKSPACE, REP, key, NOW)[0] is ItemAction.HANDLED
    assert due_now(session) == {}


def test_a_button_acts_while_the_items_reason_holds_whatever_its_time(session) -> None:
    add_rep(session)
    continuation = add_interaction(session, NOW - timedelta(days=2))
    add_outcome(session, continuation, Result.CONTINUATION)
    unplanned = add_interaction(
        session, NOW - timedelta(minutes=5), account="Globex", planned=False
    )
    follow_up = add_interaction(session, NOW - timedelta(days=1), account="Initech")
    follow_up.origin = Origin.FOLLOW_UP
    keys = {
        ItemKey(continuation.id, NudgeReason.NO_NEXT_STEP): True,
        ItemKey(unplanned.id, NudgeReason.UNPLANNED_TODAY): True,  # past now, still unplanned
        ItemKey(follow_up.id, NudgeReason.FOLLOW_UP_DUE): True,
        ItemKey(follow_up.id, NudgeReason.NO_OUTCOME): False,  # not the reason it was shown for
    }
    for key, open_ in keys.items():
        assert (nudges.open_item(session, WORKSPACE, REP, key, NOW) is not None) is open_, key
    # Marking a continuation lost edits its outcome, keeping what the rep wrote.
    session.scalar(select(Outcome).where(Outcome.interaction_id == continuation.id)).notes = "n"
    key = ItemKey(continuation.id, NudgeReason.NO_NEXT_STEP)
    assert nudges.mark_lost(session, WORKSPACE, REP, key, NOW)[0] is ItemAction.DONE
    outcome = session.scalar(select(Outcome).where(Outcome.interaction_id == continuation.id))
    assert (outcome.result, outcome.revision, outcome.notes) == (Result.LOST, 2, "n")
    assert nudges.open_item(session, WORKSPACE, REP, key, NOW) is None


def test_finding_who_is_due_takes_the_same_statements_for_3_or_30_reps(session, engine) -> None:
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    def measure(reps: int) -> int:
        for n in range(reps):
            user_id = f"U{reps}X{n}"
            add_rep(session, user_id=user_id, zone=(NY, BERLIN, TOKYO, KOLKATA)[n % 4])
            add_interaction(session, NOW - timedelta(days=1), user_id=user_id)
            add_interaction(session, NOW - timedelta(days=2), user_id=user_id, account="B")
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            found = nudges.find_due(session, NOW)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(found.reps) >= reps // 4
        return len(statements)

    small, large = measure(3), measure(30)
    assert small == large <= 4


# ----- settings


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        (nudge_settings.SettingsForm("08:30", ["0", "2"], None), set()),
        (nudge_settings.SettingsForm("08:30", ["0"], "2026-12-01"), set()),
        (nudge_settings.SettingsForm("13:00", ["0"], None), {"time"}),
        (nudge_settings.SettingsForm(None, ["0"], None), {"time"}),
        (nudge_settings.SettingsForm("09:00", [], None), {"weekdays"}),
        (nudge_settings.SettingsForm("09:00", ["0"], "2026-11-26"), {"paused_until"}),
        (nudge_settings.SettingsForm("09:00", ["0"], "2028-01-01"), {"paused_until"}),
        (nudge_settings.SettingsForm("09:00", ["0"], "soon"), {"paused_until"}),
        # Digits that isdigit() or isdecimal() takes, and int() refuses or reads: no choice's.
        (nudge_settings.SettingsForm("²:30", ["0"], None), {"time"}),
        (nudge_settings.SettingsForm("09:60", ["0"], None), {"time"}),
        (nudge_settings.SettingsForm("09:00", ["²", "١", "7", "-1"], None), {"weekdays"}),
    ],
)
def test_settings_rules(form, fields) -> None:
    checked = nudge_settings.check_settings(form, date(2026, 11, 26))
    assert (set(checked) if isinstance(checked, FieldErrors) else set()) == fields


def test_saving_settings_tries_an_unreachable_rep_again(session) -> None:
    add_rep(session, unreachable_reason="cannot_dm_bot")
    settings = nudge_settings.NudgeSettings(8 * 60, frozenset({0, 1, 2}), date(2026, 12, 1))
    nudge_settings.save_settings(session, WORKSPACE, REP, settings, NOW)
    assert nudge_settings.settings_of(session, WORKSPACE, REP) == settings
    assert session.scalar(select(Rep.unreachable_reason)) is None
