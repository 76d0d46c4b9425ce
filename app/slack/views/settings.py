"""The /coach settings modal: when the morning nudge comes, on which days, and a pause."""

from __future__ import annotations

import enum
from datetime import date

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from app.domain.nudge_settings import NUDGE_MINUTES, WEEK, NudgeSettings, SettingsField
from app.slack.views.notices import notice_modal

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SettingsIds(enum.StrEnum):
    CALLBACK = "coach_settings"
    TIME_BLOCK = "settings_time"
    WEEKDAYS_BLOCK = "settings_weekdays"
    PAUSE_BLOCK = "settings_pause"
    NOTE_BLOCK = "settings_note"
    INPUT = "value"


BLOCK_FOR_FIELD = {
    SettingsField.TIME: SettingsIds.TIME_BLOCK,
    SettingsField.WEEKDAYS: SettingsIds.WEEKDAYS_BLOCK,
    SettingsField.PAUSED_UNTIL: SettingsIds.PAUSE_BLOCK,
}


def time_value(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def time_label(minute: int) -> str:
    """ "9:00 AM": the nudge times are all in the morning."""
    return f"{minute // 60}:{minute % 60:02d} AM"


def settings_modal(
    settings: NudgeSettings, zone: str | None, today: date, unreachable: str | None = None
) -> View:
    """The form, showing the rep's current settings; `unreachable` says why no DM reached them."""
    times = [Option(value=time_value(m), label=time_label(m)) for m in NUDGE_MINUTES]
    days = [Option(value=str(day), label=DAY_NAMES[day]) for day in WEEK]
    where = f"your Slack time zone, *{zone}*" if zone else "your Slack time zone"
    notes = [f"Times are in {where}. Nothing due means no message."]
    if unreachable:
        notes.append(
            f"Your nudges stopped because Slack refused our DM (`{unreachable}`); "
            "saving these settings tries again."
        )
    paused = settings.paused_until if settings.is_paused_on(today) else None
    return View(
        type="modal",
        callback_id=SettingsIds.CALLBACK,
        title="Nudge settings",
        submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=SettingsIds.TIME_BLOCK,
                label="Morning nudge at",
                element=StaticSelectElement(
                    action_id=SettingsIds.INPUT,
                    options=times,
                    initial_option=next(
                        (o for o in times if o.value == time_value(settings.minute)), times[0]
                    ),
                ),
            ),
            InputBlock(
                block_id=SettingsIds.WEEKDAYS_BLOCK,
                label="On these days",
                optional=True,  # so that "none" gets our explanation, not Slack's generic one
                hint="Choose at least one day.",
                element=CheckboxesElement(
                    action_id=SettingsIds.INPUT,
                    options=days,
                    initial_options=[o for o in days if int(o.value) in settings.weekdays] or None,
                ),
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
            ContextBlock(
                block_id=SettingsIds.NOTE_BLOCK,
                elements=[MarkdownTextObject(text="\n".join(notes))],
            ),
        ],
    )


def settings_saved_view(settings: NudgeSettings, zone: str, today: date) -> View:
    """What replaces the form once saved: the settings restated, so the rep knows they took."""
    days = ", ".join(DAY_NAMES[day][:3] for day in sorted(settings.weekdays))
    said = f"*Saved.* Your morning nudge comes at *{time_label(settings.minute)}* on {days}"
    said += f", in {zone}."
    if settings.is_paused_on(today):
        said += f"\nPaused: nudges come again on {settings.paused_until:%A %-d %B}."
    return notice_modal("Nudge settings", said)
