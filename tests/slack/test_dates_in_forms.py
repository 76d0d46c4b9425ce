"""Dates in the forms as the rep writes them: the order of a numeric date from the Slack locale,
cached with the zone, and the month named in words in what is read back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.models import Interaction, Rep
from app.sandbox import inbound
from app.slack.forms.plan import PrecallIds
from tests.support.coach import Coach
from tests.support.forms import block, open_precall, plan_values
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
