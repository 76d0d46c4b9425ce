"""user_change events: a rep's new time zone or deactivation reaches the cache at once."""

from __future__ import annotations

from slack_bolt import App

from app.domain import reps
from app.domain.workspace import Workspace
from app.slack.directory import profile_from_user
from app.slack.payloads import object_at, slack_id
from app.slack.services import Services


def register(app: App) -> None:
    app.event("user_change")(handle_user_change_event)


def handle_user_change_event(event: dict, services: Services, workspace: Workspace) -> None:
    """Refresh the cached profile (zone, roles) of a rep; other users are not stored."""
    user = object_at(event, "user")
    if slack_id(user.get("id")) is None:
        return
    # A database failure is logged by the app's error handler; the daily refresh catches up.
    with services.session() as session:
        reps.record_known_profile(
            session, workspace, profile_from_user(user, workspace), services.now()
        )
