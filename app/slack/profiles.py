"""A rep's time zone: cached in the database, refreshed from users.info once a day."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.db import session_scope
from app.domain import reps
from app.domain.workspace import Workspace
from app.slack.delivery import RECIPIENT_GONE_ERRORS
from app.slack.services import Services

logger = logging.getLogger(__name__)


class ProfileUnavailable(Exception):
    """Neither the cache nor Slack can tell this user's time zone."""


def profile_from_user(user: dict) -> reps.Profile:
    profile = user.get("profile") or {}
    return reps.Profile(
        user_id=user["id"],
        tz=user.get("tz"),
        display_name=profile.get("display_name") or profile.get("real_name") or user.get("name"),
        is_active=not user.get("deleted", False),
    )


def zone_for(client: WebClient, services: Services, workspace: Workspace, user_id: str) -> str:
    """The rep's IANA zone; Slack is asked only when the cached one is a day old or missing."""
    now = services.now()
    try:
        with session_scope(services.sessions) as session:
            rep = reps.find_rep(session, workspace, user_id)
            cached = rep.tz if rep else None
            if reps.profile_is_fresh(rep, now):
                return cached
    except SQLAlchemyError as error:
        raise ProfileUnavailable("database unavailable") from error
    try:
        zone = refresh_profile(client, services, workspace, user_id).zone
    except ProfileUnavailable:
        zone = None
        if not cached:
            raise
    # A stale zone beats none while Slack is unreachable.
    if zone or cached:
        return zone or cached
    raise ProfileUnavailable("user_not_found")


@dataclass(frozen=True)
class CachedProfile:
    zone: str | None
    reachable: bool  # active in the workspace, and not known to refuse our DMs


def refresh_profile(
    client: WebClient, services: Services, workspace: Workspace, user_id: str
) -> CachedProfile:
    """Ask Slack again for a user's zone and status, and cache the answer.

    A user Slack no longer knows is recorded as gone; raises ProfileUnavailable when Slack
    cannot answer just now.
    """
    now = services.now()
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        code = error.response.get("error")
        if code not in RECIPIENT_GONE_ERRORS:
            raise ProfileUnavailable(code or "users.info failed") from error
        with session_scope(services.sessions) as session:
            reps.mark_unreachable(session, workspace, user_id, code, now, gone=True)
        return CachedProfile(zone=None, reachable=False)
    except OSError as error:
        raise ProfileUnavailable(f"users.info: {error}") from error
    with session_scope(services.sessions) as session:
        rep = reps.record_profile(session, workspace, profile_from_user(user), now)
        return CachedProfile(rep.tz, rep.is_active and rep.unreachable_reason is None)
