"""/postcall: record the outcome against the plan, with the agreed next step and its date."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from types import EllipsisType

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.domain import outcomes
from app.domain.checks import FieldErrors
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.client import open_modal
from app.slack.errors import DatabaseUnavailable, NotAllowed, handled, not_saved
from app.slack.flows import outcomes as flows_outcomes
from app.slack.flows import read_back
from app.slack.forms import outcome
from app.slack.forms.metadata import StaleForm
from app.slack.forms.outcome import (
    NOT_PLANNED,
    PostcallIds,
    PostcallMetadata,
    interaction_id_of,
    loading_modal,
)
from app.slack.forms.state import state_values
from app.slack.home import refresh_home
from app.slack.nudge_status import show_status_if_item_handled
from app.slack.ownership import own_message_ref
from app.slack.passes.confirmations import confirmation_metadata
from app.slack.services import Requester
from app.slack.views.interaction_actions import InteractionIds
from app.slack.views.interaction_actions import interaction_id_of as button_interaction_id
from app.slack.views.notices import stale_form_modal
from app.slack.views.nudges import outcome_logged_status
from app.slack.views.outcome_confirmation import outcome_confirmation

logger = logging.getLogger(__name__)

COMMAND = "/postcall"
SAVE_FAILED = "Your outcome could not be saved just now, and nothing was stored. Try again soon."
NOT_YOURS = "That interaction is not one of yours, so its outcome cannot be logged here."
# The outcome's radio buttons, whatever interaction's inputs the form shows (see inputs_key).
RESULT_BLOCKS = re.compile(rf"^{re.escape(PostcallIds.RESULT_BLOCK)}\.")


def register(app: App) -> None:
    app.command(COMMAND)(handled(handle_postcall_command))
    app.view_submission(PostcallIds.CALLBACK)(handled(handle_postcall_submission))
    app.block_action(PostcallIds.CHOOSE_INTERACTION)(handled(handle_interaction_chosen))
    app.block_action(PostcallIds.READ_NEXT_STEP_WHEN)(handled(handle_next_step_when_typed))
    app.block_action({"block_id": RESULT_BLOCKS, "action_id": PostcallIds.INPUT})(
        handled(handle_result_chosen)
    )
    app.action(InteractionIds.LOG_OUTCOME)(handled(handle_log_outcome_action))


def handle_postcall_command(
    ack: Ack, command: dict, client: WebClient, requester: Requester, respond: Respond
) -> None:
    """Open a loading modal at once, then fill it with the rep's recent interactions."""
    ack()
    try:
        opened = client.views_open(trigger_id=command["trigger_id"], view=loading_modal())["view"]
    except SlackApiError as error:
        logger.warning("views.open failed for /postcall: %s", error.response.get("error"))
        respond(text="Slack did not let me open the outcome form in time. Try `/postcall` again.")
        return
    flows_outcomes.open_outcome_form(
        client,
        *requester,
        opened,
        account_hint=(command.get("text") or "").strip(),
    )


def handle_interaction_chosen(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Show the chosen interaction's plan (or the fields of an unplanned one)."""
    ack()
    chosen = (action.get("selected_option") or {}).get("value") or NOT_PLANNED
    _redraw(client, requester, body, chosen=interaction_id_of(chosen))


def handle_result_chosen(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Show what the chosen outcome needs: its next step and date required, or not asked."""
    ack()
    _redraw(client, requester, body, result=(action.get("selected_option") or {}).get("value"))


def _redraw(
    client: WebClient,
    requester: Requester,
    body: dict,
    *,
    chosen: int | None | EllipsisType = ...,
    result: str | None = None,
    next_step_when: str | None = None,
) -> None:
    """The open form again, about `chosen` (default: the interaction it is about), with what
    the action just changed (the outcome chosen, the date typed) over the view's state."""
    try:
        metadata = PostcallMetadata.from_metadata(body["view"].get("private_metadata"))
    except StaleForm:
        flows_outcomes.update_modal(client, body["view"], stale_form_modal())
        return
    typed = outcome.read(state_values(body["view"]), metadata)
    typed = replace(
        typed,
        result=result or typed.result,
        next_step_when=next_step_when if next_step_when is not None else typed.next_step_when,
    )
    about = metadata.interaction_id if isinstance(chosen, EllipsisType) else chosen
    flows_outcomes.redraw(client, requester, body, metadata, about, typed)


def handle_log_outcome_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Log outcome on a plan's DM: the outcome form on that interaction, as it is now (already
    logged, it shows the outcome to update)."""
    ack()
    _, workspace, user_id = requester
    interaction_id = button_interaction_id(action.get("value"))
    with requester.session() as session:
        try:
            if interaction_id is None:
                raise outcomes.NotYourInteraction(action.get("value"))
            outcomes.find_own_interaction(session, workspace, user_id, interaction_id)
        except outcomes.NotYourInteraction as error:
            raise NotAllowed(NOT_YOURS, title="Log an outcome") from error
    opened = open_modal(client, body["trigger_id"], loading_modal(), "Log outcome")
    if opened is not None:
        flows_outcomes.open_outcome_form(client, *requester, opened, interaction_id=interaction_id)


def handle_next_step_when_typed(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Show, under the field, the moment the product read from what the rep is typing."""
    ack()
    _redraw(client, requester, body, next_step_when=action.get("value"))


def handle_postcall_submission(
    ack: Ack, view: dict, client: WebClient, requester: Requester
) -> None:
    """Check the outcome; inline errors keep the modal open; a clean one is saved and confirmed."""
    services, workspace, user_id = requester
    try:
        metadata = PostcallMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    form = outcome.read(state_values(view), metadata)
    now = services.now()
    draft = outcomes.check_outcome(form, metadata.zone, now, locale=metadata.locale)
    if isinstance(draft, FieldErrors):
        read_back.note_refusal(services, workspace, view)
        ack(response_action="errors", errors=outcome.errors(draft, metadata))
        return
    # A checked outcome closes the form at once; saving is the work after the ack, and what
    # goes wrong there is told in a notice (or a DM) instead of under a field.
    ack()
    try:
        with requester.session() as session:
            saved = outcomes.save_outcome(session, workspace, user_id, draft, now)
            text, blocks = outcome_confirmation(
                saved.interaction, saved.outcome, metadata.zone, updated=saved.outcome.revision > 1
            )
            key = f"{saved.outcome.id}:{saved.outcome.revision}"
            logged_id = saved.interaction.id
            nudge_status = outcome_logged_status(saved.outcome, metadata.zone)
    except outcomes.NotYourInteraction as error:
        raise NotAllowed(NOT_YOURS, title="Outcome not saved") from error
    except SQLAlchemyError as error:
        raise outcome_not_saved(draft) from error
    if saved.changed:
        delivery.send_once(
            client,
            services,
            workspace,
            kind=DeliveryKind.OUTCOME_CONFIRMATION,
            key=key,
            channel=user_id,
            text=text,
            blocks=blocks,
            metadata=confirmation_metadata(DeliveryKind.OUTCOME_CONFIRMATION, key),
        )
        refresh_home(client, requester)
    # An outcome for another interaction (chosen in the form) leaves the nudge item as it is.
    nudge = own_message_ref(requester, metadata.nudge)
    if nudge is not None and nudge.interaction_id == logged_id:
        show_status_if_item_handled(client, services, workspace, user_id, nudge, nudge_status)


def outcome_not_saved(draft: outcomes.OutcomeDraft) -> DatabaseUnavailable:
    """The answer to an outcome the database did not take after its form closed."""
    wrote = {
        "Outcome": draft.result.value.replace("_", " "),
        "Next step": draft.next_step,
        "By": draft.next_step_when_text,
        "Notes": draft.notes,
    }
    return not_saved(SAVE_FAILED, "Outcome not saved", wrote)
