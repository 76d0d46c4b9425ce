"""/precall: open the planning modal, check the plan, save it and confirm it by DM."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.domain import coaching, plans
from app.domain.checks import FieldErrors
from app.models import DeliveryKind
from app.slack import delivery, directory
from app.slack.errors import DatabaseUnavailable, FieldError, handled
from app.slack.flows import planning
from app.slack.forms import plan
from app.slack.forms.metadata import StaleForm
from app.slack.forms.plan import PrecallIds, PrecallMetadata
from app.slack.forms.review import ReviewIds, ReviewMetadata, review_modal
from app.slack.home import refresh_home
from app.slack.nudge_status import show_status_if_item_handled
from app.slack.ownership import own_message_ref
from app.slack.services import Requester
from app.slack.views.formatting import escape
from app.slack.views.notices import failure_modal, stale_form_modal
from app.slack.views.nudges import NudgeItemRef, planned_status
from app.slack.views.plan_confirmation import plan_confirmation

logger = logging.getLogger(__name__)

COMMAND = "/precall"
SAVE_FAILED = (
    "Your plan could not be saved just now, and nothing was stored. Try again in a minute."
)


def register(app: App) -> None:
    app.command(COMMAND)(handled(handle_precall_command))
    app.view_submission(PrecallIds.CALLBACK)(handled(handle_precall_submission))
    app.view_submission(ReviewIds.CALLBACK)(handled(handle_save_anyway))
    app.block_action({"block_id": PrecallIds.ACCOUNT_BLOCK, "action_id": PrecallIds.INPUT})(
        handled(handle_account_entered)
    )


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
    try:
        metadata = PrecallMetadata.from_metadata(body["view"].get("private_metadata"))
    except StaleForm:
        try:
            client.views_update(view_id=body["view"]["id"], view=stale_form_modal())
        except SlackApiError as error:
            logger.info("stale /precall modal not replaced: %s", error.response.get("error"))
        return
    planning.refresh_modal(
        client,
        *requester,
        body["view"],
        # Slack keeps what was typed in every input, so only new facts need to be passed.
        plans.PlanPrefill(account=account),
        metadata,
    )


def handle_precall_submission(
    ack: Ack, view: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Check the plan: inline errors keep the form open; a weak objective gets the coach's
    review pushed on top; a strong one is saved and confirmed at once."""
    services, workspace, user_id = requester
    try:
        metadata = PrecallMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    form = plan.read(view.get("state", {}).get("values", {}))
    try:
        zone = metadata.zone or directory.zone_for(fast_client, services, workspace, user_id)
    except directory.ProfileUnavailable as error:
        raise FieldError(PrecallIds.ACCOUNT_BLOCK, SAVE_FAILED) from error
    draft = plans.check_plan(form, zone, services.now())
    if isinstance(draft, FieldErrors):
        ack(response_action="errors", errors=plan.errors(draft))
        return
    if not draft.review.strong:
        review_metadata = ReviewMetadata.of(zone, metadata.channel_id, form, metadata.nudge)
        ack(
            response_action="push",
            view=review_modal(draft.objective, draft.review, review_metadata),
        )
        return
    # A checked plan closes the form at once; saving is the work after the ack. Should the
    # database refuse it, the rep is told with what they typed (see `not_saved`).
    ack()
    saved = save_plan(requester, draft)
    if saved is None:
        raise not_saved(draft)
    confirm_plan(client, requester, saved, zone, metadata.nudge)


def handle_save_anyway(ack: Ack, view: dict, client: WebClient, requester: Requester) -> None:
    """ "Save anyway" on the coach's review: save the form it carries and close every view."""
    services = requester.services
    try:
        metadata = ReviewMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    draft = plans.check_plan(metadata.form, metadata.zone, services.now())
    if isinstance(draft, FieldErrors):
        # Time moved on since the form was checked (a plan left open for a day, say).
        problem = next(iter(draft.values()))
        ack(response_action="update", view=failure_modal(f"{problem} Go back to edit the plan."))
        return
    ack(response_action="clear")
    saved = save_plan(requester, draft)
    if saved is None:
        raise not_saved(draft)
    confirm_plan(client, requester, saved, metadata.zone, metadata.nudge)


def not_saved(draft: plans.PlanDraft) -> DatabaseUnavailable:
    """The answer to a plan the database did not take after its form closed: what the rep
    typed comes back to them, so nothing they wrote is lost."""
    return DatabaseUnavailable(
        f"{SAVE_FAILED}\nWhat you wrote for {escape(draft.account_name)}: "
        f"{escape(draft.objective)}",
        title="Plan not saved",
    )


def save_plan(requester: Requester, draft: plans.PlanDraft) -> plans.SavedPlan | None:
    """The saved plan, or None when the database would not take it (nothing is half-written)."""
    _, workspace, user_id = requester
    try:
        with requester.session() as session:
            return plans.save_plan(session, workspace, user_id, draft, requester.now())
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
            interaction.objective or "", interaction.stage, interaction.minimum_commitment
        )
        text, blocks = plan_confirmation(interaction, review, zone, updated=not saved.created)
        delivery.send_once(
            client,
            services,
            workspace,
            kind=DeliveryKind.PLAN_CONFIRMATION,
            key=f"{interaction.id}:{interaction.revision}",
            channel=user_id,
            text=text,
            blocks=blocks,
        )
    if saved.changed:
        refresh_home(client, requester)
    nudge = own_message_ref(requester, nudge)
    if nudge is not None:
        show_status_if_item_handled(
            client, services, workspace, user_id, nudge, planned_status(saved.interaction, zone)
        )
