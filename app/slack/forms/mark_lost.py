"""Mark lost's confirmation: what else it stops chasing, and Cancel for a meeting that did
not happen, before anything is logged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from app.domain.nudges import DueItem, ItemKey
from app.models import Interaction
from app.slack.forms.fields import form_modal
from app.slack.forms.metadata import FormMetadata
from app.slack.views.formatting import escape, slack_date, truncate
from app.slack.views.interaction_actions import InteractionIds, interaction_button
from app.slack.views.labels import KIND_LABELS
from app.slack.views.nudges import NudgeIds, NudgeItemRef

ACCOUNT_MAX = 120


def _item_key(text: str) -> str:
    if ItemKey.parse(text) is None:
        raise ValueError("not a nudge item")
    return text


class MarkLostMetadata(FormMetadata):
    """The nudge item the confirmation is about, and the DM that shows the result once
    confirmed (none when it was asked from the App Home)."""

    v: int = 2
    key: Annotated[str, Field(max_length=64), AfterValidator(_item_key)]
    item: NudgeItemRef | None = None


def mark_lost_modal(
    item: DueItem,
    stops: list[Interaction],
    shown: int,
    zone: str,
    metadata: MarkLostMetadata,
    *,
    offer_cancel: bool,
) -> View:
    """The confirmation: `stops` (at most `shown` listed) are the account's other open
    interactions that Lost stops chasing; `offer_cancel` for an interaction that may not have
    happened, where Cancel (not a lost deal) is likely what the rep means."""
    account = escape(truncate(item.account_name, ACCOUNT_MAX))
    kind = KIND_LABELS[item.kind].lower()
    blocks: list[Block] = [
        SectionBlock(
            text=f"This logs your {kind} with *{account}* ({slack_date(item.scheduled_at, zone)})"
            " as *Lost*: a lost deal, counted in your figures, and the end of this account's "
            "chain."
        ),
        _stops_block(stops, shown, account, zone),
    ]
    if offer_cancel:
        blocks.append(
            SectionBlock(
                block_id=NudgeIds.MARK_LOST_CANCEL_BLOCK,
                text=f"*Did the {kind} not happen?* Cancel it instead: a cancelled {kind} is "
                "not a lost deal, and the account's other interactions stay as they are.",
                accessory=interaction_button(InteractionIds.CANCEL, "Cancel it", item_id(item)),
            )
        )
    return form_modal(
        NudgeIds.MARK_LOST_CONFIRM,
        "Mark it lost?",
        submit="Mark lost",
        close="Back",
        metadata=metadata,
        blocks=blocks,
    )


def item_id(item: DueItem) -> int:
    return item.key.interaction_id


def _stops_block(stops: list[Interaction], shown: int, account: str, zone: str) -> Block:
    if not stops:
        return ContextBlock(
            block_id=NudgeIds.MARK_LOST_STOPS_BLOCK,
            elements=[MarkdownTextObject(text=f"No other interaction with {account} is open.")],
        )
    lines = [
        f"• {KIND_LABELS[other.kind]} {slack_date(other.scheduled_at, zone)}"
        + ("" if other.objective else " (no plan yet)")
        for other in stops[:shown]
    ]
    if len(stops) > shown:
        lines.append("• …and more")
    return SectionBlock(
        block_id=NudgeIds.MARK_LOST_STOPS_BLOCK,
        text=f"*It also stops chasing {account}'s other open interactions:*\n" + "\n".join(lines),
    )


def cancel_offer_modal(item: DueItem, zone: str, now: datetime) -> View:
    """The overflow's Cancel: the interaction with its Cancel button, which asks why."""
    account = escape(truncate(item.account_name, ACCOUNT_MAX))
    kind = KIND_LABELS[item.kind].lower()
    happened = "was" if item.scheduled_at <= now else "is"
    return View(
        type="modal",
        title="Cancel it?",
        close="Back",
        blocks=[
            SectionBlock(
                text=f"Your {kind} with *{account}* {happened} "
                f"{slack_date(item.scheduled_at, zone)}. A cancelled {kind} is never nudged "
                "and is not counted as lost.",
                accessory=interaction_button(
                    InteractionIds.CANCEL, "Cancel it", item_id(item), style="danger"
                ),
            )
        ],
    )
