"""The Reschedule modal: only the new time, read back as it is typed."""

from __future__ import annotations

import enum
from typing import Any

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from app.models import WHEN_TEXT_MAX
from app.slack.forms.fields import form_modal, text_input
from app.slack.forms.metadata import InteractionFormMetadata
from app.slack.forms.state import submitted_value
from app.slack.views.formatting import escape, slack_date, truncate


class RescheduleIds(enum.StrEnum):
    CALLBACK = "interaction_reschedule_form"
    WHEN_BLOCK = "reschedule_when"
    READ_WHEN = "reschedule_read_when"  # the input's action: each keystroke is read back


class RescheduleMetadata(InteractionFormMetadata):
    v: int = 1


def reschedule_modal(metadata: RescheduleMetadata, hint: str | None = None) -> View:
    was = slack_date(metadata.scheduled_at, metadata.zone, "{date_long_pretty} at {time}")
    return form_modal(
        RescheduleIds.CALLBACK,
        "Reschedule",
        submit="Move it",
        metadata=metadata,
        blocks=[
            SectionBlock(
                text=f"*{escape(truncate(metadata.account, 120))}*, now {was}. "
                "Its plan moves with it."
            ),
            text_input(
                RescheduleIds.WHEN_BLOCK,
                "New time",
                limit=WHEN_TEXT_MAX,
                action_id=RescheduleIds.READ_WHEN,
                placeholder="e.g. Thursday 10am, next Tuesday 3pm",
                hint=hint or f"In your time zone, {metadata.zone}.",
                dispatch_on=["on_enter_pressed", "on_character_entered"],
            ),
        ],
    )


def read(state_values: dict[str, Any]) -> str | None:
    return submitted_value(state_values, RescheduleIds.WHEN_BLOCK, RescheduleIds.READ_WHEN)
