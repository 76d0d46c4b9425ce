"""/coach settings: the rep's nudge time, weekdays and pause, in a modal."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.domain import nudge_settings, reps
from app.slack import directory
from app.slack.errors import handled
from app.slack.forms import submitted_choices, submitted_value
from app.slack.services import Requester
from app.slack.views.settings import (
    BLOCK_FOR_FIELD,
    SettingsIds,
    settings_modal,
    settings_saved_view,
)

logger = logging.getLogger(__name__)


def register(app: App) -> None:
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


def read_settings_form(state_values: dict) -> nudge_settings.SettingsForm:
    return nudge_settings.SettingsForm(
        time=submitted_value(state_values, SettingsIds.TIME_BLOCK, SettingsIds.INPUT),
        weekdays=submitted_choices(state_values, SettingsIds.WEEKDAYS_BLOCK, SettingsIds.INPUT),
        paused_until=submitted_value(state_values, SettingsIds.PAUSE_BLOCK, SettingsIds.INPUT),
    )


def handle_settings_submission(
    ack: Ack, view: dict, fast_client: WebClient, requester: Requester
) -> None:
    """Check the settings (a pause date is read in the rep's zone), save them, say so."""
    services, workspace, user_id = requester
    form = read_settings_form(view.get("state", {}).get("values", {}))
    now = requester.now()
    zone = directory.zone_for(fast_client, services, workspace, user_id)
    today = now.astimezone(ZoneInfo(zone)).date()
    check = nudge_settings.check_settings(form, today)
    chosen = check.settings
    if check.errors or chosen is None:
        ack(
            response_action="errors",
            errors={BLOCK_FOR_FIELD[name]: message for name, message in check.errors.items()},
        )
        return
    with requester.session() as session:
        nudge_settings.save_settings(session, workspace, user_id, chosen, now)
    ack(response_action="update", view=settings_saved_view(chosen, zone, today))
