"""The coach's review over the form: what holds a plan, Back to edit, Save anyway."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from app.models import Interaction, NudgeReason
from app.sandbox.limits import validate_view
from app.slack.forms.plan import PrecallMetadata
from app.slack.forms.review import ReviewIds, ReviewMetadata
from app.slack.views.nudges import NudgeItemRef
from app.slack.views.review import ChecklistIds
from tests.support.coach import Coach
from tests.support.forms import (
    block,
    open_precall,
    plan_values,
    press_save_anyway,
    shown_review,
)
from tests.support.workspace import REP_NY

WEAK = "send them the proposal"


def plans_saved(coach: Coach) -> int:
    with coach.services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Interaction))


def checklist_lines(view_or_message_blocks: list) -> list[str]:
    checklist = block({"blocks": view_or_message_blocks}, ChecklistIds.CHECKLIST_BLOCK)
    return checklist["text"]["text"].split("\n")[1:]


def push_review(coach: Coach, objective: str = WEAK, **values) -> tuple[dict, dict]:
    """Submit /precall and let Slack push the review the app answers with: (form, review)."""
    form = open_precall(coach, REP_NY)
    answer = coach.submit(form, plan_values(objective=objective, **values), REP_NY).json()
    return form, shown_review(coach, form, answer)


def test_a_weak_objective_gets_the_review_pushed_and_nothing_is_saved(coach: Coach) -> None:
    form = open_precall(coach, REP_NY)
    body = coach.submit(form, plan_values(objective=WEAK, minimum=""), REP_NY).json()
    assert body["response_action"] == "push"
    review = body["view"]
    assert validate_view(review) == []  # as Slack would check a view returned in an ack
    assert review["callback_id"] == ReviewIds.CALLBACK
    lines = checklist_lines(review["blocks"])
    assert len(lines) == 6 and all(line.startswith(("✅", "⚠️")) for line in lines)
    assert lines[0].startswith("⚠️ *Customer action*: ")
    assert any(line.startswith("⚠️ *Fallback*") for line in lines)
    assert block(review, ChecklistIds.REWRITE_BLOCK)["text"]["text"].startswith("*For example:*")
    assert plans_saved(coach) == 0


def test_back_to_edit_is_the_primary_button_and_save_anyway_the_secondary_one(
    coach: Coach,
) -> None:
    _, review = push_review(coach)
    # Slack styles a modal's submit button as the primary one, and a button with no style as
    # a secondary one.
    assert review["submit"]["text"] == "Back to edit"
    (button,) = block(review, ReviewIds.ACTIONS_BLOCK)["elements"]
    assert button["text"]["text"] == "Save anyway" and "style" not in button
    assert button["action_id"] == ReviewIds.SAVE_ANYWAY


def test_back_to_edit_closes_the_review_over_the_form_as_typed(coach: Coach) -> None:
    form, review = push_review(coach)
    response = coach.submit(review, {}, REP_NY)
    assert response.status == 200 and response.body == ""  # an empty ack closes the review
    assert coach.slack.apply_submission_response(REP_NY, review["id"], None) is None
    assert coach.slack.top_view(REP_NY)["id"] == form["id"]
    assert plans_saved(coach) == 0


def test_save_anyway_saves_the_plan_and_confirms_it_with_the_checklist(
    coach: Coach,
) -> None:
    form, review = push_review(coach)
    press_save_anyway(coach, review)
    with coach.services.sessions() as session:
        plan = session.scalars(select(Interaction)).one()
        assert plan.objective == WEAK
        assert plan.objective_strong is False and "customer_action" in plan.objective_gaps
    dm = coach.slack.calls("chat.postMessage")[-1].args
    assert any(line.startswith("⚠️ *Customer action*") for line in checklist_lines(dm["blocks"]))
    # The review now says the plan is saved; closing it closes the form under it too.
    saved = coach.slack.top_view(REP_NY)
    assert saved["id"] == review["id"] and saved["title"]["text"] == "Plan saved"
    coach.slack.close_view(REP_NY, saved["id"])
    assert coach.slack.stack_depth(REP_NY) == 0


def test_save_anyway_twice_saves_and_confirms_once(coach: Coach) -> None:
    _, review = push_review(coach)
    press_save_anyway(coach, review)
    press_save_anyway(coach, review)
    assert plans_saved(coach) == 1
    assert len(coach.slack.calls("chat.postMessage")) == 1


def test_back_to_edit_keeps_the_form_and_a_strong_rewrite_saves_directly(
    coach: Coach,
) -> None:
    form = open_precall(coach, REP_NY)
    coach.submit(form, plan_values(objective=WEAK), REP_NY)
    # "Back to edit" is Slack closing the pushed view: the form underneath, with what was
    # typed, is submitted again once the rep has rewritten the objective.
    response = coach.submit(form, plan_values(), REP_NY)
    assert response.status == 200 and response.body == ""
    coach.settle()
    assert plans_saved(coach) == 1
    dm = coach.slack.calls("chat.postMessage")[-1].args
    lines = checklist_lines(dm["blocks"])
    assert lines[:3] == ["✅ *Customer action*", "✅ *Specific*", "✅ *Time-bound*"]


def test_the_largest_plan_still_fits_in_the_reviews_metadata(coach: Coach) -> None:
    form = open_precall(coach, REP_NY)
    # Opened by a nudge's Plan it: the review carries the nudge item's reference too.
    longest_ref = NudgeItemRef(
        "D" + "X" * 12, "1795750482.395322", f"{10**15}:{NudgeReason.UNPLANNED_TODAY}"
    )
    metadata = PrecallMetadata.from_metadata(form["private_metadata"])
    form["private_metadata"] = metadata.model_copy(update={"nudge": longest_ref}).to_metadata()
    worst = plan_values(
        account='"' * 150, when="tomorrow 2pm", objective='\\"' * 250, minimum="a\n" * 250
    )
    body = coach.submit(form, worst, REP_NY).json()
    assert body["response_action"] == "push"
    assert validate_view(body["view"]) == []  # private_metadata within 3,000 characters
    assert ReviewMetadata.from_metadata(body["view"]["private_metadata"]).nudge == longest_ref


RUSHED = "Dana (CFO) signs the order form by Friday"


def test_rushing_the_close_at_discovery_pushes_the_review_over_the_form(coach: Coach) -> None:
    _, review = push_review(coach, RUSHED, stage="discovery")
    lines = checklist_lines(review["blocks"])
    assert lines[:3] == ["✅ *Customer action*", "✅ *Specific*", "✅ *Time-bound*"]
    assert any(line.startswith("⚠️ *Stage fit*: Don't rush the close") for line in lines)
    assert plans_saved(coach) == 0


@pytest.mark.parametrize("stage", ["proposal", "negotiation", "closing"])
def test_no_fallback_from_the_proposal_on_pushes_the_review(coach: Coach, stage: str) -> None:
    _, review = push_review(coach, RUSHED, stage=stage, minimum="")
    assert any(line.startswith("⚠️ *Fallback*") for line in checklist_lines(review["blocks"]))
    assert plans_saved(coach) == 0


@pytest.mark.parametrize(
    ("objective", "stage", "minimum"),
    [
        (RUSHED, "closing", "Dana agrees to a call next week"),  # the close, at the close
        ("Dana (CFO) agrees to a pricing review on Tuesday", "demo", ""),  # no fallback, early
        ("Dana (CFO) agrees to an intro call next week", "closing", "A call"),  # steps back
    ],
)
def test_a_strong_objective_without_a_rushed_close_or_a_late_missing_fallback_saves_at_once(
    coach: Coach, objective: str, stage: str, minimum: str
) -> None:
    form = open_precall(coach, REP_NY)
    response = coach.submit(
        form, plan_values(objective=objective, stage=stage, minimum=minimum), REP_NY
    )
    assert response.status == 200 and response.body == ""
    coach.settle()
    assert plans_saved(coach) == 1


def test_save_anyway_the_database_refuses_says_so_in_the_review_and_keeps_the_form(
    coach: Coach, tmp_path
) -> None:
    form, review = push_review(coach)
    unreachable = create_engine(f"sqlite:///{tmp_path}/missing-dir/coach.db")
    working, coach.services.sessions = coach.services.sessions, sessionmaker(unreachable)
    press_save_anyway(coach, review)
    coach.services.sessions = working
    shown = coach.slack.top_view(REP_NY)
    assert shown["id"] == review["id"] and "nothing was stored" in str(shown["blocks"])
    coach.slack.close_view(REP_NY, shown["id"])  # back to the form, as typed
    assert coach.slack.top_view(REP_NY)["id"] == form["id"]
    assert plans_saved(coach) == 0 and coach.slack.calls("chat.postMessage") == []
