"""One rep's nudge items as the morning DM would list them now, and those escalated: what the
App Home's "Needs you" shows, by the very rules of the sweep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, literal, or_, select
from sqlalchemy.orm import Session

from app.domain.nudges.rules import (
    DEFAULT_RULES,
    DueItem,
    NudgeRules,
    described,
    due_item,
    item_record_join,
    open_items_query,
)
from app.domain.workspace import Workspace
from app.models import NudgeItem, UTCDateTime


@dataclass(frozen=True)
class RepItems:
    shown: list[DueItem] = field(default_factory=list)  # what the DM lists, most overdue first
    escalated: list[DueItem] = field(default_factory=list)  # gone to the manager's summary


def items_for_rep(
    session: Session,
    workspace: Workspace,
    user_id: str,
    zone: str,
    now: datetime,
    rules: NudgeRules = DEFAULT_RULES,
) -> RepItems:
    """One statement: the sweep's due rules for this one rep, with each item's record."""
    local = now.astimezone(ZoneInfo(zone))
    day_end = datetime.combine(local.date() + timedelta(days=1), time(), ZoneInfo(zone))
    # Bound literals rather than a VALUES list: the statement is then compiled once, not on
    # every opening of the Home.
    rep = select(
        literal(workspace.team_id, String).label("team_id"),
        literal(user_id, String).label("user_id"),
        literal(day_end, UTCDateTime()).label("day_end"),
    ).cte("rep")
    items = open_items_query(rep, now, rules, heads_up=True).subquery("items")
    rows = list(
        session.execute(
            described(items)
            .add_columns(NudgeItem.times_shown)
            .outerjoin(NudgeItem, item_record_join(items))
            .where(or_(NudgeItem.snoozed_until.is_(None), NudgeItem.snoozed_until <= now))
        )
    )
    rows.sort(key=lambda row: (row.scheduled_at, row.interaction_id))
    found = RepItems()
    for row in rows:
        shown = row.times_shown or 0
        target = found.shown if shown < rules.max_appearances else found.escalated
        target.append(due_item(row, shown))
    return found
