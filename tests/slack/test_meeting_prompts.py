"""The prompts before and after imported meetings, end to end against the Slack double."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    MeetingPrompt,
    NudgeItem,
    Outcome,
    Rep,
    Result,
)
from app.sandbox import inbound
from app.slack.forms.plan import PrecallIds
from app.slack.views.meeting_prompts import ZONE_GUESSED
from app.slack.views.nudges import ASKED_BEFORE, NudgeIds, item_block_id
from tests.support.coach import Coach
from tests.support.factories import add_outcome, add_rep, local
from tests.support.forms import block, outcome_values, plan_inputs_of, plan_values, selected_key
from tests.support.meeting_prompts import (
    NY,
    add_away_day,
    add_meeting,
    click_prompt,
    prompt_pass,
    prompts_sent,
    seed_meeting,
)
from tests.support.nudges import dms, sweep
from tests.support.workspace import REP_NY

TODAY = date(2026, 11, 26)  # a Thursday; the fixture's NOW is 10:00 in New York
AT_TWO = local(TODAY, 14, 0, NY)


def before_key(interaction: int) -> str:
    return f"{interaction}:unplanned_today"


def after_key(interaction: int) -> str:
    return f"{interaction}:no_outcome"


# ----- before


@pytest.mark.parametrize(
    ("setting", "lead"),
    [
        (MeetingPrompt.MINUTES_30, 30),
        (MeetingPrompt.MINUTES_15, 15),
        (MeetingPrompt.MINUTES_60, 60),
    ],
)
def test_the_prompt_before_goes_at_the_minute_the_setting_says(
    coach: Coach, setting: MeetingPrompt, lead: int
) -> None:
    interaction = seed_meeting(coach, AT_TWO, prompt=setting)
    assert prompt_pass(coach, AT_TWO - timedelta(minutes=lead + 1)).sent == []
    report = prompt_pass(coach, AT_TWO - timedelta(minutes=lead))
    assert [(s.kind, s.interaction_id) for s in report.sent] == [
        (DeliveryKind.MEETING_BEFORE, interaction)
    ]
    (prompt,) = prompts_sent(coach)
    text = block(prompt.args, item_block_id(NudgeIds.ITEM_BLOCK, before_key(interaction)))
    shown = text["text"]["text"]
    assert "*Globex* · meeting <!date^" in shown
    assert "_Globex pricing review_" in shown
    assert "With Dana Wu, lee@globex.com, Sam Rep" in shown
    actions = block(prompt.args, item_block_id(NudgeIds.ACTIONS_BLOCK, before_key(interaction)))
    assert actions["elements"][0]["action_id"] == NudgeIds.PLAN_IT
    # Later passes, before and while it runs, ask nothing more.
    for minutes in (lead - 5, 1):
        assert prompt_pass(coach, AT_TWO - timedelta(minutes=minutes)).sent == []
    assert len(prompts_sent(coach)) == 1
    assert coach.slack.violations == []


def test_the_default_is_thirty_minutes_before(coach: Coach) -> None:
    with coach.services.sessions.begin() as session:
        add_rep(session, user_id=REP_NY, zone=NY)
        add_meeting(session, AT_TWO)
    assert prompt_pass(coach, AT_TWO - timedelta(minutes=31)).sent == []
    assert len(prompt_pass(coach, AT_TWO - timedelta(minutes=30)).sent) == 1


def test_a_time_the_feed_gave_no_zone_for_is_flagged_in_the_prompt(coach: Coach) -> None:
    seed_meeting(coach, AT_TWO, zone_guessed=True)
    seed_meeting(coach, AT_TWO + timedelta(minutes=5), account="Initech")
    prompt_pass(coach, AT_TWO - timedelta(minutes=25))
    guessed, known = prompts_sent(coach)
    assert ZONE_GUESSED in str(guessed.args["blocks"])
    assert ZONE_GUESSED not in str(known.args["blocks"])


@pytest.mark.parametrize("setting", [MeetingPrompt.OFF, MeetingPrompt.DIGEST])
def test_off_and_digest_send_no_prompt(coach: Coach, setting: MeetingPrompt) -> None:
    interaction = seed_meeting(coach, AT_TWO, prompt=setting)
    for at in (AT_TWO - timedelta(minutes=30), AT_TWO + timedelta(minutes=75)):
        assert prompt_pass(coach, at).sent == []
    assert prompts_sent(coach) == []
    # The morning nudge carries today's unplanned meeting (the digest's way of asking).
    sweep(coach, local(TODAY, 9, 30, NY))
    (nudge,) = dms(coach)
    assert block(nudge.args, item_block_id(NudgeIds.ITEM_BLOCK, before_key(interaction)))


def test_plan_it_opens_the_prefilled_form_and_saves_the_plan_on_the_meeting(
    coach: Coach,
) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    prompt_pass(coach, AT_TWO - timedelta(minutes=30))
    click_prompt(coach, NudgeIds.PLAN_IT, before_key(interaction))
    form = coach.slack.wait_for("views.update")[0].response["view"]
    assert form["callback_id"] == PrecallIds.CALLBACK
    # The form edits the imported interaction itself, prefilled from it.
    assert plan_inputs_of(form) == f".{interaction}"
    account = block(form, PrecallIds.ACCOUNT_BLOCK)["element"]["initial_value"]
    assert account == "Globex"
    kind = block(form, f"{PrecallIds.KIND_BLOCK}.{interaction}")["element"]["initial_option"]
    assert kind["value"] == "meeting"
    when = block(form, f"{PrecallIds.WHEN_BLOCK}.{interaction}")["element"]["initial_value"]
    assert when == "Thu 26 Nov 2026, 2:00 PM"

    values = plan_values(form, account="Globex", kind="meeting", when="Thu 26 Nov, 2:00 PM")
    # The decision maker: one of the meeting's external attendees.
    chooser = block(form, f"{PrecallIds.DECISION_MAKER_CHOICE_BLOCK}.{interaction}")
    offered = [option["value"] for option in chooser["element"]["options"]]
    assert offered == ["Dana Wu <dana@globex.com>", "lee@globex.com"]
    values[chooser["block_id"]] = {PrecallIds.INPUT: inbound.static_select_value(offered[0])}
    assert coach.submit(form, values, REP_NY).body == ""
    coach.settle()
    with coach.services.sessions() as session:
        (saved,) = session.scalars(select(Interaction)).all()
        assert (saved.id, saved.scheduled_at) == (interaction, AT_TWO)
        assert saved.objective is not None and saved.planned_at is not None
        assert saved.decision_maker == "Dana Wu <dana@globex.com>"
    # Planned: the prompt says so, and asks nothing more (nor after: see below).
    response = prompts_sent(coach)[-1].response
    (shown,) = [m for m in coach.slack.messages(response["channel"]) if m.ts == response["ts"]]
    status = item_block_id(NudgeIds.STATUS_BLOCK, before_key(interaction))
    assert any(b.get("block_id") == status for b in shown.blocks)
    assert prompt_pass(coach, AT_TWO - timedelta(minutes=10)).sent == []


def test_a_meeting_planned_before_its_prompt_is_not_prompted(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    with coach.services.sessions.begin() as session:
        session.get(Interaction, interaction).objective = "Dana agrees to a pilot"
    assert prompt_pass(coach, AT_TWO - timedelta(minutes=30)).sent == []


# ----- after


def test_the_prompt_after_and_its_log_outcome(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)  # 14:00 to 15:00
    ended = AT_TWO + timedelta(hours=1)
    assert prompt_pass(coach, ended + timedelta(minutes=14)).sent == []
    report = prompt_pass(coach, ended + timedelta(minutes=15))
    assert [(s.kind, s.interaction_id) for s in report.sent] == [
        (DeliveryKind.MEETING_AFTER, interaction)
    ]
    (prompt,) = prompts_sent(coach)
    actions = block(prompt.args, item_block_id(NudgeIds.ACTIONS_BLOCK, after_key(interaction)))
    assert actions["elements"][0]["action_id"] == NudgeIds.LOG_OUTCOME
    assert prompt.args["text"] == "How did your meeting with Globex go?"

    click_prompt(coach, NudgeIds.LOG_OUTCOME, after_key(interaction))
    form = coach.slack.wait_for("views.update")[0].response["view"]
    assert selected_key(form) == str(interaction)
    assert coach.submit(form, outcome_values(form, "won", None, None), REP_NY).body == ""
    coach.settle()
    with coach.services.sessions() as session:
        outcome = session.scalar(select(Outcome))
        assert outcome is not None and outcome.interaction_id == interaction
    assert prompt_pass(coach, ended + timedelta(minutes=45)).sent == []
    assert len(prompts_sent(coach)) == 1


def test_an_outcome_logged_already_means_no_prompt_after(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    with coach.services.sessions.begin() as session:
        add_outcome(session, session.get(Interaction, interaction), Result.WON)
    assert prompt_pass(coach, AT_TWO + timedelta(hours=2)).sent == []


def test_a_prompted_item_shows_as_asked_in_the_next_mornings_nudge(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    prompt_pass(coach, AT_TWO + timedelta(minutes=75))
    with coach.services.sessions() as session:
        item = session.scalar(select(NudgeItem))
        assert (item.interaction_id, item.reason, item.times_shown) == (
            interaction,
            "no_outcome",
            1,
        )
    sweep(coach, local(TODAY + timedelta(days=1), 9, 30, NY))
    (nudge,) = [
        c for c in dms(coach) if c.args.get("metadata", {}).get("event_type") == "coach_nudge"
    ]
    text = block(nudge.args, item_block_id(NudgeIds.ITEM_BLOCK, after_key(interaction)))
    assert ASKED_BEFORE in text["text"]["text"]


def test_yesterdays_meeting_is_left_to_the_morning_nudge(coach: Coach) -> None:
    seed_meeting(coach, AT_TWO)
    assert prompt_pass(coach, local(TODAY + timedelta(days=1), 8, 0, NY)).sent == []


# ----- when not to ask


def test_no_prompt_outside_seven_to_eight_in_the_reps_zone(coach: Coach) -> None:
    early = local(TODAY + timedelta(days=1), 7, 20, NY)
    seed_meeting(coach, early, prompt=MeetingPrompt.MINUTES_60)  # due at 06:20
    assert prompt_pass(coach, local(TODAY + timedelta(days=1), 6, 30, NY)).sent == []
    # At 07:00 it goes, the meeting not started yet.
    assert len(prompt_pass(coach, local(TODAY + timedelta(days=1), 7, 0, NY)).sent) == 1

    late = seed_meeting(coach, local(TODAY, 19, 0, NY), account="Initech")  # ends 20:00
    assert prompt_pass(coach, local(TODAY, 20, 15, NY)).sent == []
    with coach.services.sessions() as session:
        assert session.scalar(select(Delivery).where(Delivery.key == str(late))) is None


def test_do_not_disturb_defers_the_prompt_to_the_next_pass(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    coach.slack.set_dnd(REP_NY, coach.slack.now() + 3600)  # by Slack's own clock
    report = prompt_pass(coach, AT_TWO - timedelta(minutes=30))
    assert (report.sent, report.in_dnd) == ([], 1)
    assert "1 in Do Not Disturb" in report.summary()
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0  # not claimed
    coach.slack.set_dnd(REP_NY, 0)
    report = prompt_pass(coach, AT_TWO - timedelta(minutes=25))
    assert [s.interaction_id for s in report.sent] == [interaction]


def test_an_away_day_pauses_prompts_and_nudges(coach: Coach) -> None:
    seed_meeting(coach, AT_TWO)
    seed_meeting(coach, AT_TWO - timedelta(days=1), account="Initech")  # no outcome: due
    add_away_day(coach, TODAY)
    for at in (AT_TWO - timedelta(minutes=30), AT_TWO + timedelta(minutes=75)):
        assert prompt_pass(coach, at).sent == []
    assert sweep(coach, local(TODAY, 9, 30, NY)).sent == []
    assert dms(coach) == []
    # The next day, back: the morning nudge goes again.
    assert len(sweep(coach, local(TODAY + timedelta(days=1), 9, 30, NY)).sent) == 1


@pytest.mark.parametrize("how", ["in the feed", "in the app"])
def test_a_cancelled_meeting_is_not_prompted(coach: Coach, how: str) -> None:
    if how == "in the feed":
        seed_meeting(coach, AT_TWO, cancelled_in_feed=True)
    else:
        seed_meeting(coach, AT_TWO, cancelled_at=AT_TWO - timedelta(days=1))
    for at in (AT_TWO - timedelta(minutes=30), AT_TWO + timedelta(minutes=75)):
        assert prompt_pass(coach, at).sent == []


def test_two_passes_at_once_send_one_prompt(coach: Coach) -> None:
    seed_meeting(coach, AT_TWO)
    at = AT_TWO - timedelta(minutes=30)
    first, second = prompt_pass(coach, at), prompt_pass(coach, at)
    assert (len(first.sent), len(second.sent)) == (1, 0)
    assert len(prompts_sent(coach)) == 1
    with coach.services.sessions() as session:
        (delivery,) = session.scalars(select(Delivery)).all()
        assert (delivery.kind, delivery.status) == (
            DeliveryKind.MEETING_BEFORE,
            DeliveryStatus.SENT,
        )


def test_someone_elses_prompt_button_changes_nothing(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    prompt_pass(coach, AT_TWO - timedelta(minutes=30))
    click_prompt(coach, NudgeIds.PLAN_IT, before_key(interaction), user_id="U0REPTOKYO")
    notice = coach.slack.wait_for("views.open")[0].args["view"]
    assert "someone else" in str(notice["blocks"])


def test_the_report_lists_each_prompt(coach: Coach) -> None:
    interaction = seed_meeting(coach, AT_TWO)
    report = prompt_pass(coach, AT_TWO - timedelta(minutes=30))
    assert report.summary().startswith("meeting prompts at ")
    assert f"sent {REP_NY} before interaction {interaction}: ts " in report.lines()[1]


def test_a_plan_of_another_interaction_names_its_decision_maker_in_words(coach: Coach) -> None:
    coach.slash("/precall", "Acme Corp demo tomorrow 2pm", REP_NY)
    form = coach.slack.wait_for("views.update")[0].response["view"]
    values = plan_values(form) | {
        PrecallIds.DECISION_MAKER_BLOCK: {
            PrecallIds.INPUT: inbound.plain_text_value("Dana Wu (CFO)")
        }
    }
    assert coach.submit(form, values, REP_NY).body == ""
    with coach.services.sessions() as session:
        assert session.scalar(select(Interaction.decision_maker)) == "Dana Wu (CFO)"


# ----- the setting


def test_the_rep_chooses_when_in_coach_settings(coach: Coach) -> None:
    seed_meeting(coach, AT_TWO)
    coach.slash("/coach", "settings", REP_NY)
    view = coach.slack.wait_for("views.open")[0].response["view"]
    chooser = block(view, "settings_meeting_prompt")["element"]
    assert chooser["initial_option"]["value"] == "30"
    assert [o["value"] for o in chooser["options"]] == ["15", "30", "60", "digest", "off"]
    values = {
        "settings_time": {"value": inbound.static_select_value("09:00")},
        "settings_weekdays": {"value": inbound.checkboxes_value(["0", "1", "2", "3", "4"])},
        "settings_pause": {"value": inbound.datepicker_value(None)},
        "settings_meeting_prompt": {"value": inbound.static_select_value("60")},
    }
    response = coach.submit(view, values, REP_NY).json()
    said = response["view"]["blocks"][0]["text"]["text"]
    assert "Meetings from your calendar: asked about an hour before, and again after." in said
    with coach.services.sessions() as session:
        assert session.scalar(select(Rep.meeting_prompt)) is MeetingPrompt.MINUTES_60
    assert len(prompt_pass(coach, AT_TWO - timedelta(minutes=60)).sent) == 1


def test_do_not_disturb_is_asked_for_many_reps_at_once(coach: Coach) -> None:
    coach.slack.add_user("U0REPTWO", name="lee.rep", tz=NY)
    seed_meeting(coach, AT_TWO)
    seed_meeting(coach, AT_TWO, user_id="U0REPTWO")
    coach.slack.set_dnd("U0REPTWO", coach.slack.now() + 1800)
    report = prompt_pass(coach, AT_TWO - timedelta(minutes=30))
    assert ([s.user_id for s in report.sent], report.in_dnd) == ([REP_NY], 1)
    (asked,) = coach.slack.calls("dnd.teamInfo")
    assert sorted(asked.args["users"].split(",")) == sorted([REP_NY, "U0REPTWO"])


def test_a_slack_that_will_not_tell_do_not_disturb_gets_the_prompt(coach: Coach) -> None:
    """An install from before the dnd:read scope: better a prompt than none."""
    seed_meeting(coach, AT_TWO)
    coach.slack.fail_next("dnd.teamInfo", error="missing_scope")
    assert len(prompt_pass(coach, AT_TWO - timedelta(minutes=30)).sent) == 1


def test_a_rep_slack_will_not_let_us_dm_is_not_prompted_again(coach: Coach) -> None:
    seed_meeting(coach, AT_TWO)
    coach.slack.fail_next("chat.postMessage", error="account_inactive")
    report = prompt_pass(coach, AT_TWO - timedelta(minutes=30))
    assert report.unreachable == [(REP_NY, "account_inactive")]
    assert "unreachable U0REPNY: account_inactive" in report.lines()
    with coach.services.sessions() as session:
        rep = session.scalar(select(Rep))
        assert (rep.is_active, rep.unreachable_reason) == (False, "account_inactive")
    assert prompt_pass(coach, AT_TWO + timedelta(minutes=75)).sent == []
