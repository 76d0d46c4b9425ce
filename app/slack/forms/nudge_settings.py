"""The /coach settings modal: when the morning nudge comes, on which days, a pause, and when
the rep is asked about a meeting from their calendar."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from typing import Any

from slack_sdk.models.blocks import ContextBlock, DatePickerElement, InputBlock, MarkdownTextObject
from slack_sdk.models.views import View

from app.domain.nudge_settings import (
    NUDGE_MINUTES,
    WEEK,
    NudgeSettings,
    SettingsField,
    SettingsForm,
)
from app.slack.forms.fields import INPUT, block_errors, checkboxes, form_modal, options, select
from app.slack.forms.state import submitted_choices, submitted_value
from app.slack.views.formatting import escape
from app.slack.views.nudge_settings import (
    DAY_NAMES,
    MEETING_PROMPT_LABELS,
    time_label,
    time_value,
)


class SettingsIds(enum.StrEnum):
    CALLBACK = "coach_settings"
    TIME_BLOCK = "settings_time"
    WEEKDAYS_BLOCK = "settings_weekdays"
    PAUSE_BLOCK = "settings_pause"
    MEETING_PROMPT_BLOCK = "settings_meeting_prompt"
    NOTE_BLOCK = "settings_note"
    INPUT = INPUT


BLOCK_FOR_FIELD = {
    SettingsField.TIME: SettingsIds.TIME_BLOCK,
    SettingsField.WEEKDAYS: SettingsIds.WEEKDAYS_BLOCK,
    SettingsField.PAUSED_UNTIL: SettingsIds.PAUSE_BLOCK,
    SettingsField.MEETING_PROMPT: SettingsIds.MEETING_PROMPT_BLOCK,
}


def settings_modal(
    settings: NudgeSettings, zone: str | None, today: date, unreachable: str | None = None
) -> View:
    """The form, showing the rep's current settings; `unreachable` says why no DM reached them."""
    times = options({time_value(m): time_label(m) for m in NUDGE_MINUTES})
    where = f"your Slack time zone, *{escape(zone)}*" if zone else "your Slack time zone"
    notes = [f"Times are in {where}. Nothing due means no message."]
    if unreachable:
        notes.append(
            f"Your nudges stopped because Slack refused our DM (`{escape(unreachable)}`); "
            "saving these settings tries again."
        )
    paused = settings.paused_until if settings.is_paused_on(today) else None
    return form_modal(
        SettingsIds.CALLBACK,
        "Nudge settings",
        blocks=[
            select(
                SettingsIds.TIME_BLOCK,
                "Morning nudge at",
                times,
                initial=time_value(settings.minute)
                if settings.minute in NUDGE_MINUTES
                else times[0].value,
            ),
            checkboxes(
                SettingsIds.WEEKDAYS_BLOCK,
                "On these days",
                options({str(day): DAY_NAMES[day] for day in WEEK}),
                initial={str(day) for day in settings.weekdays},
                optional=True,  # so that "none" gets our explanation, not Slack's generic one
                hint="Choose at least one day.",
            ),
            InputBlock(
                block_id=SettingsIds.PAUSE_BLOCK,
                label="Pause nudges until",
                optional=True,
                hint="Nudges come again on this date. Leave empty for no pause.",
                element=DatePickerElement(
                    action_id=SettingsIds.INPUT,
                    placeholder="No pause",
                    initial_date=paused.isoformat() if paused else None,
                ),
            ),
            select(
                SettingsIds.MEETING_PROMPT_BLOCK,
                "Meetings from your calendar",
                options(MEETING_PROMPT_LABELS),
                initial=settings.meeting_prompt,
                hint="When to be asked to plan a meeting that has no plan yet (and, after it, "
                "to log how it went).",
            ),
            ContextBlock(
                block_id=SettingsIds.NOTE_BLOCK,
                elements=[MarkdownTextObject(text="\n".join(notes))],
            ),
        ],
    )


def read(state_values: dict[str, Any]) -> SettingsForm:
    """The settings as submitted."""
    return SettingsForm(
        time=submitted_value(state_values, SettingsIds.TIME_BLOCK, SettingsIds.INPUT),
        weekdays=submitted_choices(state_values, SettingsIds.WEEKDAYS_BLOCK, SettingsIds.INPUT),
        paused_until=submitted_value(state_values, SettingsIds.PAUSE_BLOCK, SettingsIds.INPUT),
        meeting_prompt=submitted_value(
            state_values, SettingsIds.MEETING_PROMPT_BLOCK, SettingsIds.INPUT
        ),
    )


def errors(field_errors: Mapping[SettingsField, str]) -> dict[str, str]:
    """The check's problems, each at its input block."""
    return block_errors(BLOCK_FOR_FIELD, field_errors)
