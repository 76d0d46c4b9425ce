"""Opening the planning form (/precall's modal) and completing it once open: the use-case
that the /precall command, a nudge's Plan it, the confirmations' Edit plan and Plan the next
step, and the shortcuts share."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import outcomes, plans
from app.domain.calendar import attendees
from app.domain.workspace import Workspace
from app.models import Interaction
from app.slack import directory
from app.slack.flows import read_back
from app.slack.forms.fields import reading_hint
from app.slack.forms.plan import PrecallMetadata, precall_modal
from app.slack.services import Services
from app.slack.views.formatting import zone_label
from app.slack.views.history import history_line

logger = logging.getLogger(__name__)


def open_planning_form(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    trigger_id: str,
    prefill: plans.PlanPrefill,
    metadata: PrecallMetadata,
) -> bool:
    """Open the form before any slow work (the trigger id lasts ~3 s), then complete it: with
    the plan of `metadata.interaction_id` (an edit), else offering the account's upcoming
    interactions first.

    False when Slack would not open it (an expired trigger id).
    """
    try:
        opened = client.views_open(trigger_id=trigger_id, view=precall_modal(prefill, metadata))
    except SlackApiError as error:
        logger.warning("views.open failed for the planning form: %s", error.response.get("error"))
        return False
    # A time named in the command is read back at once, so one already gone by is offered as
    # an outcome to log before the rep presses Save.
    refresh_modal(
        client,
        services,
        workspace,
        user_id,
        opened["view"],
        prefill,
        metadata,
        when_typed=prefill.when_text if metadata.interaction_id is None else None,
    )
    return True


PAST_PLAN = " is already past: to record how it went, use /postcall instead."


def refresh_modal(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    view: dict,
    prefill: plans.PlanPrefill,
    metadata: PrecallMetadata,
    when_typed: str | None = None,
    *,
    offer_upcoming: bool = True,
) -> bool:
    """Show the rep's time zone and, for a known account, the last outcome with it and its
    upcoming interactions; with `offer_upcoming`, the likeliest of those chosen, its plan filled
    in, so that planning it again updates it (the rep may still choose "Plan a new one"); under
    When, what was read from `when_typed`.

    False when the zone or the database could not be read (the view is left as it was)."""
    now = services.now()
    seen = read_back.refusals_so_far(services, workspace, view)
    try:
        if metadata.zone:
            zone, locale = metadata.zone, metadata.locale
        else:
            clock = directory.clock_for(client, services, workspace, user_id)
            zone, locale = clock.zone, clock.locale
        metadata = metadata.model_copy(update={"zone": zone, "locale": locale})
        with services.session() as session:
            prefill, metadata, choices = _about(
                session, workspace, user_id, prefill, metadata, zone, now, offer_upcoming
            )
            if metadata.interaction_id is not None:  # a calendar meeting offers its attendees
                offered = attendees.decision_makers(session, workspace, metadata.interaction_id)
                prefill = replace(prefill, decision_makers=offered)
            history = None
            if prefill.account:
                last = outcomes.last_logged_interaction(
                    session, workspace, user_id, prefill.account, now
                )
                history = history_line(last, zone) if last else None
        when_hint, past = None, False
        if when_typed and when_typed.strip():
            reading = plans.read_plan_when(when_typed, zone, now, locale=locale)
            when_hint = reading_hint(reading)
            past = plans.is_past(reading, now)
            if reading.ok and reading.at is not None and reading.at < now:
                when_hint += PAST_PLAN
        modal = precall_modal(
            prefill,
            metadata,
            zone_label(zone, now),
            history,
            when_hint,
            choices=choices,
            past=past,
        )
    except (directory.ProfileUnavailable, SQLAlchemyError) as error:
        # The form stays usable; the submission looks the zone up again.
        logger.warning("could not complete the /precall modal for %s: %s", user_id, error)
        return False
    if read_back.refused_since(services, workspace, view, seen):
        logger.info("precall read-back dropped: a submission was refused meanwhile")
        return True
    try:
        client.views_update(view_id=view["id"], hash=view["hash"], view=modal)
    except SlackApiError as error:  # hash_conflict: the rep changed the view meanwhile
        logger.info("precall modal not refreshed: %s", error.response.get("error"))
    return True


def fill_planning_form(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    view: dict,
    prefill: plans.PlanPrefill,
    metadata: PrecallMetadata,
) -> None:
    """Turn an opened loading modal into the planning form (completed as refresh_modal does);
    the plain form when it cannot be completed, so the rep can still plan."""
    if refresh_modal(client, services, workspace, user_id, view, prefill, metadata):
        return
    try:
        client.views_update(view_id=view["id"], view=precall_modal(prefill, metadata))
    except SlackApiError as error:
        logger.info("precall modal not shown: %s", error.response.get("error"))


def _about(
    session: Session,
    workspace: Workspace,
    user_id: str,
    prefill: plans.PlanPrefill,
    metadata: PrecallMetadata,
    zone: str,
    now: datetime,
    offer_upcoming: bool,
) -> tuple[plans.PlanPrefill, PrecallMetadata, list[Interaction]]:
    """The form's prefill, metadata and "Which interaction" choices."""
    editing = None
    if metadata.interaction_id is not None:
        try:
            editing = plans.find_own_interaction(
                session, workspace, user_id, metadata.interaction_id
            )
        except plans.NotYourInteraction:  # gone since, or never the rep's: a plan for a new one
            metadata = metadata.model_copy(update={"interaction_id": None, "offered": False})
    if editing is not None:
        prefill = plans.prefill_of(editing, zone)
    choices = (
        plans.upcoming_interactions(session, workspace, user_id, prefill.account, now)
        if prefill.account
        else []
    )
    if editing is not None:
        if editing not in choices:
            choices = [editing, *choices]
        return prefill, metadata, choices
    chosen = _likely(choices, prefill, zone, metadata.locale, now) if offer_upcoming else None
    if chosen is None:
        return prefill, metadata, choices
    return (
        plans.prefill_of(chosen, zone),
        metadata.model_copy(update={"interaction_id": chosen.id, "offered": True}),
        choices,
    )


def _likely(
    choices: list[Interaction],
    prefill: plans.PlanPrefill,
    zone: str,
    locale: str | None,
    now: datetime,
) -> Interaction | None:
    """The upcoming interaction a plan is most likely about: the one at the time the rep
    named, or with no time named the soonest; None when the time named is another one's."""
    if not choices:
        return None
    if not prefill.when_text:
        return choices[0]
    reading = plans.read_plan_when(prefill.when_text, zone, now, locale=locale)
    if not reading.ok or reading.at is None:
        return choices[0]
    named = reading.at.replace(second=0, microsecond=0)
    return next((i for i in choices if i.scheduled_at == named), None)
