"""The channel summary modal of `/coach summary` and the list's Edit button."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    TimePickerElement,
)
from slack_sdk.models.views import View

from app.domain.summaries import DEFAULT_MINUTE, SummaryField, SummaryForm, SummarySettings
from app.models import SummaryCadence
from app.slack.forms.fields import (
    INPUT,
    block_errors,
    channel_select,
    form_modal,
    options,
    radio,
    select,
    users_select,
)
from app.slack.forms.metadata import FormMetadata, RowId, ZoneName
from app.slack.forms.state import submitted_users, submitted_value
from app.slack.views.formatting import escape, truncate, zone_label
from app.slack.views.nudge_settings import DAY_NAMES, time_value

MAX_GROUP_OPTIONS = 100  # Slack's limit for a static select


class SummaryIds(enum.StrEnum):
    CALLBACK = "summary_setup"
    CHANNEL_BLOCK = "summary_channel"
    REPS_BLOCK = "summary_reps"
    GROUP_BLOCK = "summary_group"
    CADENCE_BLOCK = "summary_cadence"
    WEEKDAY_BLOCK = "summary_weekday"
    TIME_BLOCK = "summary_time"
    NOTE_BLOCK = "summary_note"
    INPUT = INPUT  # the one element of every input block


BLOCK_FOR_FIELD = {
    SummaryField.CHANNEL: SummaryIds.CHANNEL_BLOCK,
    SummaryField.REPS: SummaryIds.REPS_BLOCK,
    SummaryField.CADENCE: SummaryIds.CADENCE_BLOCK,
    SummaryField.WEEKDAY: SummaryIds.WEEKDAY_BLOCK,
    SummaryField.TIME: SummaryIds.TIME_BLOCK,
}
CADENCE_LABELS = {
    SummaryCadence.DAILY: "Daily, about the day before",
    SummaryCadence.WEEKLY: "Weekly, about the 7 days before",
}


class SummaryMetadata(FormMetadata):
    """What the submission needs to know: the summary being edited, the zone shown, and the
    response_url of the `/coach summary list` message the edit started from (to refresh it)."""

    subscription_id: RowId | None = None
    zone: ZoneName | None = None
    list_url: str | None = None
    opened_in: str | None = None  # the channel /coach summary was typed in: the default


def default_channel(channel_id: str | None) -> str | None:
    """The channel a new summary defaults to: where it was set up, unless that is a DM."""
    return channel_id if channel_id and channel_id[0] in "CG" else None


def summary_modal(
    current: SummarySettings | None,
    metadata: SummaryMetadata,
    now: datetime,
    usergroups: list[tuple[str, str]] | None = None,
) -> View:
    """The form, filled with `current` when editing; `usergroups` (id, handle) once loaded
    (None while they are being read from Slack, [] when the workspace has none)."""
    zone = metadata.zone or "UTC"
    weekday = current.weekday if current and current.weekday is not None else 0
    blocks: list[Block] = [
        channel_select(
            SummaryIds.CHANNEL_BLOCK,
            "Post in",
            initial=current.channel_id if current else metadata.opened_in,
            placeholder="Choose a channel",
            hint="A channel I am in: /invite me there first if I am not.",
        ),
        users_select(
            SummaryIds.REPS_BLOCK,
            "Reps",
            initial=list(current.rep_user_ids) if current else None,
            placeholder="Choose reps",
            optional=True,  # reps, a group or both: the server explains what is missing
            hint="Only these reps (and the group's members) appear in the summary.",
        ),
    ]
    blocks += _group_blocks(current, usergroups)
    blocks += [
        radio(
            SummaryIds.CADENCE_BLOCK,
            "How often",
            options(CADENCE_LABELS),
            initial=current.cadence if current else SummaryCadence.WEEKLY,
        ),
        select(
            SummaryIds.WEEKDAY_BLOCK,
            "Day of the week (weekly only)",
            options(dict(enumerate(DAY_NAMES))),
            initial=str(weekday),
            hint="The day a weekly summary is posted. A daily one is posted every day.",
        ),
        InputBlock(
            block_id=SummaryIds.TIME_BLOCK,
            label="At",
            element=TimePickerElement(
                action_id=SummaryIds.INPUT,
                initial_time=time_value(current.minute if current else DEFAULT_MINUTE),
            ),
        ),
        ContextBlock(
            block_id=SummaryIds.NOTE_BLOCK,
            elements=[
                MarkdownTextObject(
                    text=f"The time is in *{escape(zone_label(zone, now))}*. Each summary "
                    "compares its period with the one before."
                )
            ],
        ),
    ]
    return form_modal(
        SummaryIds.CALLBACK,
        "Edit summary" if metadata.subscription_id else "Channel summary",
        metadata=metadata,
        blocks=blocks,
    )


def _group_blocks(
    current: SummarySettings | None, usergroups: list[tuple[str, str]] | None
) -> list[Block]:
    if usergroups is None:
        note = "Loading the workspace's user groups…"
    elif not usergroups:
        note = "No user groups in this workspace: choose reps above."
    else:
        groups = [
            Option(value=group_id, label=truncate(f"@{handle}", 75))
            for group_id, handle in sorted(usergroups, key=lambda group: group[1].casefold())
        ][:MAX_GROUP_OPTIONS]
        return [
            select(
                SummaryIds.GROUP_BLOCK,
                "User group",
                groups,
                initial=current.usergroup_id if current else None,
                placeholder="Choose a user group",
                optional=True,
                hint="Its members when each summary is posted.",
            )
        ]
    return [ContextBlock(elements=[MarkdownTextObject(text=note)])]


def read(state_values: dict[str, Any]) -> SummaryForm:
    """The summary's settings as submitted."""

    def value(block_id: SummaryIds) -> str | None:
        return submitted_value(state_values, block_id, SummaryIds.INPUT)

    return SummaryForm(
        channel_id=value(SummaryIds.CHANNEL_BLOCK),
        rep_user_ids=tuple(submitted_users(state_values, SummaryIds.REPS_BLOCK, SummaryIds.INPUT)),
        usergroup_id=value(SummaryIds.GROUP_BLOCK),
        cadence=value(SummaryIds.CADENCE_BLOCK),
        weekday=value(SummaryIds.WEEKDAY_BLOCK),
        time=value(SummaryIds.TIME_BLOCK),
    )


def errors(field_errors: Mapping[SummaryField, str]) -> dict[str, str]:
    """The check's problems, each at its input block."""
    return block_errors(BLOCK_FOR_FIELD, field_errors)
