"""A rep's time zone: now in app.slack.directory, named here for the callers of old."""

from __future__ import annotations

from app.slack.directory import (
    CachedProfile,
    ProfileUnavailable,
    profile_from_user,
    refresh_profile,
    zone_for,
)

__all__ = [
    "CachedProfile",
    "ProfileUnavailable",
    "profile_from_user",
    "refresh_profile",
    "zone_for",
]
