"""Calendars: a rep's secret iCal address (address, links), fetching it safely (fetch), and
reading its external meetings (feed); check ties them together for the connect form."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.config import Settings
from app.domain.calendar.policy import FeedPolicy
from app.domain.secrets import SecretBox


@dataclass(frozen=True)
class CalendarSetup:
    """What the calendar features need from the deployment: the fetch policy, and the key
    to the stored addresses (None without COACH_SECRET_KEY: calendars cannot be connected)."""

    policy: FeedPolicy = field(default_factory=FeedPolicy)
    secrets: SecretBox | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> CalendarSetup:
        key = settings.coach_secret_key
        return cls(
            FeedPolicy(allow_http=settings.calendar_allow_http), SecretBox(key) if key else None
        )
