"""The App Home end to end: published on app_home_opened, its sections, its buttons, and kept
current after changes (once per burst), through signed events and interactions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain import home as home_rules
from app.domain.metrics import own_figures
from app.domain.workspace import Workspace
from app.models import (
    CancelReason,
    Interaction,
    NudgeItem,
    NudgeReason,
    Outcome,
    Reschedule,
    Result,
)
from app.sandbox import inbound
from app.slack.forms.cancel import CancelIds
from app.slack.forms.reschedule import RescheduleIds
from app.slack.listeners.home import CLOSED, NOT_YOURS
from app.slack.views.home import HOME_BLOCKS_MAX, METHOD, HomeIds
from app.slack.views.interaction_actions import InteractionIds
from app.slack.views.nudges import NudgeIds
from tests.support.coach import Coach
from tests.support.factories import add_interaction, add_outcome, local
from tests.support.forms import outcome_values, plan_interaction
from tests.support.home import (
    buttons,
    click_home,
    home_text,
    manual_home,
    open_home,
    publishes,
    reschedule_values,
)
from tests.support.nudges import NY, click, dms, more_choice, seed, snooze_choice, sweep
from tests.support.workspace import NOW, REP_NY, REP_TOKYO


def _interaction(coach: Coach, interaction_id: int) -> Interaction:
    with coach.services.sessions() as session:
        found = session.get(Interaction, interaction_id)
        assert found is not None
        session.expunge(found)
        return found


def test_a_new_rep_sees_the_method_and_can_plan_from_the_home(coach: Coach) -> None:
    view = open_home(coach)
    assert view["type"] == "home"
    assert METHOD in home_text(view)
    assert len(METHOD.splitlines()) == 3
    assert buttons(view, HomeIds.PLAN_NEW) == [""]

    form = click_home(coach, HomeIds.PLAN_NEW, None)
    assert form["callback_id"] == "precall_plan"


def test_a_full_week_shows_every_section(coach: Coach) -> None:
    past, today, tomorrow = seed(
        coach, (-26, "Acme Corp", True), (4, "Globex", False), (24, "Initech", True)
    )
    with coach.services.sessions.begin() as session:
        session.get(Interaction, tomorrow).objective_strong = True
        # Advanced twice: one next step overdue (yesterday), one due next week.
        for account, days in (("Umbrella", -1), ("Hooli", 6)):
            earlier = add_interaction(
                session, NOW - timedelta(days=3), user_id=REP_NY, account=account
            )
            follow_up = add_interaction(
                session,
                NOW + timedelta(days=days),
                user_id=REP_NY,
                account=account,
                planned=False,
                origin="follow_up",
                follows_id=earlier.id,
            )
            add_outcome(
                session,
                earlier,
                Result.ADVANCED,
                next_step=f"{account} signs the order form",
                next_step_at=NOW + timedelta(days=days),
                follow_up=follow_up,
            )
        # The past call was in two DMs already: it went to the manager's summary.
        session.add(
            NudgeItem(
                team_id=coach.team_id,
                rep_user_id=REP_NY,
                interaction_id=past,
                reason=NudgeReason.NO_OUTCOME,
                times_shown=2,
                escalated_at=NOW,
            )
        )

    text = home_text(open_home(coach))

    coming = text[text.index("*Coming up") : text.index("*Customers owe you")]
    assert "{date_long_pretty}" in coming  # the weekday named, in each reader's zone
    assert "*Globex* · Call" in coming and "no plan yet" in coming
    assert "*Initech* · Call" in coming and "strong plan" in coming
    assert "Acme Corp" not in coming  # yesterday is not coming up
    owed = text[text.index("*Customers owe you") : text.index("*Needs you")]
    assert owed.index("Umbrella") < owed.index("Hooli")
    assert "overdue* · *Umbrella* agreed" in owed and "overdue* · *Hooli" not in owed
    needs = text[text.index("*Needs you") : text.index("*Your figures")]
    acme = needs[needs.index("*Acme Corp*") :].split("\n*")[0]
    assert "manager's summary" in acme
    assert "Heads-up: no plan yet" in needs
    assert "Commitment hit rate" in text[text.index("*Your figures") :]

    view = coach.slack.home_view(REP_NY)
    assert buttons(view, InteractionIds.RESCHEDULE)[:2] == [str(today), str(tomorrow)]
    assert f"{today}:unplanned_today" in buttons(view, NudgeIds.LOG_OUTCOME)


def test_reschedule_from_the_home_moves_the_plan_once_and_republishes(coach: Coach) -> None:
    scheduler = manual_home(coach)
    (tomorrow,) = seed(coach, (24, "Initech", True))
    open_home(coach)
    form = click_home(coach, InteractionIds.RESCHEDULE, str(tomorrow))
    assert form["callback_id"] == RescheduleIds.CALLBACK

    # Read back as it is typed.
    typed = inbound.block_action(RescheduleIds.READ_WHEN, RescheduleIds.WHEN_BLOCK, value=None)
    typed["value"] = "monday 11am"
    coach.act_in_view(form, typed, REP_NY)
    coach.settle()
    hint = coach.slack.wait_for("views.update")[-1].args["view"]["blocks"][1]["hint"]["text"]
    assert hint.startswith("→ Mon 30 Nov 2026, 11:00 AM")

    assert coach.submit(form, reschedule_values("nonsense o'clock"), REP_NY).status == 200
    assert _interaction(coach, tomorrow).reschedule_count == 0

    for _ in range(2):  # a double submit moves it once
        response = coach.submit(form, reschedule_values("monday 11am"), REP_NY)
        assert response.status == 200 and response.body == ""
    moved = _interaction(coach, tomorrow)
    assert (moved.reschedule_count, moved.objective) == (
        1,
        "Dana agrees to a pricing review on Tuesday",
    )
    assert moved.scheduled_at.isoformat() == "2026-11-30T16:00:00+00:00"
    with coach.services.sessions() as session:
        (record,) = session.scalars(select(Reschedule)).all()
        assert record.moved_from == NOW + timedelta(hours=24)

    before = len(publishes(coach))
    assert scheduler.run() == [2.0]  # one publish for the burst
    assert len(publishes(coach)) == before + 1
    assert buttons(coach.slack.home_view(REP_NY), InteractionIds.RESCHEDULE) == [str(tomorrow)]


def test_cancel_from_the_home_is_never_nudged_nor_lost(coach: Coach) -> None:
    manual_home(coach)
    past, today = seed(coach, (-26, "Acme Corp", True), (4, "Globex", False))
    open_home(coach)
    form = click_home(coach, InteractionIds.CANCEL, str(past))
    assert form["callback_id"] == CancelIds.CALLBACK
    values = {CancelIds.REASON_BLOCK: {"value": inbound.radio_value(CancelReason.CUSTOMER.value)}}
    for _ in range(2):
        assert coach.submit(form, values, REP_NY).status == 200
    cancelled = _interaction(coach, past)
    assert cancelled.cancel_reason is CancelReason.CUSTOMER
    assert cancelled.cancelled_at == NOW

    sweep(coach)
    (dm,) = dms(coach)
    assert "Acme Corp" not in str(dm.args["blocks"]) and "Globex" in str(dm.args["blocks"])
    with coach.services.sessions() as session:
        current, _ = own_figures(session, Workspace(coach.team_id), REP_NY, NOW)
    assert (current.interactions, current.cancelled, current.lost) == (0, 1, 0)


def test_a_button_from_another_rep_or_an_older_home_changes_nothing(coach: Coach) -> None:
    (tomorrow,) = seed(coach, (24, "Initech", True))
    notice = click_home(coach, InteractionIds.RESCHEDULE, str(tomorrow), user_id=REP_TOKYO)
    assert notice["blocks"][0]["text"]["text"] == NOT_YOURS
    for forged in ("abc", "-1", "99999999999999", ""):
        notice = click_home(coach, InteractionIds.CANCEL, forged)
        assert notice["blocks"][0]["text"]["text"] == NOT_YOURS

    # Cancelled since this Home was published: its buttons answer what it is now.
    with coach.services.sessions.begin() as session:
        session.get(Interaction, tomorrow).cancelled_at = NOW
    for action_id in (InteractionIds.RESCHEDULE, InteractionIds.CANCEL, HomeIds.PLAN):
        notice = click_home(coach, action_id, str(tomorrow))
        assert notice["blocks"][0]["text"]["text"] == CLOSED
    assert _interaction(coach, tomorrow).reschedule_count == 0


def test_a_burst_of_changes_publishes_once(coach: Coach) -> None:
    scheduler = manual_home(coach)
    ids = seed(coach, *((24 + hour, f"Account {hour}", True) for hour in range(5)))
    values = {CancelIds.REASON_BLOCK: {"value": inbound.radio_value(CancelReason.US.value)}}
    before = len(publishes(coach))
    for interaction_id in ids:
        form = click_home(coach, InteractionIds.CANCEL, str(interaction_id))
        coach.submit(form, values, REP_NY)
    assert scheduler.run() == [2.0]
    assert len(publishes(coach)) == before + 1
    assert scheduler.run() == []


def test_a_rate_limited_publish_is_tried_again_after_retry_after(coach: Coach) -> None:
    scheduler = manual_home(coach)
    (tomorrow,) = seed(coach, (24, "Initech", True))
    form = click_home(coach, InteractionIds.CANCEL, str(tomorrow))
    coach.slack.fail_next("views.publish", status=429, retry_after=7)
    values = {CancelIds.REASON_BLOCK: {"value": inbound.radio_value(CancelReason.US.value)}}
    assert coach.submit(form, values, REP_NY).status == 200
    assert _interaction(coach, tomorrow).cancelled_at is not None  # the action did not fail

    assert scheduler.run() == [2.0]
    assert [c.status for c in publishes(coach)] == [429]
    assert scheduler.run() == [7.0]  # after Slack's Retry-After
    assert [c.status for c in publishes(coach)] == [429, 200]


def test_a_crowded_week_fits_slacks_100_blocks(coach: Coach) -> None:
    seed(coach, *((2 + hour * 2, f"Account {hour}", False) for hour in range(60)))
    view = open_home(coach)
    assert len(view["blocks"]) <= HOME_BLOCKS_MAX
    text = home_text(view)
    assert "…and 48 more." in text  # 12 coming up shown of 60, the rest counted
    assert "*Your figures" in text  # every section still has its place


@pytest.mark.parametrize("days", [0, home_rules.COMING_UP_DAYS])
def test_coming_up_is_today_and_the_next_seven_days(coach: Coach, days: int) -> None:
    (inside,) = seed(coach, (24 * days + 1, "Inside", True))
    seed(coach, (24 * (home_rules.COMING_UP_DAYS + 1) + 1, "Outside", True))
    view = open_home(coach)
    assert buttons(view, InteractionIds.RESCHEDULE) == [str(inside)]


def test_plans_outcomes_and_nudge_actions_each_republish_the_home(coach: Coach) -> None:
    scheduler = manual_home(coach)

    def published_after(change) -> bool:
        before = len(publishes(coach))
        change()
        delays = scheduler.run()
        return delays == [2.0] and len(publishes(coach)) == before + 1

    assert published_after(lambda: plan_interaction(coach))

    def log_outcome() -> None:
        view = coach.open_modal("/postcall", "", REP_NY)
        assert coach.submit(view, outcome_values(view, "advanced"), REP_NY).body == ""

    assert published_after(log_outcome)
    home = home_text(coach.slack.home_view(REP_NY) or {})
    assert "Dana books the security review" in home  # the customer now owes it

    (past,) = seed(coach, (-26, "Globex", True))
    sweep(coach)
    key = f"{past}:no_outcome"
    assert published_after(
        lambda: click(coach, NudgeIds.SNOOZE, key, value=None, **snooze_choice(key, "tomorrow"))
    )
    # Nothing else is pending: each change published once.
    assert scheduler.run() == []


def _home_controls(view: dict, key: str) -> list[dict]:
    """The controls of the Needs you item `key`: its buttons and its overflow menu."""
    return [
        element
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("value") == key
        or any(o["value"].startswith(f"{key}|") for o in element.get("options", []))
    ]


def _choose_in_home(coach: Coach, key: str, choice: str) -> None:
    view = coach.slack.home_view(REP_NY) or {}
    action = inbound.block_action(
        NudgeIds.MORE, "home_block", value=None, **more_choice(key, choice)
    )
    assert coach.act_in_view(view, action, REP_NY).status == 200
    coach.settle()


def test_needs_you_has_the_dms_controls_and_they_act_from_the_home(coach: Coach) -> None:
    scheduler = manual_home(coach)
    snoozed, lost = seed(coach, (-26, "Acme Corp", True), (-30, "Globex", True))
    open_home(coach)
    scheduler.run()
    view = coach.slack.home_view(REP_NY) or {}
    snooze_key, lost_key = f"{snoozed}:no_outcome", f"{lost}:no_outcome"
    controls = _home_controls(view, snooze_key)
    assert [c.get("action_id") for c in controls] == [NudgeIds.LOG_OUTCOME, NudgeIds.MORE]
    assert [o["value"].partition("|")[2] for o in controls[1]["options"]] == [
        "snooze_tomorrow",
        "snooze_next_week",
        "mark_lost",
        "cancel",
    ]

    # Snoozed from the Home (no DM was ever sent): it leaves Needs you once republished.
    _choose_in_home(coach, snooze_key, "snooze_next_week")
    with coach.services.sessions() as session:
        assert session.scalar(
            select(NudgeItem.snoozed_until).where(NudgeItem.interaction_id == snoozed)
        ) == local(date(2026, 11, 30), 0, 0, NY)
    assert scheduler.run() == [2.0]
    needs = home_text(coach.slack.home_view(REP_NY) or {}).split("*Needs you")[1]
    assert "Acme Corp" not in needs.split("*Your figures")[0] and "Globex" in needs

    # Mark lost from the Home: the same confirmation, then Lost once confirmed.
    opened = len(coach.slack.calls("views.open"))
    _choose_in_home(coach, lost_key, "mark_lost")
    confirmation = coach.slack.wait_for("views.open", count=opened + 1)[-1].response["view"]
    assert confirmation["callback_id"] == NudgeIds.MARK_LOST_CONFIRM
    assert coach.submit(confirmation, {}, REP_NY).body == ""
    assert coach.submit(confirmation, {}, REP_NY).body == ""  # a double submit
    coach.settle()
    with coach.services.sessions() as session:
        outcomes = session.scalars(select(Outcome)).all()
        assert [(o.interaction_id, o.result) for o in outcomes] == [(lost, Result.LOST)]
    assert coach.slack.calls("chat.update") == []  # no DM to rewrite
    scheduler.run()
    assert "Globex" not in home_text(coach.slack.home_view(REP_NY) or {}).split("*Needs you")[1]
