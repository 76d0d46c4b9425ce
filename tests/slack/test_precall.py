"""/precall end to end: signed requests in, Slack double and database checked."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.models import Delivery, Interaction, Stage
from app.slack.forms.plan import PrecallIds
from tests.support.coach import Coach
from tests.support.forms import block, open_precall, plan_values
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
    assert (
        f"<!date^{unix}^{{date_short_pretty}} at {{time}}|Fri 27 Nov 2026, 2:00 PM EST>" in rendered
    )
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
    # Within a day in the past is accepted: a plan written just after a call that came early.
    ok = coach.submit(view, plan_values(when="today 8am"), REP_NY)
    assert ok.status == 200 and ok.body == ""


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
    new_objective = "Dana (CFO) signs the order form by Friday"
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
