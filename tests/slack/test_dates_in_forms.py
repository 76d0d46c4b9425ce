"""Dates in the forms as the rep writes them: the order of a numeric date from the Slack locale,
cached with the zone, and the month named in words in what is read back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.models import Interaction, Rep
from tests.support.coach import Coach
from tests.support.forms import open_precall, plan_values

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
