"""Nudge settings in words: the day names and times, and the notice once they are saved."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.views import View

from app.domain.nudge_settings import NudgeSettings
from app.slack.views.formatting import escape
from app.slack.views.notices import notice_modal

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def time_value(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def time_label(minute: int) -> str:
    """ "9:00 AM": the nudge times are all in the morning."""
    return f"{minute // 60}:{minute % 60:02d} AM"


def settings_saved_view(settings: NudgeSettings, zone: str, today: date) -> View:
    """What replaces the form once saved: the settings restated, so the rep knows they took."""
    days = ", ".join(DAY_NAMES[day][:3] for day in sorted(settings.weekdays))
    said = f"*Saved.* Your morning nudge comes at *{time_label(settings.minute)}* on {days}"
    said += f", in {escape(zone)}."
    if settings.is_paused_on(today):
        said += f"\nPaused: nudges come again on {settings.paused_until:%A %-d %B}."
    return notice_modal("Nudge settings", said)
