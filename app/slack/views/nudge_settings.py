"""Nudge settings in words: the day names and times, and the notice once they are saved."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.views import View

from app.domain.nudge_settings import NudgeSettings
from app.models import MeetingPrompt
from app.slack.views.formatting import escape
from app.slack.views.notices import notice_modal

# The meeting prompt's choices, as the settings form offers them and the saved notice says them.
MEETING_PROMPT_LABELS = {
    MeetingPrompt.MINUTES_15: "15 minutes before",
    MeetingPrompt.MINUTES_30: "30 minutes before",
    MeetingPrompt.MINUTES_60: "An hour before",
    MeetingPrompt.DIGEST: "In the morning nudge only",
    MeetingPrompt.OFF: "Never",
}
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
    said += f"\nMeetings from your calendar: {_asked(settings.meeting_prompt)}."
    return notice_modal("Nudge settings", said)


def _asked(choice: MeetingPrompt) -> str:
    if choice is MeetingPrompt.OFF:
        return "never asked about"
    if choice is MeetingPrompt.DIGEST:
        return "asked about in the morning nudge only"
    return f"asked about {MEETING_PROMPT_LABELS[choice].lower()}, and again after"
