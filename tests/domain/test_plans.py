"""Reading /precall's text, checking a plan, and saving it once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain import accounts, plans
from app.domain.checks import FieldErrors
from app.domain.workspace import Workspace
from app.models import InteractionKind, Stage

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
WORKSPACE = Workspace("T0001", "E0001")


@pytest.mark.parametrize(
    ("text", "account", "when_text", "kind", "stage"),
    [
        ("Acme Corp demo tomorrow 2pm", "Acme Corp", "tomorrow 2pm", None, Stage.DEMO),
        ("Acme Corp", "Acme Corp", None, None, None),
        ("Globex call Tue 10am", "Globex", "Tue 10am", InteractionKind.CALL, None),
        (
            "Initech proposal email next Monday",
            "Initech",
            "next Monday",
            InteractionKind.EMAIL,
            Stage.PROPOSAL,
        ),
        ("Demo Systems Inc", "Demo Systems Inc", None, None, None),
        ("  Umbrella   negotiation  ", "Umbrella", None, None, Stage.NEGOTIATION),
        ("", None, None, None, None),
        ("tomorrow 2pm", None, "tomorrow 2pm", None, None),
    ],
)
def test_command_text_prefills_the_modal(text, account, when_text, kind, stage) -> None:
    assert plans.read_command_text(text, NOW) == plans.PlanPrefill(account, when_text, kind, stage)


def test_a_long_account_name_is_cut_to_the_field_and_keeps_the_when() -> None:
    name = "Very Long Holdings " * 20  # 380 characters
    prefill = plans.read_command_text(f"{name} demo tomorrow 2pm", NOW)
    assert prefill.when_text == "tomorrow 2pm" and prefill.stage is Stage.DEMO
    assert len(prefill.account) <= plans.ACCOUNT_NAME_MAX
    assert name.startswith(prefill.account)


def form(**overrides) -> plans.PlanForm:
    values = {
        "account": "Acme Corp",
        "kind": "meeting",
        "when_text": "tomorrow 2pm",
        "stage": "demo",
        "objective": "Dana agrees to a pricing review on Tuesday",
        "minimum_commitment": "",
    }
    return plans.PlanForm(**(values | overrides))


def test_a_clean_plan_becomes_a_draft_in_utc() -> None:
    draft = plans.check_plan(form(), "Asia/Kolkata", NOW)
    assert isinstance(draft, plans.PlanDraft)
    # Friday 27 November 14:00 in Kolkata (UTC+5:30).
    assert draft.scheduled_at == datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    assert draft.minimum_commitment is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"account": " "}, plans.PlanField.ACCOUNT),
        ({"objective": "\n\t"}, plans.PlanField.OBJECTIVE),
        ({"kind": "carrier pigeon"}, plans.PlanField.KIND),
        ({"stage": None}, plans.PlanField.STAGE),
        ({"when_text": "whenever"}, plans.PlanField.WHEN),
        ({"when_text": "x" * 201}, plans.PlanField.WHEN),
        ({"minimum_commitment": "m" * 501}, plans.PlanField.MINIMUM),
    ],
)
def test_each_problem_is_reported_under_its_field(overrides, field) -> None:
    errors = plans.check_plan(form(**overrides), "America/New_York", NOW)
    assert isinstance(errors, FieldErrors)
    assert set(errors) == {field}


@pytest.mark.parametrize(
    ("when", "past"),
    [
        ("yesterday 3pm", True),
        ("today 8am", True),  # two hours before 10:00 in New York
        ("9:50am", None),  # ten minutes ago: the meeting is starting, and can still be planned
        ("now", None),
        ("today", False),  # no time yet: asked for one, not called past
    ],
)
def test_a_time_gone_by_is_refused_as_past_and_the_outcome_offered_instead(when, past) -> None:
    checked = plans.check_plan(form(when_text=when), "America/New_York", NOW)
    if past is None:
        assert isinstance(checked, plans.PlanDraft)
        return
    assert isinstance(checked, FieldErrors)
    assert (plans.LOG_IT_INSTEAD in checked[plans.PlanField.WHEN]) is past
    assert ("in the past" in checked[plans.PlanField.WHEN]) is past


def test_account_names_differing_in_case_and_spacing_are_one_account(session) -> None:
    first = accounts.find_or_create_account(session, WORKSPACE, "Acme  Corp")
    second = accounts.find_or_create_account(session, WORKSPACE, "acme corp.")
    other_workspace = accounts.find_or_create_account(session, Workspace("T0002"), "Acme Corp")
    assert first.id == second.id != other_workspace.id
    assert first.enterprise_id == "E0001"


def test_saving_the_same_plan_twice_changes_nothing(session) -> None:
    draft = plans.check_plan(form(), "America/New_York", NOW)
    assert isinstance(draft, plans.PlanDraft)
    first = plans.save_plan(session, WORKSPACE, "U1", draft, NOW)
    again = plans.save_plan(session, WORKSPACE, "U1", draft, NOW)
    assert (first.created, first.changed) == (True, True)
    assert (again.created, again.changed) == (False, False)
    assert again.interaction.id == first.interaction.id and again.interaction.revision == 1
