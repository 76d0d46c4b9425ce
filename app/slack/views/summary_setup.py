"""Channel summaries in messages: the list and its buttons, the schedule in words, the stop."""

from __future__ import annotations

import enum

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.summaries import Subscription, SummarySettings
from app.models import SummaryCadence
from app.slack.views.formatting import escape
from app.slack.views.nudge_settings import DAY_NAMES, time_value

MAX_LISTED = 23  # two blocks each, with the list's heading and "N more", within 50 blocks
SLACK_MESSAGE_BLOCKS_MAX = 50


class SummaryListIds(enum.StrEnum):
    ITEM_BLOCK = "summary_item"  # each followed by "." and the summary's id
    ACTIONS_BLOCK = "summary_actions"
    POST_NOW = "summary_post_now"  # the last complete day or week
    POST_TODAY = "summary_post_today"  # today so far
    EDIT = "summary_edit"
    REMOVE = "summary_remove"


def item_block_id(prefix: SummaryListIds, subscription_id: int) -> str:
    return f"{prefix}.{subscription_id}"


def schedule_text(subscription: SummarySettings) -> str:
    """ "weekly on Monday at 08:00 (America/New_York)"."""
    at = f"at {time_value(subscription.minute)} ({subscription.zone})"
    if subscription.cadence is SummaryCadence.WEEKLY and subscription.weekday is not None:
        return f"weekly on {DAY_NAMES[subscription.weekday]} {at}"
    return f"daily {at}"


NAMED_REPS_MAX = 20  # reps named in a list entry; more are counted


def scope_text(
    rep_user_ids: tuple[str, ...], usergroup_id: str | None, *, names: bool = False
) -> str:
    """ "3 reps and @sales-east"; with `names`, the reps by mention: "@Dana, @Kenji and ..."."""
    parts = []
    if rep_user_ids and names:
        shown = ", ".join(f"<@{rep}>" for rep in rep_user_ids[:NAMED_REPS_MAX])
        more = len(rep_user_ids) - NAMED_REPS_MAX
        parts.append(shown + (f" and {more} more" if more > 0 else ""))
    elif rep_user_ids:
        parts.append(f"{len(rep_user_ids)} rep{'s' if len(rep_user_ids) != 1 else ''}")
    if usergroup_id:
        parts.append(f"the group <!subteam^{usergroup_id}>")
    return " and ".join(parts) or "no reps"


def saved_text(settings: SummarySettings) -> str:
    return (
        f"Saved: a summary of {scope_text(settings.rep_user_ids, settings.usergroup_id)} in "
        f"<#{settings.channel_id}>, {schedule_text(settings)}. `/coach summary list` shows it, "
        "with a button to post it now."
    )


LIST_HEADING = "The channel summaries you manage:"
COMPLETE_PERIOD = {SummaryCadence.DAILY: "last day", SummaryCadence.WEEKLY: "last week"}


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
        f"{scope_text(subscription.rep_user_ids, subscription.usergroup_id, names=True)} · "
        "set up by "
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
                    text=f"Post {COMPLETE_PERIOD[subscription.cadence]}",
                    action_id=SummaryListIds.POST_NOW,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text="Post today so far", action_id=SummaryListIds.POST_TODAY, value=value
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
        f"Invite me back with `/invite @{escape(app_name)}` in the channel, then save the "
        "summary again"
        if error == "not_in_channel"
        else "Choose another channel for it"
    )
    text = (
        f"Your summary for <#{subscription.channel_id}> stopped: {stopped_reason(error)} "
        f"{fix} with `/coach summary list` > Edit, or remove it there."
    )
    return text, [SectionBlock(text=text)]


def manager_welcome(admin_id: str) -> tuple[str, list[Block]]:
    """The DM to someone just named a manager: what they can now do."""
    text = (
        f"<@{admin_id}> named you a manager in Commitment Coach. You can now:\n"
        "• set up a daily or weekly team summary in a channel with `/coach summary`, for the "
        "reps you choose (by name or a user group);\n"
        "• post it at once and change it from `/coach summary list`;\n"
        "• export the interactions of your summaries' reps with `/coach export`.\n"
        "Only the reps of your summaries appear in what you see."
    )
    return "You are now a manager in Commitment Coach", [SectionBlock(text=text)]
