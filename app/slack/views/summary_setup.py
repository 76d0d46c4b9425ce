"""Setting up channel summaries: the summary and managers modals, the list and its buttons."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from app.domain.summaries import (
    DEFAULT_MINUTE,
    Subscription,
    SummaryField,
    SummarySettings,
)
from app.models import SummaryCadence
from app.slack.views.formatting import escape, truncate, zone_label
from app.slack.views.settings import DAY_NAMES

MAX_GROUP_OPTIONS = 100  # Slack's limit for a static select
MAX_LISTED = 23  # two blocks each, with the list's heading and "N more", within 50 blocks
SLACK_MESSAGE_BLOCKS_MAX = 50


class SummaryIds(enum.StrEnum):
    CALLBACK = "summary_setup"
    CHANNEL_BLOCK = "summary_channel"
    REPS_BLOCK = "summary_reps"
    GROUP_BLOCK = "summary_group"
    CADENCE_BLOCK = "summary_cadence"
    WEEKDAY_BLOCK = "summary_weekday"
    TIME_BLOCK = "summary_time"
    NOTE_BLOCK = "summary_note"
    INPUT = "value"  # the one element of every input block


class ManagerIds(enum.StrEnum):
    CALLBACK = "summary_managers"
    USERS_BLOCK = "managers_users"
    INPUT = "value"


class SummaryListIds(enum.StrEnum):
    ITEM_BLOCK = "summary_item"  # each followed by "." and the summary's id
    ACTIONS_BLOCK = "summary_actions"
    POST_NOW = "summary_post_now"
    EDIT = "summary_edit"
    REMOVE = "summary_remove"


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


@dataclass(frozen=True)
class SummaryMetadata:
    """What the submission needs to know: the summary being edited, the zone shown, and the
    response_url of the `/coach summary list` message the edit started from (to refresh it)."""

    subscription_id: int | None = None
    zone: str | None = None
    list_url: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> SummaryMetadata:
        try:
            data = json.loads(raw or "{}")
            number = data.get("subscription_id")
            return cls(
                subscription_id=number if isinstance(number, int) else None,
                zone=data.get("zone") if isinstance(data.get("zone"), str) else None,
                list_url=data.get("list_url") if isinstance(data.get("list_url"), str) else None,
            )
        except (ValueError, AttributeError):
            return cls()


def clock_text(minute: int) -> str:
    """ "08:30": what Slack's time picker takes and gives."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def item_block_id(prefix: SummaryListIds, subscription_id: int) -> str:
    return f"{prefix}.{subscription_id}"


def summary_modal(
    current: SummarySettings | None,
    metadata: SummaryMetadata,
    now: datetime,
    usergroups: list[tuple[str, str]] | None = None,
) -> View:
    """The form, filled with `current` when editing; `usergroups` (id, handle) once loaded
    (None while they are being read from Slack, [] when the workspace has none)."""
    zone = metadata.zone or "UTC"
    weekdays = [Option(value=str(day), label=name) for day, name in enumerate(DAY_NAMES)]
    cadences = [Option(value=value, label=label) for value, label in CADENCE_LABELS.items()]
    cadence = current.cadence if current else SummaryCadence.WEEKLY
    weekday = current.weekday if current and current.weekday is not None else 0
    blocks: list[Block] = [
        InputBlock(
            block_id=SummaryIds.CHANNEL_BLOCK,
            label="Post in",
            hint="A channel I am in: /invite me there first if I am not.",
            element=ConversationSelectElement(
                action_id=SummaryIds.INPUT,
                placeholder="Choose a channel",
                initial_conversation=current.channel_id if current else None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id=SummaryIds.REPS_BLOCK,
            label="Reps",
            optional=True,  # reps, a group or both: the server explains what is missing
            hint="Only these reps (and the group's members) appear in the summary.",
            element=UserMultiSelectElement(
                action_id=SummaryIds.INPUT,
                placeholder="Choose reps",
                initial_users=list(current.rep_user_ids)
                if current and current.rep_user_ids
                else None,
            ),
        ),
    ]
    blocks += _group_blocks(current, usergroups)
    blocks += [
        InputBlock(
            block_id=SummaryIds.CADENCE_BLOCK,
            label="How often",
            element=RadioButtonsElement(
                action_id=SummaryIds.INPUT,
                options=cadences,
                initial_option=next(o for o in cadences if o.value == cadence),
            ),
        ),
        InputBlock(
            block_id=SummaryIds.WEEKDAY_BLOCK,
            label="Day of the week (weekly only)",
            hint="The day a weekly summary is posted. A daily one is posted every day.",
            element=StaticSelectElement(
                action_id=SummaryIds.INPUT,
                options=weekdays,
                initial_option=weekdays[weekday],
            ),
        ),
        InputBlock(
            block_id=SummaryIds.TIME_BLOCK,
            label="At",
            element=TimePickerElement(
                action_id=SummaryIds.INPUT,
                initial_time=clock_text(current.minute if current else DEFAULT_MINUTE),
            ),
        ),
        ContextBlock(
            block_id=SummaryIds.NOTE_BLOCK,
            elements=[
                MarkdownTextObject(
                    text=f"The time is in *{zone_label(zone, now)}*. Each summary compares its "
                    "period with the one before."
                )
            ],
        ),
    ]
    return View(
        type="modal",
        callback_id=SummaryIds.CALLBACK,
        title="Edit summary" if metadata.subscription_id else "Channel summary",
        submit="Save",
        close="Cancel",
        private_metadata=metadata.to_json(),
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
        options = [
            Option(value=group_id, label=truncate(f"@{handle}", 75))
            for group_id, handle in sorted(usergroups, key=lambda group: group[1].casefold())
        ][:MAX_GROUP_OPTIONS]
        chosen = next((o for o in options if current and o.value == current.usergroup_id), None)
        return [
            InputBlock(
                block_id=SummaryIds.GROUP_BLOCK,
                label="User group",
                optional=True,
                hint="Its members when each summary is posted.",
                element=StaticSelectElement(
                    action_id=SummaryIds.INPUT,
                    placeholder="Choose a user group",
                    options=options,
                    initial_option=chosen,
                ),
            )
        ]
    return [ContextBlock(elements=[MarkdownTextObject(text=note)])]


def managers_modal(manager_ids: list[str]) -> View:
    return View(
        type="modal",
        callback_id=ManagerIds.CALLBACK,
        title="Managers",
        submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=ManagerIds.USERS_BLOCK,
                label="Managers",
                optional=True,  # removing everyone is a choice
                hint="Managers may set up channel summaries for the reps they choose.",
                element=UserMultiSelectElement(
                    action_id=ManagerIds.INPUT,
                    placeholder="Choose people",
                    initial_users=manager_ids or None,
                ),
            )
        ],
    )


def schedule_text(subscription: SummarySettings) -> str:
    """ "weekly on Monday at 08:00 (America/New_York)"."""
    at = f"at {clock_text(subscription.minute)} ({subscription.zone})"
    if subscription.cadence is SummaryCadence.WEEKLY and subscription.weekday is not None:
        return f"weekly on {DAY_NAMES[subscription.weekday]} {at}"
    return f"daily {at}"


def scope_text(rep_user_ids: tuple[str, ...], usergroup_id: str | None) -> str:
    parts = []
    if rep_user_ids:
        parts.append(f"{len(rep_user_ids)} rep{'s' if len(rep_user_ids) != 1 else ''}")
    if usergroup_id:
        parts.append(f"<!subteam^{usergroup_id}>")
    return " and ".join(parts) or "no reps"


def saved_text(settings: SummarySettings) -> str:
    return (
        f"Saved: a summary of {scope_text(settings.rep_user_ids, settings.usergroup_id)} in "
        f"<#{settings.channel_id}>, {schedule_text(settings)}. `/coach summary list` shows it, "
        "with a button to post it now."
    )


LIST_HEADING = "The channel summaries you manage:"


def summary_list(
    subscriptions: list[Subscription], heading: str = LIST_HEADING
) -> tuple[str, list[Block]]:
    """An ephemeral message: each summary with Post now, Edit and Remove."""
    if not subscriptions:
        text = "No channel summaries yet. `/coach summary` sets one up."
        return text, [SectionBlock(text=text)]
    blocks: list[Block] = [SectionBlock(text=heading)]
    for subscription in subscriptions[:MAX_LISTED]:
        blocks += _listed(subscription)
    if len(subscriptions) > MAX_LISTED:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"…and {len(subscriptions) - MAX_LISTED} more.")]
            )
        )
    return heading, blocks[:SLACK_MESSAGE_BLOCKS_MAX]


def _listed(subscription: Subscription) -> list[Block]:
    value = str(subscription.id)
    lines = [
        f"*<#{subscription.channel_id}>* · {schedule_text(subscription)}",
        f"{scope_text(subscription.rep_user_ids, subscription.usergroup_id)} · set up by "
        f"<@{subscription.owner_user_id}>",
    ]
    if not subscription.enabled:
        lines.append(
            f"⏸ Stopped: {stopped_reason(subscription.disabled_reason)} Edit it to start again."
        )
    return [
        SectionBlock(
            block_id=item_block_id(SummaryListIds.ITEM_BLOCK, subscription.id),
            text="\n".join(lines),
        ),
        ActionsBlock(
            block_id=item_block_id(SummaryListIds.ACTIONS_BLOCK, subscription.id),
            elements=[
                ButtonElement(
                    text="Post now", action_id=SummaryListIds.POST_NOW, value=value, style="primary"
                ),
                ButtonElement(text="Edit", action_id=SummaryListIds.EDIT, value=value),
                ButtonElement(
                    text="Remove",
                    action_id=SummaryListIds.REMOVE,
                    value=value,
                    style="danger",
                    confirm=ConfirmObject(
                        title="Remove this summary?",
                        text="It will not be posted again. Past posts stay in the channel.",
                        confirm="Remove",
                        deny="Cancel",
                        style="danger",
                    ),
                ),
            ],
        ),
    ]


STOPPED_REASONS = {
    "channel_not_found": "its channel is gone, or private and I am not in it.",
    "is_archived": "its channel was archived.",
    "not_in_channel": "I was removed from its channel.",
}


def stopped_reason(error: str | None) -> str:
    return STOPPED_REASONS.get(error or "", f"Slack refused the post (`{escape(error or '?')}`).")


def stopped_message(
    subscription: Subscription, error: str, app_name: str
) -> tuple[str, list[Block]]:
    """The DM to a summary's owner when Slack will no longer take its posts."""
    fix = (
        f"Invite me back with `/invite @{app_name}` in the channel, then save the summary again"
        if error == "not_in_channel"
        else "Choose another channel for it"
    )
    text = (
        f"Your summary for <#{subscription.channel_id}> stopped: {stopped_reason(error)} "
        f"{fix} with `/coach summary list` > Edit, or remove it there."
    )
    return text, [SectionBlock(text=text)]
