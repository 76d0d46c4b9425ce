"""Opening the planning form (/precall's modal) and completing it once open: the use-case
that the /precall command and a nudge's Plan it button share."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.domain import outcomes, plans
from app.domain.workspace import Workspace
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
) -> None:
    """Show the rep's time zone, for a known account the last outcome with it, and under When
    what was read from `when_typed`."""
    seen = read_back.refusals_so_far(services, workspace, view)
    try:
        if metadata.zone:
            zone, locale = metadata.zone, metadata.locale
        else:
            clock = directory.clock_for(client, services, workspace, user_id)
            zone, locale = clock.zone, clock.locale
        history = None
        if prefill.account:
            with services.session() as session:
                last = outcomes.last_logged_interaction(
                    session, workspace, user_id, prefill.account, services.now()
                )
                history = history_line(last, zone) if last else None
        when_hint = None
        if when_typed and when_typed.strip():
            now = services.now()
            reading = plans.read_plan_when(when_typed, zone, now, locale=locale)
            when_hint = reading_hint(reading)
            if reading.ok and reading.at is not None and reading.at < now:
                when_hint += PAST_PLAN
    except (directory.ProfileUnavailable, SQLAlchemyError) as error:
        # The form stays usable; the submission looks the zone up again.
        logger.warning("could not complete the /precall modal for %s: %s", user_id, error)
        return
    if read_back.refused_since(services, workspace, view, seen):
        logger.info("precall read-back dropped: a submission was refused meanwhile")
        return
    try:
        client.views_update(
            view_id=view["id"],
            hash=view["hash"],
            view=precall_modal(
                prefill,
                metadata.model_copy(update={"zone": zone, "locale": locale}),
                zone_label(zone, services.now()),
                history,
                when_hint,
            ),
        )
    except SlackApiError as error:  # hash_conflict: the rep changed the view meanwhile
        logger.info("precall modal not refreshed: %s", error.response.get("error"))
