"""The rules of an outcome and how its follow-up tracks the next step's date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.domain import outcomes, plans
from app.domain.workspace import Workspace
from app.models import Interaction, Origin, Result

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
ZONE = "America/New_York"
WORKSPACE = Workspace("T0001")
REP = "U1"


def outcome_form(result="advanced", next_step="Dana books the review", when="next Tuesday 3pm"):
    return outcomes.OutcomeForm(
        interaction_id=1, result=result, next_step=next_step, next_step_when=when
    )


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        (outcome_form(next_step=""), {outcomes.OutcomeField.NEXT_STEP}),
        (outcome_form(when=""), {outcomes.OutcomeField.NEXT_STEP_WHEN}),
        (outcome_form(result="minimum", when="yesterday"), {outcomes.OutcomeField.NEXT_STEP_WHEN}),
        (outcome_form(result=None), {outcomes.OutcomeField.RESULT}),
        (
            outcome_form(result="won", next_step="", when="purple"),
            {outcomes.OutcomeField.NEXT_STEP_WHEN},
        ),
        (outcome_form(result="continuation", next_step="", when=""), set()),
        (outcome_form(result="lost", next_step="", when=""), set()),
        (outcome_form(result="won", next_step="Kickoff", when=""), set()),
    ],
)
def test_outcome_rules(form, fields) -> None:
    assert set(outcomes.check_outcome(form, ZONE, NOW).errors) == fields


def test_continuation_keeps_no_next_step_even_if_one_was_typed() -> None:
    draft = outcomes.check_outcome(outcome_form(result="continuation"), ZONE, NOW).draft
    assert (draft.next_step, draft.next_step_at) == (None, None)


def planned_interaction(session) -> Interaction:
    form = plans.PlanForm("Acme", "call", "today 9am", "demo", "Dana agrees to X on Tuesday")
    draft = plans.check_plan(form, ZONE, NOW).draft
    return plans.save_plan(session, WORKSPACE, REP, draft, NOW).interaction


def save(session, interaction_id: int, **form_values) -> outcomes.SavedOutcome:
    form = outcome_form(**form_values)
    draft = outcomes.check_outcome(form, ZONE, NOW).draft
    draft = outcomes.OutcomeDraft(**(draft.__dict__ | {"interaction_id": interaction_id}))
    return outcomes.save_outcome(session, WORKSPACE, REP, draft, NOW)


def follow_ups(session) -> list[Interaction]:
    return list(session.scalars(select(Interaction).where(Interaction.origin == Origin.FOLLOW_UP)))


def test_a_follow_up_is_dropped_when_the_outcome_no_longer_promises_a_step(session) -> None:
    interaction = planned_interaction(session)
    assert save(session, interaction.id).follow_up is not None
    saved = save(session, interaction.id, result="continuation")
    assert saved.follow_up is None and saved.outcome.follow_up_id is None
    assert follow_ups(session) == []


def test_a_planned_follow_up_is_kept_when_the_date_moves(session) -> None:
    interaction = planned_interaction(session)
    follow_up = save(session, interaction.id).follow_up
    follow_up.objective = "Dana signs by Friday"  # the rep already planned it with /precall
    moved = save(session, interaction.id, when="next Wednesday 3pm").follow_up
    assert moved.id != follow_up.id
    assert {f.id for f in follow_ups(session)} == {follow_up.id, moved.id}


def test_another_reps_interaction_is_refused(session) -> None:
    interaction = planned_interaction(session)
    draft = outcomes.check_outcome(outcome_form(), ZONE, NOW).draft
    draft = outcomes.OutcomeDraft(**(draft.__dict__ | {"interaction_id": interaction.id}))
    with pytest.raises(outcomes.NotYourInteraction):
        outcomes.save_outcome(session, WORKSPACE, "U2", draft, NOW)
    with pytest.raises(outcomes.NotYourInteraction):
        outcomes.save_outcome(session, Workspace("T0002"), REP, draft, NOW)
    assert save(session, interaction.id).outcome.result is Result.ADVANCED
