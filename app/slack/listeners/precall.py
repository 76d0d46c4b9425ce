"""/precall: open the planning modal, check the plan, save it and confirm it by DM."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.domain import coaching, outcomes, plans
from app.domain.checks import FieldErrors
from app.domain.workspace import Workspace
from app.models import DeliveryKind
from app.slack import delivery, directory
from app.slack.errors import FieldError, handled
from app.slack.forms import plan
from app.slack.forms.metadata import StaleForm
from app.slack.forms.plan import PrecallIds, PrecallMetadata, precall_modal
from app.slack.forms.review import ReviewIds, ReviewMetadata, review_modal
from app.slack.nudge_status import show_status_if_item_handled
from app.slack.ownership import own_message_ref
from app.slack.services import Requester, Services
from app.slack.views.formatting import zone_label
from app.slack.views.history import history_line
from app.slack.views.notices import failure_modal, stale_form_modal
from app.slack.views.nudge import NudgeItemRef, planned_status
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
    opened = open_planning_form(
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


def open_planning_form(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    trigger_id: str,
    prefill: plans.PlanPrefill,
    metadata: PrecallMetadata,
) -> bool:
    """Open the form before any slow work (the trigger id lasts ~3 s), then complete it.

    False when Slack would not open it (an expired trigger id).
    """
    try:
        opened = client.views_open(trigger_id=trigger_id, view=precall_modal(prefill, metadata))
    except SlackApiError as error:
        logger.warning("views.open failed for the planning form: %s", error.response.get("error"))
        return False
    refresh_modal(client, services, workspace, user_id, opened["view"], prefill, metadata)
    return True


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
    refresh_modal(
        client,
        *requester,
        body["view"],
        # Slack keeps what was typed in every input, so only new facts need to be passed.
        plans.PlanPrefill(account=account),
        metadata,
    )


def refresh_modal(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    view: dict,
    prefill: plans.PlanPrefill,
    metadata: PrecallMetadata,
) -> None:
    """Show the rep's time zone and, for a known account, the last outcome with it."""
    try:
        zone = metadata.zone or directory.zone_for(client, services, workspace, user_id)
        history = None
        if prefill.account:
            with services.session() as session:
                last = outcomes.last_logged_interaction(
                    session, workspace, user_id, prefill.account, services.now()
                )
                history = history_line(last, zone) if last else None
    except (directory.ProfileUnavailable, SQLAlchemyError) as error:
        # The form stays usable; the submission looks the zone up again.
        logger.warning("could not complete the /precall modal for %s: %s", user_id, error)
        return
    try:
        client.views_update(
            view_id=view["id"],
            hash=view["hash"],
            view=precall_modal(
                prefill,
                metadata.model_copy(update={"zone": zone}),
                zone_label(zone, services.now()),
                history,
            ),
        )
    except SlackApiError as error:  # hash_conflict: the rep changed the view meanwhile
        logger.info("precall modal not refreshed: %s", error.response.get("error"))


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
    saved = save_plan(requester, draft)
    if saved is None:
        raise FieldError(PrecallIds.ACCOUNT_BLOCK, SAVE_FAILED)
    ack()
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
    saved = save_plan(requester, draft)
    if saved is None:
        ack(response_action="update", view=failure_modal(SAVE_FAILED))
        return
    ack(response_action="clear")
    confirm_plan(client, requester, saved, metadata.zone, metadata.nudge)


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
    nudge = own_message_ref(requester, nudge)
    if nudge is not None:
        show_status_if_item_handled(
            client, services, workspace, user_id, nudge, planned_status(saved.interaction, zone)
        )
