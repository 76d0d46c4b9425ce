"""/precall end to end: signed requests in, Slack double and database checked."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import sessionmaker

from app.models import Delivery, Interaction, InteractionKind, Origin, Outcome, Stage
from app.sandbox import inbound
from app.slack.forms.outcome import PostcallIds
from app.slack.forms.plan import NEW_PLAN, PrecallIds
from app.slack.views.interaction_actions import InteractionIds
from tests.support.coach import Coach
from tests.support.confirmations import button, confirmation, press, view_after_press
from tests.support.factories import add_interaction
from tests.support.forms import (
    block,
    choose,
    initial,
    open_precall,
    outcome_values,
    plan_inputs_of,
    plan_interaction,
    plan_values,
)
from tests.support.workspace import REP_NY, REP_TOKYO


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def dms_to(coach: Coach, user_id: str) -> list:
    return [c for c in coach.slack.calls("chat.postMessage") if c.args["channel"] == user_id]


def test_precall_opens_a_prefilled_modal_then_shows_the_reps_zone(coach: Coach) -> None:
    response = coach.slash("/precall", "Acme Corp demo tomorrow 2pm", REP_NY)
    assert response.status == 200 and response.body == ""
    opened = coach.slack.wait_for("views.open")[0].args["view"]
    assert opened["callback_id"] == PrecallIds.CALLBACK
    account = block(opened, PrecallIds.ACCOUNT_BLOCK)["element"]
    assert account["initial_value"] == "Acme Corp"
    assert block(opened, PrecallIds.WHEN_BLOCK)["element"]["initial_value"] == "tomorrow 2pm"
    stage = block(opened, PrecallIds.STAGE_BLOCK)["element"]["initial_option"]["value"]
    assert stage == Stage.DEMO
    labels = {b["block_id"]: b["label"]["text"] for b in opened["blocks"] if b["type"] == "input"}
    assert labels == {
        PrecallIds.ACCOUNT_BLOCK: "Account or prospect",
        PrecallIds.KIND_BLOCK: "Kind of interaction",
        PrecallIds.WHEN_BLOCK: "When",
        PrecallIds.STAGE_BLOCK: "Stage of the sale",
        PrecallIds.OBJECTIVE_BLOCK: "Commitment objective",
        PrecallIds.MINIMUM_BLOCK: "Minimum acceptable commitment",
        PrecallIds.DECISION_MAKER_BLOCK: "Decision maker",  # typed: no calendar meeting
    }
    objective = block(opened, PrecallIds.OBJECTIVE_BLOCK)
    assert objective["element"]["multiline"] is True
    assert "agree to" in objective["hint"]["text"]
    assert block(opened, PrecallIds.MINIMUM_BLOCK)["optional"] is True

    updated = coach.slack.wait_for("views.update")[0].args
    zone_note = block(updated["view"], PrecallIds.ZONE_BLOCK)["elements"][0]["text"]
    assert "America/New_York (EST)" in zone_note
    assert updated["hash"]  # guards against overwriting a view the rep already changed


@pytest.mark.over_http  # the whole flow, as Slack reaches the app
def test_a_clean_plan_is_saved_in_utc_and_confirmed_by_dm(coach: Coach, sessions) -> None:
    view = open_precall(coach, REP_NY, "Acme Corp demo tomorrow 2pm")
    response = coach.submit(view, plan_values(), REP_NY)
    assert response.status == 200 and response.body == ""  # an empty ack closes the modal

    with sessions() as session:
        plan = session.scalars(select(Interaction)).one()
        assert plan.team_id == coach.team_id
        assert plan.rep_user_id == REP_NY
        assert plan.account.name == "Acme Corp"
        # Friday 27 November, 14:00 in New York (EST, UTC-5).
        assert plan.scheduled_at == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
        assert plan.stage == Stage.DEMO
        assert plan.objective.startswith("Dana (CFO) agrees")
        assert plan.minimum_commitment == "Dana forwards the pricing sheet to procurement"
        assert plan.planned_at is not None

    dm = coach.slack.wait_for("chat.postMessage")[0].args
    assert dm["channel"] == REP_NY
    unix = int(datetime(2026, 11, 27, 19, 0, tzinfo=UTC).timestamp())
    rendered = str(dm["blocks"]) + dm["text"]
    assert f"<!date^{unix}^{{date_long}} at {{time}}|Fri 27 Nov 2026, 2:00 PM EST>" in rendered
    assert "Dana (CFO) agrees to a 30-minute pricing review" in rendered
    assert "Dana forwards the pricing sheet" in rendered


def test_each_invalid_field_gets_an_inline_error_and_nothing_is_saved(
    coach: Coach, sessions
) -> None:
    view = open_precall(coach, REP_NY)
    cases = {
        PrecallIds.OBJECTIVE_BLOCK: (plan_values(objective="   \n "), "commitment objective"),
        PrecallIds.ACCOUNT_BLOCK: (plan_values(account="  "), "account"),
        PrecallIds.WHEN_BLOCK: (plan_values(when="purple"), "I could not read a date in 'purple'"),
    }
    for block_id, (values, message) in cases.items():
        response = coach.submit(view, values, REP_NY)
        assert response.status == 200
        body = response.json()
        assert body["response_action"] == "errors"
        assert message.lower() in body["errors"][block_id].lower(), body
    assert count(sessions, Interaction) == 0
    assert dms_to(coach, REP_NY) == []


def test_when_too_far_ahead_or_in_the_past_says_what_was_understood(coach: Coach) -> None:
    view = open_precall(coach, REP_NY)
    far = coach.submit(view, plan_values(when="Jan 3 2029 10am"), REP_NY).json()
    assert far["errors"][PrecallIds.WHEN_BLOCK].startswith("I read this as")
    assert "too far ahead" in far["errors"][PrecallIds.WHEN_BLOCK]
    past = coach.submit(view, plan_values(when="last Monday"), REP_NY).json()
    assert "in the past" in past["errors"][PrecallIds.WHEN_BLOCK]
    # Two hours ago is an outcome to log, not a plan; ten minutes ago is a meeting starting.
    earlier = coach.submit(view, plan_values(when="today 8am"), REP_NY).json()
    assert "in the past" in earlier["errors"][PrecallIds.WHEN_BLOCK]
    assert "Log the outcome instead" in earlier["errors"][PrecallIds.WHEN_BLOCK]
    ok = coach.submit(view, plan_values(when="9:50am"), REP_NY)
    assert ok.status == 200 and ok.body == ""


def test_a_plan_whose_time_is_past_is_refused_and_the_outcome_form_is_offered_instead(
    coach: Coach, sessions
) -> None:
    view = open_precall(coach, REP_NY, "Acme Corp")
    updates = len(coach.slack.calls("views.update"))
    typed = inbound.block_action(
        PrecallIds.INPUT, PrecallIds.WHEN_BLOCK, value="yesterday 3pm", type="plain_text_input"
    )
    coach.act_in_view(view, typed, REP_NY)
    coach.slack.wait_for("views.update", count=updates + 1)
    form = coach.slack.top_view(REP_NY)
    assert form is not None
    offer = block(form, PrecallIds.PAST_BLOCK)["elements"][0]
    assert offer["text"]["text"] == "Log the outcome instead"

    answer = coach.submit(form, plan_values(when="yesterday 3pm"), REP_NY).json()
    assert answer["response_action"] == "errors"
    error = answer["errors"][PrecallIds.WHEN_BLOCK]
    assert "in the past" in error and "Log the outcome instead" in error
    assert count(sessions, Interaction) == 0
    assert dms_to(coach, REP_NY) == []

    pressed = inbound.block_action(
        PrecallIds.LOG_OUTCOME_INSTEAD, PrecallIds.PAST_BLOCK, value="Acme Corp"
    )
    assert coach.act_in_view(form, pressed, REP_NY).status == 200
    coach.settle()
    shown = coach.slack.top_view(REP_NY)
    assert shown is not None and shown["callback_id"] == PostcallIds.CALLBACK
    assert shown["id"] == form["id"]  # in the plan's place: nothing of the plan remains open
    assert count(sessions, Interaction) == 0


def test_a_past_time_named_in_the_command_is_offered_as_an_outcome_when_the_form_opens(
    coach: Coach,
) -> None:
    updates = len(coach.slack.calls("views.update"))
    coach.slash("/precall", "Acme Corp yesterday 3pm", REP_NY)
    shown = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    assert "in the past" in block(shown, PrecallIds.WHEN_BLOCK)["hint"]["text"]
    offer = block(shown, PrecallIds.PAST_BLOCK)["elements"][0]
    assert offer["action_id"] == PrecallIds.LOG_OUTCOME_INSTEAD
    assert offer["value"] == "Acme Corp"


def test_a_plan_whose_time_is_ahead_is_still_saved(coach: Coach, sessions) -> None:
    view = open_precall(coach, REP_NY, "Acme Corp")
    response = coach.submit(view, plan_values(when="tomorrow 3pm"), REP_NY)
    assert response.status == 200 and response.body == ""
    with sessions() as session:
        plan = session.scalars(select(Interaction)).one()
    # Friday 27 November, 15:00 in New York (EST, UTC-5).
    assert plan.scheduled_at == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def test_fields_beyond_their_limits_are_refused(coach: Coach, sessions) -> None:
    view = open_precall(coach, REP_NY)
    body = coach.submit(
        view, plan_values(account="A" * 151, objective="x" * 501, minimum="y" * 501), REP_NY
    ).json()
    for block_id in (
        PrecallIds.ACCOUNT_BLOCK,
        PrecallIds.OBJECTIVE_BLOCK,
        PrecallIds.MINIMUM_BLOCK,
    ):
        assert "characters" in body["errors"][block_id]
    assert count(sessions, Interaction) == 0


def test_a_double_clicked_submit_stores_one_plan_and_sends_one_dm(coach: Coach, sessions) -> None:
    view = open_precall(coach, REP_NY)
    responses = []
    clicks = [
        threading.Thread(target=lambda: responses.append(coach.submit(view, plan_values(), REP_NY)))
        for _ in range(2)
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    assert [r.status for r in responses] == [200, 200]
    coach.settle()
    assert count(sessions, Interaction) == 1
    assert count(sessions, Delivery) == 1
    assert len(dms_to(coach, REP_NY)) == 1


def test_precall_again_for_the_same_account_and_time_updates_the_plan(
    coach: Coach, sessions
) -> None:
    view = open_precall(coach, REP_NY)
    coach.submit(view, plan_values(), REP_NY)
    coach.slack.wait_for("chat.postMessage")

    second_view = open_precall(coach, REP_NY, "acme corp tomorrow 2pm")
    new_objective = "Dana (CFO) books the pilot kickoff by Friday"
    values = plan_values(second_view, account="ACME Corp", objective=new_objective)
    coach.submit(second_view, values, REP_NY)
    dms = coach.slack.wait_for("chat.postMessage", count=2)

    with sessions() as session:
        plan = session.scalars(select(Interaction)).one()
        assert plan.objective == new_objective
        assert plan.revision == 2
    assert "Plan updated" in dms[1].args["text"]


def test_tomorrow_2pm_is_a_different_instant_in_tokyo_and_new_york(coach: Coach, sessions) -> None:
    for rep in (REP_NY, REP_TOKYO):
        coach.submit(open_precall(coach, rep), plan_values(), rep)
    with sessions() as session:
        rows = session.execute(select(Interaction.rep_user_id, Interaction.scheduled_at))
        times = {rep: at for rep, at in rows}
    # At 15:00 UTC it is already Friday 00:00 in Tokyo, so "tomorrow" is Saturday there.
    assert times[REP_NY] == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert times[REP_TOKYO] == datetime(2026, 11, 28, 5, 0, tzinfo=UTC)


def test_the_zone_is_cached_after_the_first_lookup(coach: Coach) -> None:
    open_precall(coach, REP_NY)
    open_precall(coach, REP_NY)
    assert len(coach.slack.calls("users.info")) == 1


# ----- editing a plan, and the account's upcoming interaction offered first


def plan_form_after(coach: Coach, act) -> dict:
    """The planning form a click opens, once the app has filled it in (views.update)."""
    updates = len(coach.slack.calls("views.update"))
    act()
    return coach.slack.wait_for("views.update", count=updates + 1)[-1].response["view"]


def test_edit_plan_from_the_dm_opens_the_saved_plan_and_saving_updates_it(
    coach: Coach, sessions
) -> None:
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)
    coach.settle()
    with sessions() as session:
        interaction_id = session.scalars(select(Interaction.id)).one()
    dm = confirmation(coach, "Plan saved")
    assert button(dm[1], InteractionIds.EDIT_PLAN)["value"] == str(interaction_id)
    assert button(dm[1], InteractionIds.LOG_OUTCOME)["value"] == str(interaction_id)

    form = plan_form_after(coach, lambda: press(coach, dm, InteractionIds.EDIT_PLAN))
    assert form["title"]["text"] == "Edit the plan"
    assert initial(form, PrecallIds.ACCOUNT_BLOCK) == "Acme Corp"
    assert initial(form, PrecallIds.KIND_BLOCK) == "meeting"
    assert initial(form, PrecallIds.WHEN_BLOCK) == "Fri 27 Nov 2026, 2:00 PM"
    assert initial(form, PrecallIds.STAGE_BLOCK) == Stage.DEMO
    assert initial(form, PrecallIds.OBJECTIVE_BLOCK).startswith("Dana (CFO) agrees")
    assert initial(form, PrecallIds.MINIMUM_BLOCK).startswith("Dana forwards")
    assert initial(form, PrecallIds.INTERACTION_BLOCK) == str(interaction_id)

    edited = plan_values(
        form,
        when="Fri 27 Nov 2026, 4:00 PM",
        objective="Dana (CFO) books the pilot kickoff by Friday",
    )
    assert coach.submit(form, edited, REP_NY).body == ""
    coach.settle()
    with sessions() as session:
        (plan,) = session.scalars(select(Interaction)).all()
        assert plan.id == interaction_id  # the same interaction, no duplicate
        assert plan.scheduled_at == datetime(2026, 11, 27, 21, 0, tzinfo=UTC)
        assert (plan.objective, plan.revision) == (
            "Dana (CFO) books the pilot kickoff by Friday",
            2,
        )
    updated = str(confirmation(coach, "Plan updated")[1]["blocks"])
    assert (
        "Dana (CFO) books the pilot kickoff by Friday" in updated and "Customer action" in updated
    )  # reviewed again


def test_an_edit_the_database_does_not_take_is_told_in_the_form(
    coach: Coach, sessions, tmp_path
) -> None:
    # An edit is saved before its form closes (it may clash with another plan), so a database
    # that is down is told there, and the rep's edit stays in the form.
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)
    coach.settle()
    dm = confirmation(coach, "Plan saved")
    form = plan_form_after(coach, lambda: press(coach, dm, InteractionIds.EDIT_PLAN))
    working = coach.services.sessions
    coach.services.sessions = sessionmaker(
        create_engine(f"sqlite:///{tmp_path}/missing-dir/coach.db")
    )
    response = coach.submit(
        form, plan_values(form, objective="Dana (CFO) books the pilot kickoff by Friday"), REP_NY
    )
    coach.services.sessions = working
    assert "nothing was stored" in next(iter(response.json()["errors"].values()))
    with sessions() as session:
        (plan,) = session.scalars(select(Interaction)).all()
        assert (
            plan.revision == 1 and plan.objective != "Dana (CFO) books the pilot kickoff by Friday"
        )


def test_an_older_edit_plan_button_opens_the_plan_as_it_is_now(coach: Coach) -> None:
    kickoff = "Dana (CFO) books the pilot kickoff on Friday"
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)
    coach.settle()
    first_dm = confirmation(coach, "Plan saved")
    form = plan_form_after(coach, lambda: press(coach, first_dm, InteractionIds.EDIT_PLAN))
    coach.submit(form, plan_values(form, objective=kickoff), REP_NY)
    coach.settle()
    again = plan_form_after(coach, lambda: press(coach, first_dm, InteractionIds.EDIT_PLAN))
    assert initial(again, PrecallIds.OBJECTIVE_BLOCK) == kickoff


def test_edit_plan_pressed_by_another_rep_answers_politely_and_changes_nothing(
    coach: Coach, sessions
) -> None:
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)
    coach.settle()
    dm = confirmation(coach, "Plan saved")
    notice = view_after_press(coach, dm, InteractionIds.EDIT_PLAN, REP_TOKYO, method="views.open")
    assert "someone else's" in str(notice["blocks"])
    assert notice.get("callback_id") != PrecallIds.CALLBACK
    with sessions() as session:
        assert session.scalars(select(Interaction.revision)).all() == [1]


def test_an_edit_onto_another_interactions_time_is_refused_inline(coach: Coach, sessions) -> None:
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)
    coach.settle()
    # "Plan a new one" for the same account, the day after.
    form = open_precall(coach, REP_NY, "Acme Corp")
    chosen = plan_form_after(coach, lambda: choose_interaction(coach, form, NEW_PLAN))
    assert plan_inputs_of(chosen) == ""
    assert (
        coach.submit(chosen, plan_values(chosen, when="Sat 28 Nov 2026, 2:00 PM"), REP_NY).body
        == ""
    )
    coach.settle()
    assert count(sessions, Interaction) == 2
    second = confirmation(coach, "Plan saved")
    form = plan_form_after(coach, lambda: press(coach, second, InteractionIds.EDIT_PLAN))
    clash = coach.submit(form, plan_values(form, when="Fri 27 Nov 2026, 2:00 PM"), REP_NY).json()
    message = clash["errors"][PrecallIds.WHEN_BLOCK + plan_inputs_of(form)]
    assert message.startswith("You already have a meeting with Acme Corp at Fri 27 Nov, 2:00 PM")


def choose_interaction(coach: Coach, view: dict, value: str) -> None:
    chosen = inbound.block_action(
        PrecallIds.CHOOSE_INTERACTION,
        PrecallIds.INTERACTION_BLOCK,
        type="static_select",
        selected_option={"text": {"type": "plain_text", "text": value}, "value": value},
    )
    assert coach.act_in_view(view, chosen, REP_NY).status == 200


def test_precall_for_an_account_with_an_upcoming_interaction_offers_it_first(
    coach: Coach, sessions
) -> None:
    # The follow-up an outcome created: next Tuesday (1 December), 9:00 in New York.
    tuesday = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    with coach.services.sessions.begin() as session:
        follow_up = add_interaction(
            session,
            tuesday,
            user_id=REP_NY,
            account="Acme Corp",
            origin=Origin.FOLLOW_UP,
            planned=False,
            kind=InteractionKind.MEETING,
            stage=Stage.PROPOSAL,
        ).id
    form = open_precall(coach, REP_NY, "acme corp")
    choice = block(form, PrecallIds.INTERACTION_BLOCK)["element"]
    assert choice["initial_option"]["value"] == str(follow_up)
    assert [o["value"] for o in choice["options"]] == [str(follow_up), NEW_PLAN]
    assert choice["options"][0]["text"]["text"] == "Tue 1 Dec, 9:00 AM · meeting · no plan yet"
    assert initial(form, PrecallIds.WHEN_BLOCK) == "Tue 1 Dec 2026, 9:00 AM"
    assert initial(form, PrecallIds.STAGE_BLOCK) == Stage.PROPOSAL

    # Planning it (the meeting is at 3pm after all) updates it: no second interaction.
    values = plan_values(form, when="Tue 1 Dec 2026, 3:00 PM", stage="proposal")
    assert coach.submit(form, values, REP_NY).body == ""
    coach.settle()
    with sessions() as session:
        (plan,) = session.scalars(select(Interaction)).all()
        assert (plan.id, plan.origin) == (follow_up, Origin.FOLLOW_UP)
        assert plan.scheduled_at == datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
        assert plan.objective.startswith("Dana (CFO) agrees")

    # "Plan a new one" stays possible.
    form = open_precall(coach, REP_NY, "Acme Corp")
    new = plan_form_after(coach, lambda: choose_interaction(coach, form, NEW_PLAN))
    assert coach.submit(new, plan_values(new, when="Wed 2 Dec 2026, 10:00 AM"), REP_NY).body == ""
    coach.settle()
    assert count(sessions, Interaction) == 2


def test_a_time_named_in_the_command_that_is_another_one_plans_a_new_interaction(
    coach: Coach, sessions
) -> None:
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)  # Friday 2pm
    coach.settle()
    form = open_precall(coach, REP_NY, "Acme Corp monday 11am")
    assert initial(form, PrecallIds.INTERACTION_BLOCK) == NEW_PLAN
    assert plan_inputs_of(form) == ""
    assert initial(form, PrecallIds.WHEN_BLOCK) == "monday 11am"


def test_plan_the_next_step_opens_precall_on_the_follow_up_and_answers_what_it_is_now(
    coach: Coach, sessions
) -> None:
    interaction_id = plan_interaction(coach)
    postcall = coach.open_modal("/postcall", "", REP_NY)
    coach.submit(postcall, outcome_values(postcall, "advanced"), REP_NY)
    coach.settle()
    with sessions() as session:
        follow_up = session.scalar(select(Outcome.follow_up_id))
    logged = confirmation(coach, "Outcome logged")
    assert button(logged[1], InteractionIds.PLAN_NEXT_STEP)["value"] == str(interaction_id)
    form = plan_form_after(coach, lambda: press(coach, logged, InteractionIds.PLAN_NEXT_STEP))
    assert initial(form, PrecallIds.INTERACTION_BLOCK) == str(follow_up)
    assert initial(form, PrecallIds.ACCOUNT_BLOCK) == "Acme Corp"
    assert initial(form, PrecallIds.WHEN_BLOCK) == "Tue 1 Dec 2026, 3:00 PM"
    history = block(form, PrecallIds.HISTORY_BLOCK)["elements"][0]["text"]
    assert "they agreed to “Dana books the security review”" in history

    # The outcome changed to Lost since: the same button says so, and opens no form.
    postcall = choose(coach, coach.open_modal("/postcall", "", REP_NY), str(interaction_id))
    coach.submit(postcall, outcome_values(postcall, "lost", next_step=None, when=None), REP_NY)
    coach.settle()
    notice = view_after_press(coach, logged, InteractionIds.PLAN_NEXT_STEP, method="views.open")
    assert "now logged as *Lost*" in str(notice["blocks"])
    assert "Plan the next step" not in str(confirmation(coach, "Outcome updated")[1]["blocks"])


def test_edit_plan_of_an_interaction_gone_since_says_so_and_opens_nothing(
    coach: Coach, sessions
) -> None:
    coach.submit(open_precall(coach, REP_NY), plan_values(), REP_NY)
    coach.settle()
    dm = confirmation(coach, "Plan saved")
    with sessions.begin() as session:
        session.execute(delete(Interaction))
    notice = view_after_press(coach, dm, InteractionIds.EDIT_PLAN, method="views.open")
    assert "no longer in your plans" in str(notice["blocks"])
    assert count(sessions, Interaction) == 0
