"""A rep's nudge settings: the local time and weekdays of the morning DM, a pause, and when
they are asked about a meeting from their calendar."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.checks import FieldErrors
from app.domain.reps import find_rep
from app.domain.text import member, whole_number
from app.domain.workspace import Workspace
from app.models import DEFAULT_NUDGE_MINUTE, WEEKDAYS_MONDAY_TO_FRIDAY, MeetingPrompt, Rep

# The nudge is a morning message, sent (or caught up after downtime) before local noon;
# the latest choice leaves an hour for retries.
EARLIEST_NUDGE_MINUTE = 6 * 60
LATEST_NUDGE_MINUTE = 11 * 60
NUDGE_MINUTE_STEP = 30
NUDGE_MINUTES = tuple(range(EARLIEST_NUDGE_MINUTE, LATEST_NUDGE_MINUTE + 1, NUDGE_MINUTE_STEP))
PAUSE_MAX = timedelta(days=366)
WEEK = range(7)  # Monday (0) to Sunday (6), as date.weekday() counts


class SettingsField(enum.StrEnum):
    TIME = "time"
    WEEKDAYS = "weekdays"
    PAUSED_UNTIL = "paused_until"
    MEETING_PROMPT = "meeting_prompt"


@dataclass(frozen=True)
class NudgeSettings:
    minute: int = DEFAULT_NUDGE_MINUTE
    weekdays: frozenset[int] = frozenset(
        day for day in WEEK if WEEKDAYS_MONDAY_TO_FRIDAY >> day & 1
    )
    paused_until: date | None = None  # the first local date nudges come again
    meeting_prompt: MeetingPrompt = MeetingPrompt.MINUTES_30

    @property
    def weekday_mask(self) -> int:
        return sum(1 << day for day in self.weekdays)

    def is_paused_on(self, local_date: date) -> bool:
        return self.paused_until is not None and local_date < self.paused_until


def weekdays_of(mask: int) -> frozenset[int]:
    return frozenset(day for day in WEEK if mask >> day & 1)


def settings_of(session: Session, workspace: Workspace, user_id: str) -> NudgeSettings:
    """The rep's settings, or the defaults for someone who never changed them."""
    rep = find_rep(session, workspace, user_id)
    if rep is None:
        return NudgeSettings()
    return NudgeSettings(
        rep.nudge_minute,
        weekdays_of(rep.nudge_weekdays),
        rep.nudges_paused_until,
        rep.meeting_prompt,
    )


@dataclass(frozen=True)
class SettingsForm:
    """The settings as submitted: "HH:MM", weekday numbers as text, "YYYY-MM-DD" or None."""

    time: str | None
    weekdays: list[str]
    paused_until: str | None
    meeting_prompt: str | None = None  # a MeetingPrompt's value; None: the default


def check_settings(form: SettingsForm, today: date) -> NudgeSettings | FieldErrors[SettingsField]:
    """The settings, or every problem with the form under its field; `today` is the rep's
    local date. Every value comes from a choice, so none is text that could not be stored."""
    errors: FieldErrors[SettingsField] = FieldErrors()
    minute = _minute(form.time)
    if minute is None:
        errors[SettingsField.TIME] = "Choose a time between 6:00 and 11:00."
    weekdays = frozenset(day for day in map(_weekday, form.weekdays) if day is not None)
    if not weekdays:
        errors[SettingsField.WEEKDAYS] = (
            "Choose at least one day; to stop nudges for a while, pause them until a date."
        )
    paused_until = None
    if form.paused_until:
        try:
            paused_until = date.fromisoformat(form.paused_until)
        except ValueError:
            errors[SettingsField.PAUSED_UNTIL] = "Pick a date."
        else:
            if paused_until <= today:
                errors[SettingsField.PAUSED_UNTIL] = "Pick a date after today, or leave it empty."
            elif paused_until > today + PAUSE_MAX:
                errors[SettingsField.PAUSED_UNTIL] = "Pause for a year at most."
    meeting_prompt = member(MeetingPrompt, form.meeting_prompt)
    if form.meeting_prompt and meeting_prompt is None:
        errors[SettingsField.MEETING_PROMPT] = "Choose when to be asked about your meetings."
    if errors:
        return errors
    assert minute is not None
    return NudgeSettings(
        minute, weekdays, paused_until, meeting_prompt or NudgeSettings.meeting_prompt
    )


def _weekday(text: str) -> int | None:
    day = whole_number(text, max(WEEK))
    return day if day in WEEK else None


def _minute(text: str | None) -> int | None:
    hours, _, minutes = (text or "").partition(":")
    hour, minute = whole_number(hours, 23), whole_number(minutes, 59)
    if hour is None or minute is None:
        return None
    minute += hour * 60
    return minute if EARLIEST_NUDGE_MINUTE <= minute <= LATEST_NUDGE_MINUTE else None


def save_settings(
    session: Session, workspace: Workspace, user_id: str, settings: NudgeSettings, now: datetime
) -> Rep:
    """Store the settings. Saving them is also how a rep we could not DM asks to be tried again."""
    insert_unless_exists(
        session, Rep, {**workspace.columns, "user_id": user_id}, ("team_id", "user_id")
    )
    rep = find_rep(session, workspace, user_id)
    assert rep is not None
    rep.nudge_minute = settings.minute
    rep.nudge_weekdays = settings.weekday_mask
    rep.nudges_paused_until = settings.paused_until
    rep.meeting_prompt = settings.meeting_prompt
    if rep.is_active:
        rep.unreachable_reason = None
    rep.updated_at = now
    return rep
