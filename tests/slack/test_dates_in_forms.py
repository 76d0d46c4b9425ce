"""Dates in the forms as the rep writes them: the order of a numeric date from the Slack locale,
cached with the zone; the month named in words in what is read back, in /precall as in /postcall;
and a read-back that never hides the errors of a Save pressed meanwhile."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.models import Interaction, Rep
from app.sandbox import inbound
from app.slack.flows import outcomes as flows_outcomes
from app.slack.forms.outcome import PostcallIds
from app.slack.forms.plan import PrecallIds
from tests.support.coach import Coach
from tests.support.forms import (
    block,
    inputs_of,
    open_precall,
    outcome_values,
    plan_interaction,
    plan_values,
)
from tests.support.workspace import REP_NY

REP_LONDON = "U0REPLDN"


def test_a_rep_in_london_plans_05_01_as_5_january(coach: Coach) -> None:
    coach.slack.add_user(REP_LONDON, name="lee", tz="Europe/London", locale="en-GB")
    view = open_precall(coach, REP_LONDON)
    response = coach.submit(view, plan_values(when="05/01 2pm"), REP_LONDON)
    assert response.body == "", response.body
    coach.settle()

    with coach.services.sessions() as session:
        planned = session.scalars(select(Interaction)).one()
        rep = session.scalars(select(Rep).where(Rep.user_id == REP_LONDON)).one()
    assert planned.scheduled_at == datetime(2027, 1, 5, 14, 0, tzinfo=UTC)
    assert (rep.tz, rep.locale) == ("Europe/London", "en-GB")  # cached with the zone
    asked = [c for c in coach.slack.calls("users.info") if c.args.get("user") == REP_LONDON]
    assert asked and all(str(c.args.get("include_locale")).lower() in ("1", "true") for c in asked)
    dm = coach.slack.calls("chat.postMessage")[-1].args
    assert "Tue 5 Jan 2027, 2:00 PM GMT" in dm["text"] + str(dm["blocks"])  # the month in words


def test_a_rep_in_new_york_plans_05_01_as_may_1st(coach: Coach) -> None:
    coach.slack.add_user("U0REPNY2", name="nia", tz="America/New_York", locale="en-US")
    view = open_precall(coach, "U0REPNY2")
    assert coach.submit(view, plan_values(when="05/01 2pm"), "U0REPNY2").body == ""
    coach.settle()

    with coach.services.sessions() as session:
        planned = session.scalars(select(Interaction)).one()
    assert planned.scheduled_at == datetime(2027, 5, 1, 18, 0, tzinfo=UTC)


def test_precall_reads_the_date_back_while_the_rep_types(coach: Coach) -> None:
    view = open_precall(coach, REP_NY, "Acme Corp")
    when = block(view, PrecallIds.WHEN_BLOCK)
    assert when["dispatch_action"] is True  # without it, Slack never sends what is typed
    updates = len(coach.slack.calls("views.update"))
    typed = inbound.block_action(
        PrecallIds.INPUT, PrecallIds.WHEN_BLOCK, value="05/01 2pm", type="plain_text_input"
    )
    assert coach.act_in_view(view, typed, REP_NY).status == 200
    refreshed = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    assert (
        block(refreshed, PrecallIds.WHEN_BLOCK)["hint"]["text"] == "→ Sat 1 May 2027, 2:00 PM EDT"
    )

    typed["value"] = "Tuesday 9:75"
    coach.act_in_view(view, typed, REP_NY)
    refreshed = coach.slack.wait_for("views.update", count=updates + 2)[-1].args["view"]
    hint = block(refreshed, PrecallIds.WHEN_BLOCK)["hint"]["text"]
    assert hint == "⚠ 9:75 is not a time of day: try '3pm' or '15:30'"


def test_a_save_refused_while_the_date_is_read_back_keeps_its_errors(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    key = inputs_of(view)
    # The read-back is held while the rep presses Save, as a slow one would be.
    submitted = threading.Event()
    hint_of = flows_outcomes.reading_hint

    def slow_hint(reading):
        assert submitted.wait(timeout=10)
        return hint_of(reading)

    monkeypatch.setattr(flows_outcomes, "reading_hint", slow_hint)
    typed = inbound.block_action(
        PostcallIds.READ_NEXT_STEP_WHEN,
        f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}",
        value="next Tuesday 3pm",
        type="plain_text_input",
    )
    updates = len(coach.slack.calls("views.update"))
    assert coach.act_in_view(view, typed, REP_NY).status == 200
    refused = coach.submit(
        view, outcome_values(view, "advanced", next_step=None), REP_NY, settle=False
    )
    submitted.set()
    coach.settle()

    assert refused.json()["response_action"] == "errors"
    assert len(coach.slack.calls("views.update")) == updates  # the late read-back was dropped

    # Typing again after the refusal is read back as before.
    typed["value"] = "Wed 10am"
    coach.act_in_view(view, typed, REP_NY)
    refreshed = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    hint = block(refreshed, f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}")["hint"]["text"]
    assert hint == "→ Wed 2 Dec 2026, 10:00 AM EST"


def test_precall_says_a_past_time_is_past_and_points_to_postcall(coach: Coach) -> None:
    view = open_precall(coach, REP_NY)
    updates = len(coach.slack.calls("views.update"))
    typed = inbound.block_action(
        PrecallIds.INPUT, PrecallIds.WHEN_BLOCK, value="yesterday 3pm", type="plain_text_input"
    )
    coach.act_in_view(view, typed, REP_NY)
    refreshed = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    hint = block(refreshed, PrecallIds.WHEN_BLOCK)["hint"]["text"]
    assert hint == "⚠ That is Wed 25 Nov, 3:00 PM, in the past"
    offer = block(refreshed, PrecallIds.PAST_BLOCK)["elements"][0]
    assert offer["action_id"] == PrecallIds.LOG_OUTCOME_INSTEAD

    # Within the grace the time reads, is called past, and is no reason to log an outcome.
    typed["value"] = "9:50am"
    coach.act_in_view(view, typed, REP_NY)
    refreshed = coach.slack.wait_for("views.update", count=updates + 2)[-1].args["view"]
    assert block(refreshed, PrecallIds.WHEN_BLOCK)["hint"]["text"] == (
        "→ Thu 26 Nov 2026, 9:50 AM EST is already past: to record how it went,"
        " use /postcall instead."
    )
    assert PrecallIds.PAST_BLOCK not in [b.get("block_id") for b in refreshed["blocks"]]
