"""What is due for whom: the morning nudge's rules, in a few statements for all reps at once."""

# The package's modules follow its sections: rules (the due rules, also the summaries'),
# window and sweep (the sweep's question), shown (after a DM), buttons (the DM's buttons).
from __future__ import annotations

from app.domain.nudges.buttons import (
    ItemAction,
    SnoozeFor,
    item_state,
    mark_lost,
    may_not_have_happened,
    open_item,
    snooze,
    snooze_end,
    stops_chasing,
)
from app.domain.nudges.for_rep import RepItems, items_for_rep
from app.domain.nudges.rules import (
    DEFAULT_RULES,
    MAX_APPEARANCES,
    MAX_ITEMS_SHOWN,
    STUCK_AFTER,
    DueItem,
    ItemKey,
    NudgeRules,
    delivery_key,
    item_record_join,
    open_items_query,
)
from app.domain.nudges.shown import record_shown
from app.domain.nudges.sweep import FIND_BATCH, DueNow, DueRep, RepKey, StuckNudge, find_due

__all__ = [
    "may_not_have_happened",
    "stops_chasing",
    "MAX_ITEMS_SHOWN",
    "MAX_APPEARANCES",
    "STUCK_AFTER",
    "NudgeRules",
    "DEFAULT_RULES",
    "ItemKey",
    "DueItem",
    "delivery_key",
    "open_items_query",
    "item_record_join",
    "DueRep",
    "StuckNudge",
    "DueNow",
    "FIND_BATCH",
    "RepKey",
    "find_due",
    "record_shown",
    "RepItems",
    "items_for_rep",
    "ItemAction",
    "open_item",
    "item_state",
    "SnoozeFor",
    "snooze_end",
    "snooze",
    "mark_lost",
]
