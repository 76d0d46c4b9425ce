"""/postcall: record the outcome against the plan, with the agreed next step and its date."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import outcomes
from app.domain.checks import FieldErrors
from app.domain.text import clean
from app.domain.workspace import Workspace
from app.models import ACCOUNT_NAME_MAX, DeliveryKind, Interaction
from app.slack import delivery, directory
from app.slack.errors import FieldError, handled
from app.slack.forms import outcome
from app.slack.forms.metadata import StaleForm
from app.slack.forms.outcome import (
    NOT_PLANNED,
    PostcallIds,
    PostcallMetadata,
    inputs_key,
    interaction_id_of,
    loading_modal,
    postcall_modal,
    reading_hint,
)
from app.slack.nudge_status import show_status_if_item_handled
from app.slack.ownership import own_message_ref
from app.slack.services import Requester, Services
from app.slack.views.notices import stale_form_modal
from app.slack.views.nudge import NudgeItemRef, outcome_logged_status
from app.slack.views.outcome_confirmation import outcome_confirmation

logger = logging.getLogger(__name__)

COMMAND = "/postcall"
SAVE_FAILED = "Your outcome could not be saved just now, and nothing was stored. Try again soon."
NOT_YOURS = "That interaction is not one of yours, so its outcome cannot be logged here."
NO_PROFILE = "I could not read your Slack time zone just now. Close this and try again in a minute."


def register(app: App) -> None:
    app.command(COMMAND)(handled(handle_postcall_command))
    app.view_submission(PostcallIds.CALLBACK)(handled(handle_postcall_submission))
    app.block_action(PostcallIds.CHOOSE_INTERACTION)(handled(handle_interaction_chosen))
    app.block_action(PostcallIds.READ_NEXT_STEP_WHEN)(handled(handle_next_step_when_typed))


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
    open_outcome_form(
        client,
        *requester,
        opened,
        account_hint=(command.get("text") or "").strip(),
    )


def open_outcome_form(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    view: dict,
    *,
    account_hint: str = "",
    interaction_id: int | None = None,
    nudge: NudgeItemRef | None = None,
) -> None:
    """Fill an opened modal: the interaction named by id, else the likeliest one (of the
    account named, if any). `nudge`: the nudge item it was opened from, updated once saved."""
    try:
        zone = directory.zone_for(client, services, workspace, user_id)
        metadata = PostcallMetadata(
            zone=zone, named_account=account_hint[:ACCOUNT_NAME_MAX], nudge=nudge
        )
        with services.session() as session:
            choices = _choices(session, services, workspace, user_id, metadata, interaction_id)
            if interaction_id is not None:
                selected = next((i for i in choices if i.id == interaction_id), None)
            else:
                selected = outcomes.likely_interaction(
                    choices, services.now(), metadata.named_account
                )
            modal = postcall_modal(choices, selected, metadata)
    except (directory.ProfileUnavailable, SQLAlchemyError) as error:
        logger.warning("could not fill the /postcall modal for %s: %s", user_id, error)
        modal = loading_modal(NO_PROFILE)
    _update(client, view, modal)


def _choices(
    session: Session,
    services: Services,
    workspace: Workspace,
    user_id: str,
    metadata: PostcallMetadata,
    interaction_id: int | None,
) -> list[Interaction]:
    """What the form offers; every redraw offers the named account's interactions again."""
    return outcomes.recent_interactions(
        session,
        workspace,
        user_id,
        services.now(),
        named_id=interaction_id,
        named_account=metadata.named_account,
    )


def _update(client: WebClient, view: dict, modal) -> None:
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
    except SlackApiError as error:  # hash_conflict: a newer update already landed
        logger.info("postcall modal not updated: %s", error.response.get("error"))


def _rerender(
    client: WebClient,
    requester: Requester,
    body: dict,
    metadata: PostcallMetadata,
    chosen_id: int | None,
    next_step_when: str | None,
) -> None:
    """The form again, about `chosen_id`, with the reading of the next step's date if kept
    (a database failure leaves the form as it is: the app's error handler logs it)."""
    services, workspace, user_id = requester
    with requester.session() as session:
        choices = _choices(session, services, workspace, user_id, metadata, chosen_id)
        selected = next((i for i in choices if i.id == chosen_id), None)
        hint = None
        if clean(next_step_when) and inputs_key(selected) == metadata.inputs:
            reading = outcomes.read_next_step_when(next_step_when, metadata.zone, requester.now())
            hint = reading_hint(reading)
        modal = postcall_modal(choices, selected, metadata, next_step_hint=hint)
    _update(client, body["view"], modal)


def handle_interaction_chosen(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Show the chosen interaction's plan (or the fields of an unplanned one)."""
    ack()
    try:
        metadata = PostcallMetadata.from_metadata(body["view"].get("private_metadata"))
    except StaleForm:
        _update(client, body["view"], stale_form_modal())
        return
    chosen = (action.get("selected_option") or {}).get("value") or NOT_PLANNED
    typed = outcome.read(body["view"].get("state", {}).get("values", {}), metadata)
    _rerender(client, requester, body, metadata, interaction_id_of(chosen), typed.next_step_when)


def handle_next_step_when_typed(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Show, under the field, the moment the product read from what the rep is typing."""
    ack()
    try:
        metadata = PostcallMetadata.from_metadata(body["view"].get("private_metadata"))
    except StaleForm:
        _update(client, body["view"], stale_form_modal())
        return
    _rerender(client, requester, body, metadata, metadata.interaction_id, action.get("value"))


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
    form = outcome.read(view.get("state", {}).get("values", {}), metadata)
    now = services.now()
    draft = outcomes.check_outcome(form, metadata.zone, now)
    if isinstance(draft, FieldErrors):
        ack(response_action="errors", errors=outcome.errors(draft, metadata))
        return
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
        raise FieldError(PostcallIds.INTERACTION_BLOCK, NOT_YOURS) from error
    except SQLAlchemyError as error:
        raise FieldError(PostcallIds.INTERACTION_BLOCK, SAVE_FAILED) from error
    ack()
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
        )
    # An outcome for another interaction (chosen in the form) leaves the nudge item as it is.
    nudge = own_message_ref(requester, metadata.nudge)
    if nudge is not None and nudge.interaction_id == logged_id:
        show_status_if_item_handled(client, services, workspace, user_id, nudge, nudge_status)
