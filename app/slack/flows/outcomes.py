"""Filling the outcome form (/postcall's modal) and drawing it again as the rep chooses: the
use-case that the /postcall command and a nudge's Log outcome button share."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import outcomes
from app.domain.outcomes import OutcomeForm
from app.domain.text import clean
from app.domain.workspace import Workspace
from app.models import ACCOUNT_NAME_MAX, Interaction
from app.slack import client as slack_client
from app.slack import directory
from app.slack.flows import read_back
from app.slack.forms.fields import reading_hint
from app.slack.forms.outcome import (
    PostcallMetadata,
    inputs_key,
    loading_modal,
    postcall_modal,
)
from app.slack.services import Requester, Services
from app.slack.views.nudges import NudgeItemRef

logger = logging.getLogger(__name__)

NO_PROFILE = "I could not read your Slack time zone just now. Close this and try again in a minute."


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
    notes: str | None = None,
) -> None:
    """Fill an opened modal: the interaction named by id, else the likeliest one (of the
    account named, if any). `nudge`: the nudge item it was opened from, updated once saved;
    `notes`: what the notes start with (a message's text)."""
    try:
        clock = directory.clock_for(client, services, workspace, user_id)
        metadata = PostcallMetadata(
            zone=clock.zone,
            locale=clock.locale,
            named_account=account_hint[:ACCOUNT_NAME_MAX],
            nudge=nudge,
        )
        with services.session() as session:
            choices = _choices(session, services, workspace, user_id, metadata, interaction_id)
            if interaction_id is not None:
                selected = next((i for i in choices if i.id == interaction_id), None)
            else:
                selected = outcomes.likely_interaction(
                    choices, services.now(), metadata.named_account
                )
            modal = postcall_modal(choices, selected, metadata, notes=notes)
    except (directory.ProfileUnavailable, SQLAlchemyError) as error:
        logger.warning("could not fill the /postcall modal for %s: %s", user_id, error)
        modal = loading_modal(NO_PROFILE)
    update_modal(client, view, modal)


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


def update_modal(client: WebClient, view: dict, modal) -> None:
    slack_client.update_modal(client, view, modal, "postcall")


def redraw(
    client: WebClient,
    requester: Requester,
    body: dict,
    metadata: PostcallMetadata,
    chosen_id: int | None,
    typed: OutcomeForm,
) -> None:
    """The form again, about `chosen_id`, with what the rep chose and typed so far where its
    inputs are kept: the outcome (which decides what else it asks) and the reading of the next
    step's date (a database failure leaves the form as it is: the app's error handler logs it)."""
    services, workspace, user_id = requester
    seen = read_back.refusals_so_far(services, workspace, body["view"])
    with requester.session() as session:
        choices = _choices(session, services, workspace, user_id, metadata, chosen_id)
        selected = next((i for i in choices if i.id == chosen_id), None)
        hint = result = None
        if inputs_key(selected) == metadata.inputs:
            result = typed.result
            if clean(typed.next_step_when):
                reading = outcomes.read_next_step_when(
                    typed.next_step_when, metadata.zone, requester.now(), locale=metadata.locale
                )
                hint = reading_hint(reading)
        modal = postcall_modal(choices, selected, metadata, next_step_hint=hint, result=result)
    if read_back.refused_since(services, workspace, body["view"], seen):
        logger.info("postcall read-back dropped: a submission was refused meanwhile")
        return
    update_modal(client, body["view"], modal)
