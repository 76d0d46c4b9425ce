"""Reps and their time zones and roles, cached from Slack's profile and refreshed daily."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import available_timezones

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain import company_domains
from app.domain.workspace import Workspace
from app.models import DISPLAY_NAME_MAX, EMAIL_MAX, Rep

PROFILE_MAX_AGE = timedelta(days=1)
FALLBACK_ZONE = "UTC"
DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class Profile:
    """What the product needs from a Slack user's profile."""

    user_id: str
    tz: str | None
    display_name: str | None
    is_active: bool = True
    # Workspace roles; None when the profile does not tell them (a user of another workspace).
    is_admin: bool | None = None
    is_owner: bool | None = None
    locale: str | None = None  # None: not told (users.info gives it only with include_locale)
    # The Slack email: only for a member of this workspace, and with users:read.email.
    email: str | None = None


def find_rep(session: Session, workspace: Workspace, user_id: str) -> Rep | None:
    return session.scalar(
        select(Rep).where(Rep.team_id == workspace.team_id, Rep.user_id == user_id)
    )


def profile_is_fresh(rep: Rep | None, now: datetime) -> bool:
    return bool(rep and rep.tz and rep.tz_checked_at and now - rep.tz_checked_at < PROFILE_MAX_AGE)


def roles_are_fresh(rep: Rep | None, now: datetime) -> bool:
    """Whether the cached admin and owner flags can be trusted without asking Slack."""
    return bool(rep and rep.roles_checked_at and now - rep.roles_checked_at < PROFILE_MAX_AGE)


def record_profile(session: Session, workspace: Workspace, profile: Profile, now: datetime) -> Rep:
    """Insert or refresh the rep's cached profile (safe when two requests race)."""
    insert_unless_exists(
        session,
        Rep,
        {**workspace.columns, "user_id": profile.user_id},
        ("team_id", "user_id"),
    )
    rep = find_rep(session, workspace, profile.user_id)
    assert rep is not None
    _apply_profile(session, workspace, rep, profile, now)
    return rep


def record_known_profile(
    session: Session, workspace: Workspace, profile: Profile, now: datetime
) -> Rep | None:
    """Refresh the cached profile of a user who is already a rep; anyone else is ignored."""
    rep = find_rep(session, workspace, profile.user_id)
    if rep is not None:
        _apply_profile(session, workspace, rep, profile, now)
    return rep


def _apply_profile(
    session: Session, workspace: Workspace, rep: Rep, profile: Profile, now: datetime
) -> None:
    reactivated = profile.is_active and not rep.is_active
    rep.tz = usable_zone_name(profile.tz)
    rep.display_name = profile.display_name[:DISPLAY_NAME_MAX] if profile.display_name else None
    rep.is_active = profile.is_active
    rep.tz_checked_at = now
    if profile.locale:
        rep.locale = profile.locale[:16]
    if profile.email and len(profile.email) <= EMAIL_MAX:
        rep.email = profile.email.strip().lower()
        company_domains.learn_from_email(session, workspace, rep.email)
    if profile.is_admin is None or profile.is_owner is None:
        rep.roles_checked_at = None  # roles unknown: the next role check asks Slack
    else:
        rep.is_admin, rep.is_owner, rep.roles_checked_at = profile.is_admin, profile.is_owner, now
    if not profile.is_active:
        rep.unreachable_reason = DEACTIVATED
    elif reactivated:  # back in the workspace: worth trying a DM again
        rep.unreachable_reason = None


def mark_unreachable(
    session: Session, workspace: Workspace, user_id: str, reason: str, now: datetime, *, gone: bool
) -> None:
    """Stop nudging a rep Slack will not let us reach; `gone` when they left the workspace
    (a profile showing them active again undoes that; see _apply_profile)."""
    rep = find_rep(session, workspace, user_id)
    if rep is None:
        return
    rep.unreachable_reason = reason[:64]
    if gone:
        rep.is_active = False
    rep.updated_at = now


def stale_profiles(session: Session, now: datetime, limit: int) -> list[tuple[Workspace, str]]:
    """Reps to ask Slack about again: no zone yet, or a day-old one; the stalest first.

    Reps we cannot reach are left alone: a user_change event tells when they come back.
    """
    rows = session.execute(
        select(Rep.team_id, Rep.enterprise_id, Rep.user_id)
        .where(
            Rep.is_active.is_(True),
            Rep.unreachable_reason.is_(None),
            or_(
                Rep.tz.is_(None),
                Rep.tz_checked_at.is_(None),
                Rep.tz_checked_at < now - PROFILE_MAX_AGE,
            ),
        )
        .order_by(Rep.tz_checked_at.asc().nulls_first(), Rep.id)
        .limit(limit)
    ).all()
    return [(Workspace(row.team_id, row.enterprise_id), row.user_id) for row in rows]


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def known_zone(name: object) -> str | None:
    """`name` if it is an IANA zone this machine knows, else None. Looked up among the known
    names rather than opened: zoneinfo takes a name for a path, and raises OSError for a
    directory ("America") or a name too long for a file, not only ValueError."""
    return name if isinstance(name, str) and name in _known_zones() else None


def usable_zone_name(name: str | None) -> str:
    """The IANA zone if this machine knows it, else UTC (Slack's list can be ahead of tzdata)."""
    return known_zone(name) or FALLBACK_ZONE
