"""The nudge DM's buttons: whether an item is still open, snoozing it, marking it lost."""

from __future__ import annotations

import enum
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.domain.nudges.rules import DueItem, ItemKey, chain_open, described, due_item, unresolved
from app.domain.nudges.shown import ensure_item_row
from app.domain.outcomes import (
    NotYourInteraction,
    OutcomeDraft,
    find_own_interaction,
    save_outcome,
)
from app.domain.workspace import Workspace
from app.models import (
    Interaction,
    InteractionKind,
    NudgeItem,
    NudgeReason,
    Outcome,
    Result,
)

# The confirmation of Mark lost lists this many of what it stops chasing, then "and more".
STOPS_CHASING_SHOWN = 10


class ItemAction(enum.Enum):
    DONE = "done"
    HANDLED = "handled"  # already dealt with: nothing changed
    NOT_YOURS = "not_yours"  # someone else's item: nothing changed


def open_item(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> DueItem | None:
    """The item if it is still unresolved (snoozed or escalated ones count as unresolved)."""
    items = (
        select(
            Interaction.team_id,
            Interaction.rep_user_id,
            Interaction.id.label("interaction_id"),
            literal(key.reason.value).label("reason"),
            Interaction.scheduled_at,
        )
        .outerjoin(Outcome, Outcome.interaction_id == Interaction.id)
        .where(
            Interaction.id == key.interaction_id,
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == user_id,
            *unresolved(key),
            chain_open(Interaction),
        )
        .subquery("items")
    )
    row = session.execute(described(items)).first()
    return due_item(row) if row else None


def item_state(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> tuple[ItemAction, DueItem | None]:
    """Whether `user_id` may act on the item now: DONE with the item, HANDLED or NOT_YOURS."""
    try:
        find_own_interaction(session, workspace, user_id, key.interaction_id)
    except NotYourInteraction:
        return ItemAction.NOT_YOURS, None
    item = open_item(session, workspace, user_id, key, now)
    return (ItemAction.DONE, item) if item else (ItemAction.HANDLED, None)


class SnoozeFor(enum.StrEnum):
    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"


def snooze_end(choice: SnoozeFor, zone: str, now: datetime) -> datetime:
    """The start of the rep's next local day, or of next Monday."""
    today = now.astimezone(ZoneInfo(zone)).date()
    days = 1 if choice is SnoozeFor.TOMORROW else 7 - today.weekday()
    return datetime.combine(today + timedelta(days=days), time(), ZoneInfo(zone))


def snooze(
    session: Session,
    workspace: Workspace,
    user_id: str,
    key: ItemKey,
    until: datetime,
    now: datetime,
) -> tuple[ItemAction, DueItem | None]:
    """Keep the item out of the rep's DMs until `until`."""
    action, item = item_state(session, workspace, user_id, key, now)
    if action is ItemAction.DONE:
        ensure_item_row(session, workspace, user_id, key, now)
        session.execute(
            update(NudgeItem)
            .where(
                NudgeItem.team_id == workspace.team_id,
                NudgeItem.interaction_id == key.interaction_id,
                NudgeItem.reason == key.reason,
            )
            .values(snoozed_until=until, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return action, item


def mark_lost(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> tuple[ItemAction, DueItem | None]:
    """Log the interaction as Lost (keeping any notes), which closes the account's chain."""
    action, item = item_state(session, workspace, user_id, key, now)
    if action is ItemAction.DONE:
        notes = session.scalar(
            select(Outcome.notes).where(Outcome.interaction_id == key.interaction_id)
        )
        draft = OutcomeDraft(
            interaction_id=key.interaction_id,
            unplanned=None,
            result=Result.LOST,
            next_step=None,
            next_step_at=None,
            next_step_when_text=None,
            notes=notes,
        )
        save_outcome(session, workspace, user_id, draft, now)
    return action, item


def may_not_have_happened(item: DueItem, now: datetime) -> bool:
    """A meeting or call whose time passed with nothing logged: perhaps it never took place,
    and cancelling it (rather than marking it lost) is what the rep means."""
    return (
        item.key.reason in (NudgeReason.NO_OUTCOME, NudgeReason.UNPLANNED_TODAY)
        and item.kind in (InteractionKind.MEETING, InteractionKind.CALL)
        and item.scheduled_at <= now
    )


def stops_chasing(
    session: Session, workspace: Workspace, user_id: str, interaction_id: int
) -> list[Interaction]:
    """What marking the interaction lost stops chasing besides it: the rep's other open
    interactions with the account (Lost closes the whole chain), by time."""
    account_id = (
        select(Interaction.account_id)
        .where(
            Interaction.id == interaction_id,
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == user_id,
        )
        .scalar_subquery()
    )
    return list(
        session.scalars(
            select(Interaction)
            .where(
                Interaction.team_id == workspace.team_id,
                Interaction.rep_user_id == user_id,
                Interaction.account_id == account_id,
                Interaction.id != interaction_id,
                ~select(Outcome.id).where(Outcome.interaction_id == Interaction.id).exists(),
            )
            .order_by(Interaction.scheduled_at)
            .limit(STOPS_CHASING_SHOWN + 1)
        )
    )
