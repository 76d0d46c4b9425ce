"""user_change events: a rep's new time zone or deactivation reaches the cache at once."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from sqlalchemy.exc import SQLAlchemyError

from app.db import session_scope
from app.domain import reps
from app.slack.profiles import profile_from_user
from app.slack.services import services_of, workspace_of

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("user_change")(handle_user_change_event)


def handle_user_change_event(event: dict, body: dict, context: BoltContext) -> None:
    """Refresh the cached profile of a rep (other users are not stored); safe to receive twice."""
    user = event.get("user") or {}
    if not user.get("id"):
        return
    services = services_of(context)
    try:
        with session_scope(services.sessions) as session:
            reps.record_known_profile(
                session, workspace_of(context, body), profile_from_user(user), services.now()
            )
    except SQLAlchemyError as error:  # the daily refresh will catch up
        logger.warning("could not record a profile change of %s: %s", user["id"], error)
