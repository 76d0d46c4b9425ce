"""The nudge message as a pure function: within Slack's limits, whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.models.blocks import Block

from app.domain.nudges import DueItem, ItemKey
from app.domain.outcomes import ENDS_CHAIN, NEEDS_NEXT_STEP
from app.models import AWAITING_NEXT_STEP, CLOSES_CHAIN, InteractionKind, NudgeReason
from app.sandbox.limits import MESSAGE_MAX_BLOCKS, validate_message_blocks
from app.slack.views.nudges import (
    MoreAction,
    NudgeIds,
    item_block_id,
    nudge_message,
    with_item_status,
)

AT = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def item(n: int, reason=NudgeReason.NO_OUTCOME, account="Acme Corp", next_step=None) -> DueItem:
    return DueItem(
        ItemKey(n, reason),
        "U0REP",
        account,
        InteractionKind.CALL,
        AT + timedelta(hours=n),
        next_step,
    )


def dicts(blocks: list[Block]) -> list[dict]:
    return [block.to_dict() for block in blocks]


def test_ten_long_items_stay_within_slacks_limits() -> None:
    reasons = list(NudgeReason)
    items = [
        item(n, reasons[n % len(reasons)], "A" * 150 + " <@U0HACK> & co", "x" * 2000)
        for n in range(10)
    ]
    text, blocks = nudge_message(items, more=7, zone="Asia/Kolkata", now=AT)
    assert len(blocks) <= MESSAGE_MAX_BLOCKS
    assert validate_message_blocks(dicts(blocks)) == []
    assert "<@U0HACK>" not in str(dicts(blocks)) + text  # user text never becomes a mention
    assert "…and 7 more" in str(dicts(blocks))
    assert text.startswith("17 interactions need your attention")


def test_each_reason_says_what_is_missing() -> None:
    said = {
        reason: str(
            dicts(nudge_message([item(1, reason, next_step="Dana books it")], 0, "UTC", AT)[1])
        )
        for reason in NudgeReason
    }
    assert "No outcome logged yet" in said[NudgeReason.NO_OUTCOME]
    assert "Dana books it" in said[NudgeReason.FOLLOW_UP_DUE]
    assert "Did they do it?" in said[NudgeReason.FOLLOW_UP_DUE]
    assert "No dated next step" in said[NudgeReason.NO_NEXT_STEP]
    assert "Heads-up: no plan yet" in said[NudgeReason.UNPLANNED_TODAY]
    assert f"<!date^{int((AT + timedelta(hours=1)).timestamp())}^" in said[NudgeReason.NO_OUTCOME]


def test_a_status_replaces_only_the_items_buttons() -> None:
    _, blocks = nudge_message([item(1), item(2)], 0, "UTC", AT)
    updated = with_item_status(dicts(blocks), "1:no_outcome", "Snoozed")
    ids = [block.get("block_id") for block in updated]
    assert item_block_id(NudgeIds.ACTIONS_BLOCK, "1:no_outcome") not in ids
    assert item_block_id(NudgeIds.STATUS_BLOCK, "1:no_outcome") in ids
    assert item_block_id(NudgeIds.ACTIONS_BLOCK, "2:no_outcome") in ids
    assert validate_message_blocks(updated) == []


def test_the_partial_index_predicates_say_what_the_outcome_rules_say() -> None:
    # The SQL literals of app.models must name the same results as app.domain.outcomes.
    assert all(f"'{result.value}'" in CLOSES_CHAIN for result in ENDS_CHAIN)
    assert all(f"'{result.value}'" in AWAITING_NEXT_STEP for result in NEEDS_NEXT_STEP)
    assert "'continuation'" in AWAITING_NEXT_STEP


def controls(item_: DueItem, now: datetime) -> tuple[list[str], list[str]]:
    """The item's buttons (action ids) and the choices of its overflow menu."""
    _, blocks = nudge_message([item_], 0, "UTC", now)
    (actions,) = [b for b in dicts(blocks) if b["type"] == "actions"]
    buttons = [e["action_id"] for e in actions["elements"] if e["type"] == "button"]
    (menu,) = [e for e in actions["elements"] if e["type"] == "overflow"]
    assert menu["action_id"] == NudgeIds.MORE
    return buttons, [o["value"].split("|")[1] for o in menu["options"]]


def test_an_item_that_passed_offers_log_outcome_and_cancel_not_plan_it() -> None:
    passed = item(1)  # a call an hour after AT, seen two hours later
    buttons, more = controls(passed, AT + timedelta(hours=2))
    assert buttons == [NudgeIds.LOG_OUTCOME]
    assert more == [
        MoreAction.SNOOZE_TOMORROW,
        MoreAction.SNOOZE_NEXT_WEEK,
        MoreAction.MARK_LOST,
        MoreAction.CANCEL,
    ]


def test_an_item_still_ahead_is_planned_first_and_one_logged_is_never_cancelled() -> None:
    buttons, more = controls(item(3, NudgeReason.UNPLANNED_TODAY), AT)
    assert buttons == [NudgeIds.PLAN_IT, NudgeIds.LOG_OUTCOME]
    assert MoreAction.CANCEL in more
    buttons, more = controls(item(1, NudgeReason.NO_NEXT_STEP), AT + timedelta(days=1))
    assert buttons == [NudgeIds.PLAN_IT, NudgeIds.LOG_OUTCOME]
    assert MoreAction.CANCEL not in more and MoreAction.MARK_LOST in more
