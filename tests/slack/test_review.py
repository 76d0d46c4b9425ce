"""The coach's review of a weak objective: pushed over the form, Save anyway, back to edit."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Interaction, NudgeReason
from app.sandbox.limits import validate_view
from app.slack.forms.plan import PrecallMetadata
from app.slack.forms.review import ReviewIds, ReviewMetadata
from app.slack.views.nudges import NudgeItemRef
from app.slack.views.review import ChecklistIds
from tests.support.coach import Coach
from tests.support.forms import block, open_precall, plan_values
from tests.support.workspace import REP_NY

WEAK = "send them the proposal"


def plans_saved(coach: Coach) -> int:
    with coach.services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Interaction))


def checklist_lines(view_or_message_blocks: list) -> list[str]:
    checklist = block({"blocks": view_or_message_blocks}, ChecklistIds.CHECKLIST_BLOCK)
    return checklist["text"]["text"].split("\n")[1:]


def test_a_weak_objective_gets_the_review_pushed_and_nothing_is_saved(coach: Coach) -> None:
    form = open_precall(coach, REP_NY)
    body = coach.submit(form, plan_values(objective=WEAK, minimum=""), REP_NY).json()
    assert body["response_action"] == "push"
    review = body["view"]
    assert validate_view(review) == []  # as Slack would check a view returned in an ack
    assert review["callback_id"] == ReviewIds.CALLBACK
    assert review["submit"]["text"] == "Save anyway" and review["close"]["text"] == "Back to edit"
    lines = checklist_lines(review["blocks"])
    assert len(lines) == 6 and all(line.startswith(("✅", "⚠️")) for line in lines)
    assert lines[0].startswith("⚠️ *Customer action*: ")
    assert any(line.startswith("⚠️ *Fallback*") for line in lines)
    assert block(review, ChecklistIds.REWRITE_BLOCK)["text"]["text"].startswith("*For example:*")
    assert plans_saved(coach) == 0


def test_save_anyway_saves_the_plan_and_confirms_it_with_the_checklist(
    coach: Coach,
) -> None:
    form = open_precall(coach, REP_NY)
    review = coach.submit(form, plan_values(objective=WEAK), REP_NY).json()["view"]
    response = coach.submit(review, {}, REP_NY)
    assert response.json() == {"response_action": "clear"}
    coach.settle()
    with coach.services.sessions() as session:
        plan = session.scalars(select(Interaction)).one()
        assert plan.objective == WEAK
        assert plan.objective_strong is False and "customer_action" in plan.objective_gaps
    dm = coach.slack.calls("chat.postMessage")[-1].args
    assert any(line.startswith("⚠️ *Customer action*") for line in checklist_lines(dm["blocks"]))


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
