"""Who a Slack user is (zone, role, still here) and whether the app is in a channel.

Everything is cached in the rep's row where it can be (zone, admin and owner flags, refreshed
from users.info and user_change events); a lookup made before ack() goes through the fast
client, which raises at once on a 429 or a slow Slack instead of sleeping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.domain import reps, summaries
from app.domain.summaries import Person, Role
from app.domain.workspace import Workspace
from app.slack.delivery import RECIPIENT_GONE_ERRORS
from app.slack.errors import Unavailable
from app.slack.passes.summaries import app_name
from app.slack.payloads import object_at, text_at
from app.slack.services import Services

logger = logging.getLogger(__name__)

NOT_A_MEMBER_ERRORS = ("user_not_found", "account_inactive")


class ProfileUnavailable(Unavailable):
    """Neither the cache nor Slack can tell this user's time zone."""


class CannotTell(Unavailable):
    """Slack or the database could not say who the user is just now."""


def is_home(user: dict, workspace: Workspace) -> bool:
    """Whether a users.info user belongs to `workspace` (or, on Grid, to its organisation)."""
    enterprise = object_at(user, "enterprise_user").get("enterprise_id")
    return user.get("team_id") == workspace.team_id or (
        workspace.enterprise_id is not None and enterprise == workspace.enterprise_id
    )


def profile_from_user(user: dict, workspace: Workspace | None = None) -> reps.Profile:
    """The profile to cache; the roles only when the user belongs to `workspace`."""
    profile = object_at(user, "profile")
    roles_known = workspace is not None and is_home(user, workspace)
    name = (
        text_at(profile, "display_name") or text_at(profile, "real_name") or text_at(user, "name")
    )
    return reps.Profile(
        user_id=user["id"],
        tz=reps.known_zone(user.get("tz")),
        display_name=name,
        is_active=user.get("deleted") is not True,
        is_admin=user.get("is_admin") is True if roles_known else None,
        is_owner=user.get("is_owner") is True if roles_known else None,
        locale=text_at(user, "locale"),
        # A guest from another workspace (Slack Connect) says nothing about the company's mail.
        email=text_at(profile, "email") if roles_known else None,
    )


def zone_for(client: WebClient, services: Services, workspace: Workspace, user_id: str) -> str:
    """The rep's IANA zone; Slack is asked only when the cached one is a day old or missing."""
    return clock_for(client, services, workspace, user_id).zone


@dataclass(frozen=True)
class RepClock:
    """How a rep tells time: their zone, and their Slack locale (None: not known yet)."""

    zone: str
    locale: str | None


def clock_for(
    client: WebClient, services: Services, workspace: Workspace, user_id: str
) -> RepClock:
    """The rep's zone and locale, cached together; Slack is asked only when they are a day old
    or missing."""
    now = services.now()
    try:
        with services.session() as session:
            rep = reps.find_rep(session, workspace, user_id)
            cached = RepClock(rep.tz, rep.locale) if rep and rep.tz else None
            if reps.profile_is_fresh(rep, now) and cached:
                return cached
    except SQLAlchemyError as error:
        raise ProfileUnavailable() from error
    try:
        fresh = refresh_profile(client, services, workspace, user_id)
    except ProfileUnavailable:
        if not cached:
            raise
        return cached  # a stale zone beats none while Slack is unreachable
    if fresh.zone:
        return RepClock(fresh.zone, fresh.locale)
    if cached:
        return cached
    raise ProfileUnavailable()


@dataclass(frozen=True)
class CachedProfile:
    zone: str | None
    reachable: bool  # active in the workspace, and not known to refuse our DMs
    locale: str | None = None


def refresh_profile(
    client: WebClient, services: Services, workspace: Workspace, user_id: str
) -> CachedProfile:
    """Ask Slack again for a user's zone and status, and cache the answer.

    A user Slack no longer knows is recorded as gone; raises ProfileUnavailable when Slack
    cannot answer just now.
    """
    now = services.now()
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except SlackApiError as error:
        code = error.response.get("error")
        if code not in RECIPIENT_GONE_ERRORS:
            raise ProfileUnavailable() from error
        with services.session() as session:
            reps.mark_unreachable(session, workspace, user_id, code, now, gone=True)
        return CachedProfile(zone=None, reachable=False)
    except OSError as error:
        raise ProfileUnavailable() from error
    with services.session() as session:
        rep = reps.record_profile(session, workspace, profile_from_user(user, workspace), now)
        return CachedProfile(rep.tz, rep.is_active and rep.unreachable_reason is None, rep.locale)


def person_of(client: WebClient, services: Services, workspace: Workspace, user_id: str) -> Person:
    """The user as Slack has them: an admin or owner? of this workspace? From the rep's cached
    roles while fresh; otherwise from users.info, whose answer refreshes the cache."""
    now = services.now()
    with services.session() as session:
        rep = reps.find_rep(session, workspace, user_id)
        if rep is not None and reps.roles_are_fresh(rep, now):
            return Person(
                user_id,
                is_admin=rep.is_admin or rep.is_owner,
                in_workspace=rep.is_active,
                zone=rep.tz,
            )
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except SlackApiError as error:
        if error.response.get("error") in NOT_A_MEMBER_ERRORS:
            return Person(user_id, is_admin=False, in_workspace=False)
        raise CannotTell() from error
    except OSError as error:
        raise CannotTell() from error
    home = is_home(user, workspace)
    person = Person(
        user_id,
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        in_workspace=home and not user.get("deleted") and not user.get("is_bot"),
        zone=reps.usable_zone_name(user.get("tz")),
    )
    if person.in_workspace:
        with services.session() as session:
            reps.record_profile(session, workspace, profile_from_user(user, workspace), now)
    return person


def role_for(
    client: WebClient, services: Services, workspace: Workspace, user_id: str
) -> tuple[Person, Role]:
    """(the person, their role); raises CannotTell (or a database error) when it cannot say."""
    person = person_of(client, services, workspace, user_id)
    with services.session() as session:
        return person, summaries.role_of(session, workspace, person)


def channel_problem(client: WebClient, channel_id: str, bot_user_id: str | None) -> str | None:
    """Why the app could not post in the channel, and how to fix it; None when it can."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "channel_not_found":
            return (
                "I cannot see this channel. If it is private, invite me first: type "
                f"/invite @{app_name(client, bot_user_id)} in it, then save again."
            )
        return f"Slack did not let me check this channel ({code}). Try again in a minute."
    except OSError:
        return "Slack did not answer just now. Try again in a minute."
    if channel.get("is_archived"):
        return "This channel is archived: choose another one."
    if channel.get("is_im") or channel.get("is_mpim"):
        return "Choose a channel, not a direct message."
    if not channel.get("is_member"):
        return (
            f"I am not in this channel yet: type /invite @{app_name(client, bot_user_id)} in it, "
            "then save again."
        )
    return None
