"""/precall: open the planning modal, check the plan, save it and confirm it by DM; the plan
DM's Edit plan and the outcome DM's Plan the next step open the same modal."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import coaching, outcomes, plans
from app.domain.checks import FieldErrors
from app.models import DeliveryKind, Interaction
from app.slack import delivery, directory
from app.slack.client import update_modal
from app.slack.errors import DatabaseUnavailable, FieldError, NotAllowed, handled, not_saved
from app.slack.flows import outcomes as flows_outcomes
from app.slack.flows import planning, read_back
from app.slack.forms import plan
from app.slack.forms.metadata import StaleForm
from app.slack.forms.plan import NEW_PLAN, PrecallIds, PrecallMetadata, keyed
from app.slack.forms.review import ReviewIds, ReviewMetadata, review_modal, saved_anyway_modal
from app.slack.forms.state import state_values, submitted_value
from app.slack.home import refresh_home
from app.slack.nudge_status import show_status_if_item_handled
from app.slack.ownership import own_message_ref
from app.slack.passes.confirmations import confirmation_metadata
from app.slack.services import Requester
from app.slack.views.formatting import escape, short_moment
from app.slack.views.interaction_actions import InteractionIds, interaction_id_of
from app.slack.views.labels import KIND_LABELS, RESULT_LABELS
from app.slack.views.notices import failure_modal, stale_form_modal
from app.slack.views.nudges import NudgeItemRef, planned_status
from app.slack.views.plan_confirmation import plan_confirmation

logger = logging.getLogger(__name__)

COMMAND = "/precall"
SAVE_FAILED = (
    "Your plan could not be saved just now, and nothing was stored. Try again in a minute."
)
NOT_YOUR_PLAN = "This plan is someone else's: only they can change it. Nothing changed."
PLAN_NO_LONGER = (
    "That interaction is no longer in your plans (it changed since this message), so there is "
    "nothing to open. Plan it again with `/precall`."
)
PLAN_GONE = (
    "That interaction is no longer among your plans: nothing was saved. Open /precall again."
)


def register(app: App) -> None:
    app.command(COMMAND)(handled(handle_precall_command))
    app.view_submission(PrecallIds.CALLBACK)(handled(handle_precall_submission))
    app.view_submission(ReviewIds.CALLBACK)(handled(handle_back_to_edit))
    app.block_action({"block_id": ReviewIds.ACTIONS_BLOCK, "action_id": ReviewIds.SAVE_ANYWAY})(
        handled(handle_save_anyway)
    )
    # When is keyed by the interaction the form is about (see forms.plan.keyed).
    when_block = re.compile(rf"^{re.escape(PrecallIds.WHEN_BLOCK)}(\..+)?$")
    app.block_action({"block_id": when_block, "action_id": PrecallIds.INPUT})(
        handled(handle_when_typed)
    )
    app.block_action({"block_id": PrecallIds.ACCOUNT_BLOCK, "action_id": PrecallIds.INPUT})(
        handled(handle_account_entered)
    )
    app.block_action(PrecallIds.CHOOSE_INTERACTION)(handled(handle_interaction_chosen))
    app.block_action(PrecallIds.LOG_OUTCOME_INSTEAD)(handled(handle_log_outcome_instead))
    app.action(InteractionIds.EDIT_PLAN)(handled(handle_edit_plan_action))
    app.action(InteractionIds.PLAN_NEXT_STEP)(handled(handle_plan_next_step_action))


def handle_precall_command(
    ack: Ack, command: dict, client: WebClient, requester: Requester, respond: Respond
) -> None:
    """Open the planning modal at once; then show the rep's time zone in it."""
    ack()
    services, workspace, user_id = requester
    opened = planning.open_planning_form(
        client,
        services,
        workspace,
        user_id,
        command["trigger_id"],
        plans.read_command_text(command.get("text") or "", services.now()),
        PrecallMetadata(channel_id=command.get("channel_id")),
    )
    if not opened:
        respond(text="Slack did not let me open the planning form in time. Try `/precall` again.")


def handle_account_entered(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """The rep pressed enter in the account field: show what they agreed with it last time."""
    ack()
    account = (action.get("value") or "").strip()
    if not account:
        return
    metadata = _open_form_metadata(client, body)
    if metadata is None:
        return
    if metadata.offered:  # the interaction offered was the former account's: offer again
        metadata = metadata.model_copy(update={"interaction_id": None, "offered": False})
    planning.refresh_modal(
        client,
        *requester,
        body["view"],
        # Slack keeps what was typed in every input, so only new facts need to be passed.
        plans.PlanPrefill(account=account),
        metadata,
    )


def handle_when_typed(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Show, under When, the moment read from what the rep is typing."""
    ack()
    metadata = _open_form_metadata(client, body)
    if metadata is None:
        return
    typed = plan.read(state_values(body["view"]), metadata)
    planning.refresh_modal(
        client,
        *requester,
        body["view"],
        plans.PlanPrefill(account=typed.account),
        metadata,
        when_typed=action.get("value"),
        offer_upcoming=False,
    )


def handle_interaction_chosen(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """The rep chose one of the account's upcoming interactions (its plan shows), or a new one."""
    ack()
    metadata = _open_form_metadata(client, body)
    if metadata is None:
        return
    chosen = (action.get("selected_option") or {}).get("value") or NEW_PLAN
    typed = plan.read(state_values(body["view"]), metadata)
    planning.refresh_modal(
        client,
        *requester,
        body["view"],
        plans.PlanPrefill(account=typed.account),
        metadata.model_copy(update={"interaction_id": interaction_id_of(chosen), "offered": False}),
        offer_upcoming=False,
    )


def handle_log_outcome_instead(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Log the outcome instead, offered under a When gone by: the outcome form takes the plan's
    place (nothing of the plan was saved), about the account typed."""
    ack()
    typed = submitted_value(state_values(body["view"]), PrecallIds.ACCOUNT_BLOCK, PrecallIds.INPUT)
    account = (typed or action.get("value") or "").strip()
    flows_outcomes.open_outcome_form(client, *requester, body["view"], account_hint=account)


def _open_form_metadata(client: WebClient, body: dict) -> PrecallMetadata | None:
    """The open form's metadata; None once a stale form has been replaced by a notice."""
    try:
        return PrecallMetadata.from_metadata(body["view"].get("private_metadata"))
    except StaleForm:
        try:
            client.views_update(view_id=body["view"]["id"], view=stale_form_modal())
        except SlackApiError as error:
            logger.info("stale /precall modal not replaced: %s", error.response.get("error"))
        return None


def handle_edit_plan_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Edit plan: the planning form filled with the plan as it is now."""
    ack()
    with requester.session() as session:
        interaction_id = _own_interaction(session, requester, action, "Edit plan").id
    _open_form(client, requester, body, plans.PlanPrefill(), interaction_id)


def handle_plan_next_step_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Plan the next step: the follow-up the outcome created, or a new interaction with the
    account; what the outcome is now decides (it may have changed since the message)."""
    ack()
    with requester.session() as session:
        logged = _own_interaction(session, requester, action, "Plan the next step")
        next_step = outcomes.next_step_to_plan(session, logged)
        if next_step.ended is not None:
            label = RESULT_LABELS[next_step.ended][0]
            raise NotAllowed(
                f"{escape(next_step.logged.account.name)} is now logged as *{label}*: "
                "there is no next step to plan. Plan a new interaction with `/precall`.",
                title="Plan the next step",
            )
        logged = next_step.logged
        prefill = plans.PlanPrefill(
            account=logged.account.name, kind=logged.kind, stage=logged.stage
        )
        follow_up_id = next_step.follow_up.id if next_step.follow_up else None
    _open_form(client, requester, body, prefill, follow_up_id)


def _own_interaction(
    session: Session, requester: Requester, action: dict, title: str
) -> Interaction:
    """The rep's interaction the button names; NotAllowed, saying why, for one that is another
    rep's or gone since (or a value that names none)."""
    _, workspace, user_id = requester
    interaction_id = interaction_id_of(action.get("value"))
    if interaction_id is None:
        raise NotAllowed(NOT_YOUR_PLAN, title=title)
    try:
        return plans.find_own_interaction(session, workspace, user_id, interaction_id)
    except plans.NotYourInteraction as error:
        gone = not plans.is_someone_elses(session, workspace, user_id, interaction_id)
        raise NotAllowed(PLAN_NO_LONGER if gone else NOT_YOUR_PLAN, title=title) from error


def _open_form(
    client: WebClient,
    requester: Requester,
    body: dict,
    prefill: plans.PlanPrefill,
    interaction_id: int | None,
) -> None:
    planning.open_planning_form(
        client,
        *requester,
        body["trigger_id"],
        prefill,
        PrecallMetadata(interaction_id=interaction_id),
    )


def handle_precall_submission(
    ack: Ack, view: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Check the plan: inline errors keep the form open; an objective the review holds (weak, a
    rushed close, no fallback late in the sale) gets the review pushed on top; any other is
    saved and confirmed at once."""
    services, workspace, user_id = requester
    try:
        metadata = PrecallMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    form = plan.read(state_values(view), metadata)
    try:
        if metadata.zone:
            zone, locale = metadata.zone, metadata.locale
        else:
            clock = directory.clock_for(fast_client, services, workspace, user_id)
            zone, locale = clock.zone, clock.locale
    except directory.ProfileUnavailable as error:
        raise FieldError(PrecallIds.ACCOUNT_BLOCK, SAVE_FAILED) from error
    draft = plans.check_plan(form, zone, services.now(), locale=locale)
    if isinstance(draft, FieldErrors):
        read_back.note_refusal(services, workspace, view)
        ack(response_action="errors", errors=plan.errors(draft, metadata))
        return
    if draft.review.held:
        review_metadata = ReviewMetadata.of(zone, form, metadata, locale=locale)
        ack(
            response_action="push",
            view=review_modal(draft.objective, draft.review, review_metadata),
        )
        return
    if metadata.interaction_id is None:
        # A new plan cannot clash (the same account and time again is the same plan), so the
        # form closes at once and saving is the work after the ack; a database that will not
        # take it is told in a notice that gives back what the rep wrote.
        ack()
        saved = save_plan(requester, draft, metadata)
        if saved is None:
            raise plan_not_saved(draft)
    else:
        # A plan for an interaction already there may clash with another or be gone: saved
        # before the form closes, so that the rep can fix it in the form.
        try:
            saved = save_plan(requester, draft, metadata)
        except plans.PlanClash as error:
            raise FieldError(keyed(PrecallIds.WHEN_BLOCK, metadata), clash(error, zone)) from error
        except plans.NotYourInteraction as error:
            raise FieldError(PrecallIds.ACCOUNT_BLOCK, PLAN_GONE) from error
        if saved is None:
            raise FieldError(PrecallIds.ACCOUNT_BLOCK, SAVE_FAILED)
        ack()
    confirm_plan(client, requester, saved, zone, metadata.nudge)


def plan_not_saved(draft: plans.PlanDraft) -> DatabaseUnavailable:
    """The answer to a new plan the database did not take after its form closed."""
    wrote = {
        "Account": draft.account_name,
        "When": draft.when_text,
        "Objective": draft.objective,
        "Minimum acceptable commitment": draft.minimum_commitment,
        "Decision maker": draft.decision_maker,
    }
    return not_saved(SAVE_FAILED, "Plan not saved", wrote)


def handle_back_to_edit(ack: Ack) -> None:
    """ "Back to edit" on the coach's review: closing the review shows the form as typed."""
    ack()


def handle_save_anyway(ack: Ack, body: dict, client: WebClient, requester: Requester) -> None:
    """ "Save anyway" on the coach's review: save the form it carries, then say so in the
    review, whose closing closes the form too."""
    ack()
    view = body["view"]
    try:
        metadata = ReviewMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        update_modal(client, view, stale_form_modal(), "precall review")
        return
    draft = plans.check_plan(
        metadata.form, metadata.zone, requester.services.now(), locale=metadata.locale
    )
    if isinstance(draft, FieldErrors):
        # Time moved on since the form was checked (a plan left open for a day, say).
        problem = next(iter(draft.values()))
        update_modal(
            client, view, failure_modal(f"{problem} Go back to edit the plan."), "precall review"
        )
        return
    try:
        saved = save_plan(requester, draft, metadata)
    except plans.PlanClash as error:
        problem = f"{clash(error, metadata.zone)} Go back to edit the plan."
        update_modal(client, view, failure_modal(problem), "precall review")
        return
    except plans.NotYourInteraction:
        update_modal(client, view, failure_modal(PLAN_GONE), "precall review")
        return
    if saved is None:
        # The form is still open under the review: what the rep typed is not lost.
        update_modal(client, view, failure_modal(SAVE_FAILED), "precall review")
        return
    update_modal(client, view, saved_anyway_modal(), "precall review")
    confirm_plan(client, requester, saved, metadata.zone, metadata.nudge)


def clash(error: plans.PlanClash, zone: str) -> str:
    """Why an edited plan cannot take its new account and time (plain text: a modal shows it)."""
    return (
        f"You already have a {KIND_LABELS[error.kind].lower()} with {error.account_name} at "
        f"{short_moment(error.scheduled_at, zone)}: choose it in Which interaction, "
        "or pick another time."
    )


def save_plan(
    requester: Requester, draft: plans.PlanDraft, form: PrecallMetadata | ReviewMetadata
) -> plans.SavedPlan | None:
    """The saved plan (of the interaction the form is about, if any), or None when the
    database would not take it (nothing is half-written)."""
    _, workspace, user_id = requester
    try:
        with requester.session() as session:
            return plans.save_plan(
                session,
                workspace,
                user_id,
                draft,
                requester.now(),
                interaction_id=form.interaction_id,
                same_account_only=form.offered,
            )
    except SQLAlchemyError as error:
        logger.error("could not save a plan for %s: %s", user_id, error)
        return None


def confirm_plan(
    client: WebClient,
    requester: Requester,
    saved: plans.SavedPlan,
    zone: str,
    nudge: NudgeItemRef | None,
) -> None:
    """DM the plan and the coach's checklist, once per revision of the plan; then say "Planned"
    in the nudge item the form was opened from (`nudge`, if it is the rep's), if resolved."""
    services, workspace, user_id = requester
    if saved.changed:
        interaction = saved.interaction
        review = coaching.review_objective(
            interaction.objective or "",
            interaction.stage,
            interaction.minimum_commitment,
            interaction.account.name,
        )
        text, blocks = plan_confirmation(interaction, review, zone, updated=not saved.created)
        delivery.send_once(
            client,
            services,
            workspace,
            kind=DeliveryKind.PLAN_CONFIRMATION,
            key=(key := f"{interaction.id}:{interaction.revision}"),
            channel=user_id,
            text=text,
            blocks=blocks,
            metadata=confirmation_metadata(DeliveryKind.PLAN_CONFIRMATION, key),
        )
    if saved.changed:
        refresh_home(client, requester)
    nudge = own_message_ref(requester, nudge)
    if nudge is not None:
        show_status_if_item_handled(
            client, services, workspace, user_id, nudge, planned_status(saved.interaction, zone)
        )
