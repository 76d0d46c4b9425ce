"""Whatever a form holds, the app answers without a 500 and writes nothing it refused."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.models import Interaction, Outcome
from tests.support.coach import Coach
from tests.support.forms import open_precall, outcome_values, plan_interaction, plan_values
from tests.support.workspace import REP_NY

field_text = st.one_of(st.none(), st.text(max_size=1200))
choice = st.one_of(
    st.none(), st.sampled_from(["meeting", "call", "demo", "won", "closing"]), st.text(max_size=20)
)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def count(coach: Coach, model) -> int:
    with coach.services.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


@PROPERTY_SETTINGS
@given(
    account=field_text,
    kind=choice,
    when=field_text,
    stage=choice,
    objective=field_text,
    minimum=field_text,
)
def test_any_precall_submission_is_answered_and_refusals_write_nothing(
    coach: Coach, account, kind, when, stage, objective, minimum
) -> None:
    view = open_precall(coach, REP_NY)
    before = count(coach, Interaction)
    values = plan_values(
        account=account, kind=kind, when=when, stage=stage, objective=objective, minimum=minimum
    )
    response = coach.submit(view, values, REP_NY)
    assert response.status == 200
    if response.body:
        assert response.json()["response_action"] == "errors"
        assert count(coach, Interaction) == before
    else:
        assert count(coach, Interaction) <= before + 1


@PROPERTY_SETTINGS
@given(result=choice, next_step=field_text, when=field_text, notes=field_text)
def test_any_postcall_submission_is_answered_and_refusals_write_nothing(
    coach: Coach, result, next_step, when, notes
) -> None:
    if count(coach, Interaction) == 0:
        plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    before = (count(coach, Outcome), count(coach, Interaction))
    response = coach.submit(view, outcome_values(view, result, next_step, when, notes), REP_NY)
    assert response.status == 200
    if response.body:
        assert response.json()["response_action"] == "errors"
        assert (count(coach, Outcome), count(coach, Interaction)) == before
