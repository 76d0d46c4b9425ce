"""/postcall end to end: outcomes against plans, next steps with dates, follow-ups."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from app.models import (
    Delivery,
    FollowThrough,
    Interaction,
    LostReason,
    Origin,
    Outcome,
    Result,
)
from app.sandbox import inbound
from app.slack.forms.metadata import StaleForm
from app.slack.forms.outcome import NOT_PLANNED, PostcallIds, PostcallMetadata
from app.slack.views.interaction_actions import InteractionIds
from tests.support.coach import Coach
from tests.support.confirmations import confirmation, view_after_press
from tests.support.forms import (
    OBJECTIVE,
    block,
    choose,
    inputs_of,
    offered,
    open_precall,
    outcome_values,
    plan_interaction,
    selected_key,
)
from tests.support.workspace import REP_NY, REP_TOKYO

# Tuesday 1 December 2026, 15:00 in New York (EST) is 20:00 UTC.
NEXT_TUESDAY_3PM = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def outcomes_of(coach: Coach) -> list[Outcome]:
    with coach.services.sessions() as session:
        return list(session.scalars(select(Outcome)))


def interactions_of(coach: Coach) -> list[Interaction]:
    with coach.services.sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def test_postcall_preselects_the_named_account_and_shows_the_plan(coach: Coach) -> None:
    acme = plan_interaction(coach)
    plan_interaction(coach, account="Globex")
    response = coach.slash("/postcall", "acme", REP_NY)
    assert response.status == 200 and response.body == ""
    loading = coach.slack.wait_for("views.open", count=3)[-1].args["view"]
    assert loading["title"]["text"] == "Log an outcome"
    view = coach.slack.wait_for("views.update", count=3)[-1].response["view"]
    assert selected_key(view) == str(acme)
    options = block(view, PostcallIds.INTERACTION_BLOCK)["element"]["options"]
    assert [o["value"] for o in options][-1] == NOT_PLANNED
    assert len(options) == 3  # both plans, most recent first, then "not planned"
    assert f"You planned:*\n> {OBJECTIVE}" in block(view, PostcallIds.PLAN_BLOCK)["text"]["text"]
    results = block(view, f"{PostcallIds.RESULT_BLOCK}.{inputs_of(view)}")["element"]["options"]
    assert [o["value"] for o in results] == [r.value for r in Result]
    next_step = block(view, f"{PostcallIds.NEXT_STEP_BLOCK}.{inputs_of(view)}")
    assert next_step["optional"] is True  # Slack cannot require it for some outcomes only
    assert next_step["hint"]["text"].startswith("Required for Advanced and Minimum.")


@pytest.mark.over_http  # the whole flow, as Slack reaches the app
def test_advanced_stores_the_outcome_creates_the_follow_up_and_confirms(
    coach: Coach,
) -> None:
    interaction_id = plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    response = coach.submit(view, outcome_values(view, "advanced"), REP_NY)
    assert response.status == 200 and response.body == ""
    coach.settle()

    (outcome,) = outcomes_of(coach)
    assert outcome.interaction_id == interaction_id
    assert outcome.result is Result.ADVANCED
    assert outcome.next_step == "Dana books the security review"
    assert outcome.next_step_at == NEXT_TUESDAY_3PM
    original, follow_up = interactions_of(coach)
    assert outcome.follow_up_id == follow_up.id
    assert follow_up.origin is Origin.FOLLOW_UP and follow_up.follows_id == original.id
    assert follow_up.scheduled_at == NEXT_TUESDAY_3PM and follow_up.objective is None

    dm = coach.slack.calls("chat.postMessage")[-1].args
    rendered = dm["text"] + str(dm["blocks"])
    assert OBJECTIVE in rendered and "*Outcome:* Advanced" in rendered
    unix = int(NEXT_TUESDAY_3PM.timestamp())
    assert f"<!date^{unix}^{{date_long}} at {{time}}|Tue 1 Dec 2026, 3:00 PM EST>" in rendered


def test_every_outcome_is_stored_with_the_right_next_step(coach: Coach) -> None:
    expectations = {
        "won": (Result.WON, False),
        "minimum": (Result.MINIMUM, True),
        "continuation": (Result.CONTINUATION, False),
        "lost": (Result.LOST, False),
    }
    for result, (stored, follows_up) in expectations.items():
        interaction_id = plan_interaction(coach, account=f"Account {result}")
        view = coach.open_modal("/postcall", f"Account {result}", REP_NY)
        assert selected_key(view) == str(interaction_id)
        next_step = None if result in ("won", "lost") else "They send the signed NDA"
        when = None if result in ("won", "lost") else "next Tuesday 3pm"
        response = coach.submit(view, outcome_values(view, result, next_step, when), REP_NY)
        assert response.body == "", (result, response.body)
        with coach.services.sessions() as session:
            outcome = session.scalar(
                select(Outcome).where(Outcome.interaction_id == interaction_id)
            )
            assert outcome.result is stored
            assert (outcome.follow_up_id is not None) is follows_up, result
            if result == "continuation":  # "sometime" is stored as no next step at all
                assert outcome.next_step is None and outcome.next_step_at is None


def test_outcome_errors_are_inline_and_nothing_is_saved(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    key = inputs_of(view)
    cases = [
        (outcome_values(view, "advanced", next_step=""), PostcallIds.NEXT_STEP_BLOCK, "next"),
        (
            outcome_values(view, "advanced", when="purple"),
            PostcallIds.NEXT_STEP_WHEN_BLOCK,
            "I could not read a date in 'purple': try 'next Tuesday 3pm' or '12/15'",
        ),
        (
            outcome_values(view, "minimum", when="last Monday"),
            PostcallIds.NEXT_STEP_WHEN_BLOCK,
            "That is Mon 23 Nov, in the past",
        ),
        (outcome_values(view, "minimum", when=""), PostcallIds.NEXT_STEP_WHEN_BLOCK, "Say when"),
        (
            outcome_values(view, "advanced", notes="n" * 3001),
            PostcallIds.NOTES_BLOCK,
            "characters",
        ),
    ]
    for values, block_id, message in cases:
        body = coach.submit(view, values, REP_NY).json()
        assert body["response_action"] == "errors"
        assert message in body["errors"][f"{block_id}.{key}"], body
    missing_result = outcome_values(view, "advanced")
    del missing_result[f"{PostcallIds.RESULT_BLOCK}.{key}"]
    body = coach.submit(view, missing_result, REP_NY).json()
    assert f"{PostcallIds.RESULT_BLOCK}.{key}" in body["errors"]
    assert outcomes_of(coach) == []
    assert len(interactions_of(coach)) == 1  # no follow-up either


def test_the_date_is_read_back_while_the_rep_types(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    key = inputs_of(view)
    # Without it, Slack never sends what the rep types.
    assert block(view, f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}")["dispatch_action"] is True
    updates = len(coach.slack.calls("views.update"))
    typed = inbound.block_action(
        PostcallIds.READ_NEXT_STEP_WHEN,
        f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}",
        value="next Tuesday 3pm",
        type="plain_text_input",
    )
    assert coach.act_in_view(view, typed, REP_NY).status == 200
    refreshed = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    hint = block(refreshed, f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}")["hint"]["text"]
    assert hint == "→ Tue 1 Dec 2026, 3:00 PM EST"

    typed["value"] = "purple"
    coach.act_in_view(view, typed, REP_NY)
    refreshed = coach.slack.wait_for("views.update", count=updates + 2)[-1].args["view"]
    hint = block(refreshed, f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}")["hint"]["text"]
    assert "I could not read a date in 'purple'" in hint


def test_editing_an_outcome_moves_its_follow_up(coach: Coach) -> None:
    acme = plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    coach.submit(view, outcome_values(view, "advanced"), REP_NY)
    follow_up_id = outcomes_of(coach)[0].follow_up_id

    again = coach.open_modal("/postcall", "acme", REP_NY)
    assert selected_key(again) == str(follow_up_id)  # Acme's open interaction comes first
    # Typed for the follow-up, then the logged one chosen: its outcome shows, ready to edit.
    again = choose(coach, again, str(acme), typed=outcome_values(again, "lost", None, None))
    assert again["state"]["values"] == {}
    result = block(again, f"{PostcallIds.RESULT_BLOCK}.{inputs_of(again)}")["element"]
    assert result["initial_option"]["value"] == "advanced"
    response = coach.submit(again, outcome_values(again, "advanced", when="Wed 10am"), REP_NY)
    assert response.body == ""
    coach.settle()

    (outcome,) = outcomes_of(coach)
    assert outcome.revision == 2 and outcome.follow_up_id == follow_up_id
    follow_ups = [i for i in interactions_of(coach) if i.origin is Origin.FOLLOW_UP]
    assert [(f.id, f.scheduled_at) for f in follow_ups] == [
        (follow_up_id, datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    ]
    assert "Outcome updated" in coach.slack.calls("chat.postMessage")[-1].args["text"]


def test_choosing_another_open_interaction_keeps_what_was_typed(coach: Coach) -> None:
    plan_interaction(coach)
    globex = plan_interaction(coach, account="Globex", when="today 8am")
    view = coach.open_modal("/postcall", "", REP_NY)
    typed = outcome_values(view, "advanced", notes="Dana was keen")
    switched = choose(coach, view, str(globex), typed)
    assert selected_key(switched) == str(globex)
    assert switched["state"]["values"] == typed  # the same block ids, so Slack keeps them
    when_block = block(switched, f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{inputs_of(switched)}")
    assert when_block["hint"]["text"] == "→ Tue 1 Dec 2026, 3:00 PM EST"  # the kept date, read

    assert coach.submit(switched, typed, REP_NY).body == ""
    (outcome,) = outcomes_of(coach)
    assert outcome.interaction_id == globex and outcome.notes == "Dana was keen"


def test_a_form_opened_before_its_metadata_had_a_version_is_stale() -> None:
    with pytest.raises(StaleForm):
        PostcallMetadata.from_metadata('{"zone":"UTC","selected":"12"}')


def test_naming_an_account_offers_its_open_plan_for_tomorrow(coach: Coach) -> None:
    coach.set_now(datetime(2026, 11, 27, 2, 47, tzinfo=UTC))  # 21:47 in New York
    initech = plan_interaction(coach, account="Initech", when="tomorrow 10am")
    plan_interaction(coach, account="Initech", when="in 3 days 10am")
    plan_interaction(coach, account="Initech", when="in 8 days 10am")
    # 12 hours 13 minutes ahead: too far for the recent interactions a plain /postcall lists.
    assert offered(coach.open_modal("/postcall", "", REP_NY)) == [NOT_PLANNED]

    view = coach.open_modal("/postcall", "initech", REP_NY)
    assert selected_key(view) == str(initech)  # the nearest of Initech's open plans
    assert len(offered(view)) == 3  # both within the week, then "not planned"
    unplanned = choose(coach, view, NOT_PLANNED)
    assert offered(unplanned) == offered(view)
    account = block(unplanned, f"{PostcallIds.ACCOUNT_BLOCK}.{inputs_of(unplanned)}")
    assert account["element"]["initial_value"] == "initech"

    assert coach.submit(view, outcome_values(view, "advanced"), REP_NY).body == ""
    (outcome,) = outcomes_of(coach)
    assert outcome.interaction_id == initech
    assert [i.origin for i in interactions_of(coach)].count(Origin.UNPLANNED) == 0


def test_postcall_preselects_the_interaction_most_likely_meant(coach: Coach) -> None:
    plan_interaction(coach, account="Globex", when="today 4pm")
    acme = plan_interaction(coach, when="today 2pm")
    plan_interaction(coach, account="Hooli", when="today 6pm")
    view = coach.open_modal("/postcall", "", REP_NY)
    assert selected_key(view) == str(acme)  # none has happened yet: the soonest
    assert offered(view)[-1] == NOT_PLANNED

    earlier = plan_interaction(coach, account="Initech", when="today 8am")
    view = coach.open_modal("/postcall", "", REP_NY)
    assert selected_key(view) == str(earlier)  # one that happened comes before those ahead


def test_a_lost_outcome_takes_no_next_step(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    key = inputs_of(view)
    errors = coach.submit(view, outcome_values(view, "lost"), REP_NY).json()["errors"]
    assert errors[f"{PostcallIds.NEXT_STEP_BLOCK}.{key}"].startswith(
        "A lost deal has no next step to chase. If they agreed to one, choose Minimum"
    )
    assert "Clear this date too" in errors[f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}"]
    assert outcomes_of(coach) == []

    assert coach.submit(view, outcome_values(view, "lost", None, None), REP_NY).body == ""
    coach.settle()
    dm = str(coach.slack.calls("chat.postMessage")[-1].args["blocks"])
    assert "chain ends here" in dm and "Next step" not in dm


def test_a_won_deal_notes_its_kickoff_without_chasing_it(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    values = outcome_values(view, "won", "Kickoff with their IT team")
    assert coach.submit(view, values, REP_NY).body == ""
    coach.settle()
    (outcome,) = outcomes_of(coach)
    assert outcome.next_step_at == NEXT_TUESDAY_3PM and outcome.follow_up_id is None
    assert len(interactions_of(coach)) == 1
    dm = str(coach.slack.calls("chat.postMessage")[-1].args["blocks"])
    assert "Kickoff with their IT team" in dm
    assert "The next step is noted here; nothing is chased after a win." in dm


@pytest.mark.over_http  # the whole flow, as Slack reaches the app
def test_a_double_submitted_outcome_is_stored_and_confirmed_once(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    values = outcome_values(view, "advanced")
    clicks = [threading.Thread(target=coach.submit, args=(view, values, REP_NY)) for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    coach.settle()
    assert len(outcomes_of(coach)) == 1
    assert len(interactions_of(coach)) == 2  # the plan and one follow-up
    with coach.services.sessions() as session:
        kinds = session.scalars(select(Delivery.kind)).all()
    assert sorted(kinds) == ["outcome_confirmation", "plan_confirmation"]


def test_an_unplanned_interaction_is_logged_with_its_outcome(coach: Coach) -> None:
    view = coach.open_modal("/postcall", "Initech", REP_NY)
    assert selected_key(view) == NOT_PLANNED
    account_block = block(view, f"{PostcallIds.ACCOUNT_BLOCK}.{inputs_of(view)}")
    assert account_block["element"]["initial_value"] == "Initech"
    values = outcome_values(view, "advanced", account="Initech", happened="today 8am")
    assert coach.submit(view, values, REP_NY).body == ""
    unplanned, follow_up = interactions_of(coach)
    assert unplanned.origin is Origin.UNPLANNED and unplanned.objective is None
    assert unplanned.scheduled_at == datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
    assert follow_up.follows_id == unplanned.id


def test_choosing_not_planned_shows_the_account_and_time_fields(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    refreshed = choose(coach, view, NOT_PLANNED)
    ids = {b.get("block_id") for b in refreshed["blocks"]}
    assert f"{PostcallIds.ACCOUNT_BLOCK}.{inputs_of(refreshed)}" in ids
    assert PostcallIds.PLAN_BLOCK not in ids


def test_a_rep_cannot_log_an_outcome_for_another_reps_interaction(coach: Coach) -> None:
    plan_interaction(coach, REP_NY)
    view_ny = coach.open_modal("/postcall", "", REP_NY)
    # Kenji replays Dana's form (same interaction id in its metadata) as his own submission.
    notices_before = len(coach.slack.calls("views.open"))
    response = coach.submit(view_ny, outcome_values(view_ny, "lost", None, None), REP_TOKYO)
    assert response.body == ""  # the form closes; the refusal comes in a notice
    (notice,) = coach.slack.calls("views.open")[notices_before:]
    assert "not one of yours" in str(notice.args["view"]["blocks"])
    assert outcomes_of(coach) == []
    view_tokyo = coach.open_modal("/postcall", "", REP_TOKYO)
    options = block(view_tokyo, PostcallIds.INTERACTION_BLOCK)["element"]["options"]
    assert [o["value"] for o in options] == [NOT_PLANNED]


def test_an_outcome_the_database_does_not_take_comes_back_to_the_rep(
    coach: Coach, tmp_path
) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    working = coach.services.sessions
    coach.services.sessions = sessionmaker(
        create_engine(f"sqlite:///{tmp_path}/missing-dir/coach.db")
    )
    notices_before = len(coach.slack.calls("views.open"))
    values = outcome_values(view, "advanced", notes="Dana wants <!here> on the thread")
    response = coach.submit(view, values, REP_NY)
    assert response.body == ""
    (notice,) = coach.slack.calls("views.open")[notices_before:]
    text = str(notice.args["view"]["blocks"])
    assert "nothing was stored" in text
    assert "Dana books the security review" in text and "next Tuesday 3pm" in text
    assert "Dana wants &lt;!here&gt; on the thread" in text
    coach.services.sessions = working
    assert outcomes_of(coach) == []


def test_precall_shows_what_was_agreed_last_time(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    coach.submit(view, outcome_values(view, "advanced"), REP_NY)

    precall = open_precall(coach, REP_NY, "Acme Corp Tuesday 3pm")
    history = block(precall, "precall_history")["elements"][0]["text"]
    assert f"you aimed for “{OBJECTIVE}”" in history
    assert "outcome: *Advanced*" in history
    assert "they agreed to “Dana books the security review” by <!date^" in history


def test_interactions_stay_in_their_workspace(coach: Coach) -> None:
    plan_interaction(coach, REP_NY)
    opened = len(coach.slack.calls("views.open"))
    body = inbound.slash_command_body(
        command="/postcall", text="", user_id=REP_NY, team_id="T0OTHER"
    )
    response = coach.post_signed(body)
    assert response.status == 200
    assert response.json()["text"] == "This app is not installed in this workspace."
    coach.settle()
    assert len(coach.slack.calls("views.open")) == opened


# ----- follow-ups, the form that follows the outcome chosen, Log outcome from the plan's DM


def test_a_follow_up_opens_with_the_customers_promise_not_a_missing_plan(coach: Coach) -> None:
    interaction_id = plan_interaction(coach)
    form = coach.open_modal("/postcall", "", REP_NY)
    values = outcome_values(form, "advanced", next_step="Gavin books the pilot kickoff")
    coach.submit(form, values, REP_NY)
    coach.settle()
    (_, follow_up) = interactions_of(coach)
    assert follow_up.origin is Origin.FOLLOW_UP and follow_up.id != interaction_id

    shown = choose(coach, coach.open_modal("/postcall", "", REP_NY), str(follow_up.id))
    plan = block(shown, PostcallIds.PLAN_BLOCK)
    text = plan["text"]["text"]
    unix = int(NEXT_TUESDAY_3PM.timestamp())
    assert text.startswith(
        f"*They agreed:* Gavin books the pilot kickoff, by <!date^{unix}^{{date_long_pretty}}|"
    )
    assert "Did they do it?" in text
    assert "No commitment objective was planned" not in str(shown["blocks"])


def choose_result(coach: Coach, view: dict, result: str) -> dict:
    """Choose an outcome in the form: the form Slack shows then."""
    chosen = inbound.block_action(
        PostcallIds.INPUT,
        f"{PostcallIds.RESULT_BLOCK}.{inputs_of(view)}",
        type="radio_buttons",
        selected_option={"text": {"type": "plain_text", "text": result}, "value": result},
    )
    updates = len(coach.slack.calls("views.update"))
    assert coach.act_in_view(view, chosen, REP_NY).status == 200
    return coach.slack.wait_for("views.update", count=updates + 1)[-1].response["view"]


def next_step_fields(view: dict) -> dict[str, bool]:
    """The next step's inputs the form shows, each with whether Slack requires it."""
    return {
        b["block_id"].split(".")[0]: not b.get("optional", False)
        for b in view["blocks"]
        if b["block_id"].startswith((PostcallIds.NEXT_STEP_BLOCK, PostcallIds.NEXT_STEP_WHEN_BLOCK))
    }


def test_choosing_an_outcome_shows_the_next_step_as_required_exactly_when_it_is(
    coach: Coach,
) -> None:
    plan_interaction(coach)
    form = coach.open_modal("/postcall", "", REP_NY)
    result = block(form, f"{PostcallIds.RESULT_BLOCK}.{inputs_of(form)}")
    assert result["dispatch_action"] is True
    both = {PostcallIds.NEXT_STEP_BLOCK, PostcallIds.NEXT_STEP_WHEN_BLOCK}
    assert next_step_fields(form) == dict.fromkeys(both, False)  # nothing chosen yet
    for chosen, expected in (
        ("advanced", dict.fromkeys(both, True)),
        ("minimum", dict.fromkeys(both, True)),
        ("won", dict.fromkeys(both, False)),
        ("continuation", {}),
        ("lost", {}),
    ):
        form = choose_result(coach, form, chosen)
        assert next_step_fields(form) == expected, chosen
    form = choose_result(coach, form, "advanced")
    hint = block(form, f"{PostcallIds.NEXT_STEP_BLOCK}.{inputs_of(form)}")["hint"]["text"]
    assert "becomes your follow-up" in hint and "(optional)" not in hint


def test_the_date_read_back_keeps_the_outcome_chosen(coach: Coach) -> None:
    plan_interaction(coach)
    form = choose_result(coach, coach.open_modal("/postcall", "", REP_NY), "minimum")
    key = inputs_of(form)
    typed = outcome_values(form, "minimum")
    coach.slack.set_view_state(form["id"], typed)
    action = inbound.block_action(
        PostcallIds.READ_NEXT_STEP_WHEN,
        f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}",
        type="plain_text_input",
        value="next Tuesday 3pm",
    )
    payload = inbound.block_actions_payload(
        user_id=REP_NY, team_id=coach.team_id, actions=[action], view=form, values=typed
    )
    updates = len(coach.slack.calls("views.update"))
    coach.post_signed(inbound.interaction_body(payload))
    redrawn = coach.slack.wait_for("views.update", count=updates + 1)[-1].response["view"]
    assert next_step_fields(redrawn)[PostcallIds.NEXT_STEP_BLOCK] is True
    assert "→ Tue 1 Dec" in str(redrawn["blocks"])


def test_log_outcome_on_the_plans_dm_opens_that_interaction_as_it_is_now(coach: Coach) -> None:
    interaction_id = plan_interaction(coach)
    plan_dm = confirmation(coach, "Plan saved")
    form = view_after_press(coach, plan_dm, InteractionIds.LOG_OUTCOME)
    assert selected_key(form) == str(interaction_id)
    coach.submit(form, outcome_values(form, "continuation", next_step=None, when=None), REP_NY)
    coach.settle()
    # The same button later: the form says it is logged, and saving updates it.
    again = view_after_press(coach, plan_dm, InteractionIds.LOG_OUTCOME)
    assert "Already logged as *Continuation*" in str(again["blocks"])


def test_log_outcome_on_someone_elses_plan_answers_politely_and_opens_no_form(
    coach: Coach,
) -> None:
    plan_interaction(coach)
    plan_dm = confirmation(coach, "Plan saved")
    updates = len(coach.slack.calls("views.update"))
    notice = view_after_press(
        coach, plan_dm, InteractionIds.LOG_OUTCOME, REP_TOKYO, method="views.open"
    )
    assert "not one of yours" in str(notice["blocks"])
    assert len(coach.slack.calls("views.update")) == updates  # no form was filled in
    assert outcomes_of(coach) == []


def test_a_lost_deal_keeps_the_reason_the_rep_gave(coach: Coach) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    reasons = block(view, f"{PostcallIds.LOST_REASON_BLOCK}.{inputs_of(view)}")
    assert reasons["optional"] is True
    assert [o["value"] for o in reasons["element"]["options"]] == [r.value for r in LostReason]
    values = outcome_values(view, "lost", None, None, lost_reason="competitor")
    assert coach.submit(view, values, REP_NY).body == ""
    (outcome,) = outcomes_of(coach)
    assert outcome.lost_reason is LostReason.COMPETITOR


@pytest.mark.parametrize("answer", list(FollowThrough))
def test_logging_a_follow_up_asks_whether_the_customer_did_it(coach: Coach, answer) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    # An interaction that follows nothing is not asked.
    assert not any(
        b.get("block_id", "").startswith(PostcallIds.FOLLOW_THROUGH_BLOCK) for b in view["blocks"]
    )
    assert coach.submit(view, outcome_values(view, "advanced"), REP_NY).body == ""
    follow_up = interactions_of(coach)[-1]
    coach.set_now(NEXT_TUESDAY_3PM.replace(hour=21))
    view = coach.open_modal("/postcall", "", REP_NY)
    view = choose(coach, view, str(follow_up.id))
    question = block(view, f"{PostcallIds.FOLLOW_THROUGH_BLOCK}.{inputs_of(view)}")
    assert question["label"]["text"] == "Did they do what they agreed?"
    values = outcome_values(view, "won", None, None, follow_through=answer.value)
    assert coach.submit(view, values, REP_NY).body == ""
    with coach.services.sessions() as session:
        logged = session.scalar(select(Outcome).where(Outcome.interaction_id == follow_up.id))
        assert logged.follow_through is answer
