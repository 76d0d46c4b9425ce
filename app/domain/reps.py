"""Reps and their time zones, cached from Slack's profile and refreshed daily."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import Rep

PROFILE_MAX_AGE = timedelta(days=1)
FALLBACK_ZONE = "UTC"


@dataclass(frozen=True)
class Profile:
    """What the product needs from a Slack user's profile."""

    user_id: str
    tz: str | None
    display_name: str | None
    is_active: bool = True


def find_rep(session: Session, workspace: Workspace, user_id: str) -> Rep | None:
    return session.scalar(
        select(Rep).where(Rep.team_id == workspace.team_id, Rep.user_id == user_id)
    )


def profile_is_fresh(rep: Rep | None, now: datetime) -> bool:
    return bool(rep and rep.tz and rep.tz_checked_at and now - rep.tz_checked_at < PROFILE_MAX_AGE)


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
    rep.tz = usable_zone_name(profile.tz)
    rep.display_name = profile.display_name
    rep.is_active = profile.is_active
    rep.tz_checked_at = now
    return rep


def usable_zone_name(name: str | None) -> str:
    """The IANA zone if this machine knows it, else UTC (Slack's list can be ahead of tzdata)."""
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return FALLBACK_ZONE
