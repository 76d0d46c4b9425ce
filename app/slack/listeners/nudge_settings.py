"""/coach settings: the rep's nudge time, weekdays and pause, in a modal."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.domain import nudge_settings, reps
from app.domain.checks import FieldErrors
from app.slack import directory
from app.slack.errors import handled
from app.slack.forms import nudge_settings as settings_form
from app.slack.forms.nudge_settings import SettingsIds, settings_modal
from app.slack.forms.state import state_values
from app.slack.home import refresh_home
from app.slack.services import Requester
from app.slack.subcommands import Subcommands
from app.slack.views.nudge_settings import settings_saved_view

logger = logging.getLogger(__name__)


def register(app: App, subcommands: Subcommands) -> None:
    subcommands.add(
        "settings",
        lambda asked: handle_settings_command(
            asked.ack, asked.command, asked.client, asked.requester
        ),
    )
    app.view_submission(SettingsIds.CALLBACK)(handled(handle_settings_submission))


def handle_settings_command(
    ack: Ack, command: dict, client: WebClient, requester: Requester
) -> None:
    """Open the settings modal with the rep's current settings (one small read, then the ack)."""
    _, workspace, user_id = requester
    now = requester.now()
    with requester.session() as session:
        rep = reps.find_rep(session, workspace, user_id)
        current = nudge_settings.settings_of(session, workspace, user_id)
        zone, unreachable = (rep.tz, rep.unreachable_reason) if rep else (None, None)
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
    ack: Ack, view: dict, fast_client: WebClient, requester: Requester
) -> None:
    """Check the settings (a pause date is read in the rep's zone), save them, say so."""
    services, workspace, user_id = requester
    form = settings_form.read(state_values(view))
    now = requester.now()
    zone = directory.zone_for(fast_client, services, workspace, user_id)
    today = now.astimezone(ZoneInfo(zone)).date()
    checked = nudge_settings.check_settings(form, today)
    if isinstance(checked, FieldErrors):
        ack(response_action="errors", errors=settings_form.errors(checked))
        return
    with requester.session() as session:
        nudge_settings.save_settings(session, workspace, user_id, checked, now)
    ack(response_action="update", view=settings_saved_view(checked, zone, today))
    refresh_home(fast_client, requester)
