"""/coach settings: the rep's nudge time, weekdays and pause, in a modal."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.db import session_scope
from app.domain import nudge_settings, reps
from app.domain.checks import FieldErrors
from app.slack import profiles
from app.slack.forms import settings as settings_form
from app.slack.forms.settings import SettingsIds, settings_modal
from app.slack.services import requester
from app.slack.views.settings import settings_saved_view

logger = logging.getLogger(__name__)

UNAVAILABLE = "Your nudge settings are not available just now. Try again in a minute."
SAVE_FAILED = "Your settings could not be saved just now, and nothing changed. Try again soon."


def register(app: App) -> None:
    app.view_submission(SettingsIds.CALLBACK)(handle_settings_submission)


def handle_settings_command(
    ack: Ack, command: dict, client: WebClient, context: BoltContext
) -> None:
    """Open the settings modal with the rep's current settings (one small read, then the ack)."""
    services, workspace, user_id = requester(context, command)
    now = services.now()
    try:
        with session_scope(services.sessions) as session:
            rep = reps.find_rep(session, workspace, user_id)
            current = nudge_settings.settings_of(session, workspace, user_id)
            zone, unreachable = (rep.tz, rep.unreachable_reason) if rep else (None, None)
    except SQLAlchemyError as error:
        logger.error("could not read the settings of %s: %s", user_id, error)
        ack(text=UNAVAILABLE, response_type="ephemeral")
        return
    ack()
    today = now.astimezone(ZoneInfo(zone or reps.FALLBACK_ZONE)).date()
    try:
        client.views_open(
            trigger_id=command["trigger_id"],
            view=settings_modal(current, zone, today, unreachable),
        )
    except SlackApiError as error:
        logger.warning("views.open failed for /coach settings: %s", error.response.get("error"))


def handle_settings_submission(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    """Check the settings (a pause date is read in the rep's zone), save them, say so."""
    services, workspace, user_id = requester(context, body)
    form = settings_form.read(view.get("state", {}).get("values", {}))
    now = services.now()
    try:
        zone = profiles.zone_for(client, services, workspace, user_id)
        today = now.astimezone(ZoneInfo(zone)).date()
        checked = nudge_settings.check_settings(form, today)
        if isinstance(checked, FieldErrors):
            ack(response_action="errors", errors=settings_form.errors(checked))
            return
        with session_scope(services.sessions) as session:
            nudge_settings.save_settings(session, workspace, user_id, checked, now)
    except (profiles.ProfileUnavailable, SQLAlchemyError) as error:
        logger.error("could not save the settings of %s: %s", user_id, error)
        ack(response_action="errors", errors={SettingsIds.TIME_BLOCK: SAVE_FAILED})
        return
    ack(response_action="update", view=settings_saved_view(checked, zone, today))
