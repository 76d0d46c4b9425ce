"""The morning nudge: one DM listing what has no next step, with buttons to act on each item."""

from __future__ import annotations

import copy
import enum
from datetime import datetime
from typing import NamedTuple

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from app.domain.nudges import DueItem, ItemKey, SnoozeFor
from app.models import Interaction, NudgeReason, Outcome
from app.slack.payloads import object_at, text_at
from app.slack.views.formatting import DAY_TOKEN, escape, slack_date, truncate
from app.slack.views.labels import KIND_LABELS, RESULT_LABELS

HEADER_MAX = 150
ACCOUNT_MAX = 120
# Message metadata of every nudge: how a send that timed out is found before a retry.
NUDGE_EVENT = "coach_nudge"


class NudgeIds(enum.StrEnum):
    ITEM_BLOCK = "nudge_item"  # each followed by "." and the item's key
    ACTIONS_BLOCK = "nudge_actions"
    STATUS_BLOCK = "nudge_status"
    LOG_OUTCOME = "nudge_log_outcome"
    PLAN_IT = "nudge_plan_it"
    SNOOZE = "nudge_snooze"  # DMs sent before the overflow menu
    MARK_LOST = "nudge_mark_lost"
    MORE = "nudge_more"  # the overflow menu: snooze, mark lost, cancel
    MARK_LOST_CONFIRM = "nudge_mark_lost_confirm"  # the confirmation's callback id
    MARK_LOST_STOPS_BLOCK = "nudge_mark_lost_stops"
    MARK_LOST_CANCEL_BLOCK = "nudge_mark_lost_cancel"


class MoreAction(enum.StrEnum):
    """The overflow menu's choices; an option's value is "<item key>|<choice>"."""

    SNOOZE_TOMORROW = "snooze_tomorrow"
    SNOOZE_NEXT_WEEK = "snooze_next_week"
    MARK_LOST = "mark_lost"
    CANCEL = "cancel"


SNOOZE_OF = {
    MoreAction.SNOOZE_TOMORROW: SnoozeFor.TOMORROW,
    MoreAction.SNOOZE_NEXT_WEEK: SnoozeFor.NEXT_WEEK,
}


FOOTER = (
    "At most one message a day, in your morning, on the days you chose. `/coach settings` "
    "changes the time and the days, or pauses these."
)


ASKED_BEFORE = "_You were asked about this before._"


def item_block_id(prefix: NudgeIds, key: str) -> str:
    return f"{prefix}.{key}"


class NudgeItemRef(NamedTuple):
    """One item of one nudge DM: carried in the private metadata of a form opened from the
    item's button, so that saving the form can show what was done in place of the buttons.

    A tuple, so the metadata's JSON holds it as a short list (the review view's 3,000
    characters are mostly the plan's text).
    """

    channel: str
    ts: str
    key: str

    @classmethod
    def from_action(cls, body: dict, key: str | None) -> NudgeItemRef | None:
        """The item whose button sent `body` (a block_actions payload)."""
        container = object_at(body, "container")
        channel = text_at(container, "channel_id") or text_at(object_at(body, "channel"), "id")
        ts = text_at(object_at(body, "message"), "ts") or text_at(container, "message_ts")
        return cls(channel, ts, key) if channel and ts and key else None

    @property
    def item_key(self) -> ItemKey | None:
        return ItemKey.parse(self.key)

    @property
    def interaction_id(self) -> int | None:
        key = self.item_key
        return key.interaction_id if key else None


def item_what(item: DueItem, zone: str) -> tuple[str, str]:
    """The item's headline moment and what is missing, by reason."""
    kind = KIND_LABELS[item.kind].lower()
    when = slack_date(item.since, zone)
    if item.key.reason is NudgeReason.FOLLOW_UP_DUE:
        agreed = (
            f"They agreed: “{escape(truncate(item.next_step, 300))}”. " if item.next_step else ""
        )
        return f"next step due {when}", f"{agreed}Did they do it? Log what happened."
    if item.key.reason is NudgeReason.NO_NEXT_STEP:
        return f"{kind} {when}", "No dated next step yet: plan the next one with the customer."
    if item.key.reason is NudgeReason.UNPLANNED_TODAY:
        return f"{kind} {when}", "Heads-up: no plan yet. Set a commitment objective before it."
    return f"{kind} {when}", "No outcome logged yet: what did the customer agree to?"


def _item_blocks(item: DueItem, zone: str, now: datetime) -> list[Block]:
    key = str(item.key)
    account = escape(truncate(item.account_name, ACCOUNT_MAX))
    headline, missing = item_what(item, zone)
    # Shown before (in an earlier DM, or a meeting's prompt): not news, and said so.
    asked = f"\n{ASKED_BEFORE}" if item.times_shown else ""
    return [
        SectionBlock(
            block_id=item_block_id(NudgeIds.ITEM_BLOCK, key),
            text=f"*{account}* · {headline}\n{missing}{asked}",
        ),
        ActionsBlock(
            block_id=item_block_id(NudgeIds.ACTIONS_BLOCK, key),
            elements=item_controls(item, now),
        ),
    ]


def item_controls(item: DueItem, now: datetime) -> list[ButtonElement | OverflowMenuElement]:
    """The item's buttons and its overflow menu, wherever the item is shown (the DM, the Home's
    Needs you): the same controls answer to the same listeners."""
    key = str(item.key)
    return [*_item_buttons(item, key, now), _more_menu(item, key)]


def _item_buttons(item: DueItem, key: str, now: datetime) -> list[ButtonElement]:
    """What fits the item: one that still lies ahead is planned, one that passed is logged
    (an outcome without a dated next step asks for the next one to be planned)."""
    log = ButtonElement(text="Log outcome", action_id=NudgeIds.LOG_OUTCOME, value=key)
    plan = ButtonElement(text="Plan it", action_id=NudgeIds.PLAN_IT, value=key)
    if item.key.reason is NudgeReason.NO_NEXT_STEP:
        plan.style = "primary"
        return [plan, log]
    if item.scheduled_at > now:
        plan.style = "primary"
        return [plan, log]
    log.style = "primary"
    return [log]


def _more_menu(item: DueItem, key: str) -> OverflowMenuElement:
    """The rarely used actions, out of the way: snoozing, marking lost and cancelling (not for
    an interaction whose outcome is logged: it happened)."""
    choices = {
        MoreAction.SNOOZE_TOMORROW: "Snooze until tomorrow",
        MoreAction.SNOOZE_NEXT_WEEK: "Snooze until next week",
        MoreAction.MARK_LOST: "Mark lost…",
    }
    if item.key.reason is not NudgeReason.NO_NEXT_STEP:
        choices[MoreAction.CANCEL] = "Cancel it…"
    return OverflowMenuElement(
        action_id=NudgeIds.MORE,
        options=[Option(value=f"{key}|{choice}", label=label) for choice, label in choices.items()],
    )


def escalation_notice(count: int) -> str:
    noun = "item" if count == 1 else "items"
    verb = "was" if count == 1 else "were"
    return (
        f"_{count} {noun} you were reminded of twice {verb} left out of these DMs and went to "
        "your manager's summary. Log them with `/postcall` when you can._"
    )


def nudge_message(
    items: list[DueItem], more: int, zone: str, now: datetime, escalated: int = 0
) -> tuple[str, list[Block]]:
    """Notification text and blocks for the rep's items, most overdue first, then "N more";
    with `escalated`, the once-told note of items that went to the manager's summary."""
    total = len(items) + more
    # Not "a next step" alone: a heads-up item needs a plan, a follow-up a fresh outcome.
    noun = "interaction needs" if total == 1 else "interactions need"
    headline = f"{total} {noun} your attention"
    names = ", ".join(escape(truncate(item.account_name, 40)) for item in items[:3])
    text = f"{headline}: {names}" + (f" and {total - 3} more" if total > 3 else "")
    blocks: list[Block] = [HeaderBlock(text=truncate(f"Good morning: {headline}", HEADER_MAX))]
    for item in items:
        blocks += _item_blocks(item, zone, now)
    if more:
        blocks.append(
            SectionBlock(text=f"…and {more} more. They move up as you deal with the ones above.")
        )
    if escalated:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=escalation_notice(escalated))])
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=FOOTER)]))
    return text, blocks


def outcome_logged_status(outcome: Outcome, zone: str) -> str:
    """ "✓ Outcome logged: Advanced, next step Tue 1 Dec.": for the item Log outcome came from."""
    status = f"✓ Outcome logged: {RESULT_LABELS[outcome.result][0]}"
    if outcome.next_step_at:
        status += f", next step {slack_date(outcome.next_step_at, zone, DAY_TOKEN)}"
    return status + "."


def planned_status(interaction: Interaction, zone: str) -> str:
    """ "✓ Planned for Thu 26 Nov at 2:00 PM.": for the item Plan it came from."""
    return f"✓ Planned for {slack_date(interaction.scheduled_at, zone)}."


def with_item_status(blocks: list[dict], key: str, status: str) -> list[dict]:
    """The DM's blocks (as Slack sent them back) with one item's buttons replaced by `status`."""
    target = item_block_id(NudgeIds.ACTIONS_BLOCK, key)
    status_block = ContextBlock(
        block_id=item_block_id(NudgeIds.STATUS_BLOCK, key),
        elements=[MarkdownTextObject(text=truncate(status, 2000))],
    ).to_dict()
    return [
        status_block if block.get("block_id") == target else copy.deepcopy(block)
        for block in blocks
    ]
