"""The rules of an outcome and how its follow-up tracks the next step's date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.domain import accounts, outcomes, plans
from app.domain.checks import FieldErrors
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
        (outcome_form(result="lost", when=""), {outcomes.OutcomeField.NEXT_STEP}),
        (outcome_form(result="lost", next_step=""), {outcomes.OutcomeField.NEXT_STEP_WHEN}),
        (
            outcome_form(result="lost"),
            {outcomes.OutcomeField.NEXT_STEP, outcomes.OutcomeField.NEXT_STEP_WHEN},
        ),
        (outcome_form(result="won", next_step="Kickoff", when=""), set()),
        (outcome_form(result="won", next_step="Kickoff"), set()),
    ],
)
def test_outcome_rules(form, fields) -> None:
    checked = outcomes.check_outcome(form, ZONE, NOW)
    assert (set(checked) if isinstance(checked, FieldErrors) else set()) == fields


def test_continuation_keeps_no_next_step_even_if_one_was_typed() -> None:
    draft = outcomes.check_outcome(outcome_form(result="continuation"), ZONE, NOW)
    assert isinstance(draft, outcomes.OutcomeDraft)
    assert (draft.next_step, draft.next_step_at) == (None, None)


def test_a_won_deal_keeps_its_dated_next_step_without_a_follow_up(session) -> None:
    saved = save(session, planned_interaction(session).id, result="won", next_step="Kickoff")
    assert saved.outcome.next_step == "Kickoff" and saved.outcome.next_step_at is not None
    assert saved.follow_up is None and follow_ups(session) == []


def test_an_outcome_logged_before_its_time_moves_the_interaction_to_when_it_was_logged(
    session,
) -> None:
    tomorrow = planned_interaction(session, when="tomorrow 10am")
    kept = planned_interaction(session, account="Globex", when="today 9am")
    save(session, tomorrow.id)
    save(session, kept.id)
    assert tomorrow.scheduled_at == NOW  # it happened already
    assert kept.scheduled_at == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 9:00 in New York


def planned_interaction(session, account="Acme", when="today 9am") -> Interaction:
    form = plans.PlanForm(account, "call", when, "demo", "Dana agrees to X on Tuesday")
    # Planned as the rep's day began: a plan is made before its time (one gone by is refused).
    planned = NOW.astimezone(ZoneInfo(ZONE)).replace(hour=0, minute=1)
    draft = plans.check_plan(form, ZONE, planned)
    assert isinstance(draft, plans.PlanDraft)
    return plans.save_plan(session, WORKSPACE, REP, draft, planned).interaction


def save(session, interaction_id: int, **form_values) -> outcomes.SavedOutcome:
    form = outcome_form(**form_values)
    draft = outcomes.check_outcome(form, ZONE, NOW)
    assert isinstance(draft, outcomes.OutcomeDraft)
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
    draft = outcomes.check_outcome(outcome_form(), ZONE, NOW)
    assert isinstance(draft, outcomes.OutcomeDraft)
    draft = outcomes.OutcomeDraft(**(draft.__dict__ | {"interaction_id": interaction.id}))
    with pytest.raises(outcomes.NotYourInteraction):
        outcomes.save_outcome(session, WORKSPACE, "U2", draft, NOW)
    with pytest.raises(outcomes.NotYourInteraction):
        outcomes.save_outcome(session, Workspace("T0002"), REP, draft, NOW)
    assert save(session, interaction.id).outcome.result is Result.ADVANCED


def test_a_named_accounts_open_interactions_are_offered_up_to_a_week_ahead(session) -> None:
    today = planned_interaction(session, "Globex")
    tomorrow = planned_interaction(session, "Initech", "tomorrow 10am")
    labs = planned_interaction(session, "Initech Labs", "tomorrow 11am")
    in_six_days = planned_interaction(session, "Initech", "in 6 days 10am")
    planned_interaction(session, "Initech", "in 8 days 10am")  # beyond the week
    logged = planned_interaction(session, "Initech", "in 2 days 10am")
    save(session, logged.id, result="lost", next_step="", when="")  # so it happened now
    planned_interaction(session, "Hooli", "tomorrow 10am")  # not named

    def offered(named_account: str | None) -> list[int]:
        choices = outcomes.recent_interactions(
            session, WORKSPACE, REP, NOW, named_account=named_account
        )
        return [choice.id for choice in choices]

    assert offered(None) == [today.id, logged.id]
    assert offered("initech.") == [in_six_days.id, labs.id, tomorrow.id, today.id, logged.id]
    assert offered("Initech_") == offered(None)  # LIKE wildcards in a name match themselves


def interaction_at(account: str, hours_from_now: float, logged: bool = False):
    return SimpleNamespace(
        account=SimpleNamespace(name_key=accounts.account_key(account)),
        scheduled_at=NOW + timedelta(hours=hours_from_now),
        outcome=object() if logged else None,
    )


@pytest.mark.parametrize(
    ("choices", "named_account", "expected"),
    [
        # None has happened yet: the soonest ahead, not "not planned".
        ([("Hooli", 6), ("Acme", 2), ("Globex", 4)], None, 1),
        # One that happened (the latest of them) comes before those ahead, however near.
        ([("Acme", 0.25), ("Globex", -1), ("Hooli", -26)], None, 1),
        # Logged ones are not preselected, unless a named account has nothing open.
        ([("Acme", -1, True)], None, None),
        ([("Acme", -1, True), ("Acme", -30, True)], "acme", 0),
        ([("Acme", -1, True), ("Acme", 20)], "acme", 1),
        # A named account: its own interactions only.
        ([("Globex", -1), ("Acme Corp", 14), ("Acme Corp", 40)], "acme", 1),
        ([("Globex", -1)], "acme", None),
    ],
)
def test_the_interaction_most_likely_meant_is_preselected(choices, named_account, expected):
    interactions = [interaction_at(*choice) for choice in choices]
    chosen = outcomes.likely_interaction(interactions, NOW, named_account)
    assert chosen is (None if expected is None else interactions[expected])
