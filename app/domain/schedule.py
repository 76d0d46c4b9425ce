"""Moving and cancelling an interaction: the plan and its review move with it, each move is
recorded, and a cancelled interaction is never chased, planned against or counted as lost."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain import when
from app.domain.outcomes import NotYourInteraction, find_own_interaction
from app.domain.text import clean, row_id
from app.domain.workspace import Workspace
from app.models import WHEN_TEXT_MAX, CancelReason, Interaction, NudgeItem, Reschedule


class Change(enum.Enum):
    DONE = "done"
    UNCHANGED = "unchanged"  # a double submit, or already so: nothing changed
    NOT_YOURS = "not_yours"  # not the requester's interaction in this workspace
    CLOSED = "closed"  # an outcome is logged, or it was cancelled: it no longer moves
    TAKEN = "taken"  # another interaction with the account is at that very time


@dataclass(frozen=True)
class Changed:
    change: Change
    interaction: Interaction | None = None


def read_new_time(
    text: str | None, zone: str, now: datetime, locale: str | None = None
) -> when.WhenReading:
    """The new time, read as every "when" is, in the rep's zone and locale."""
    return when.read_when(clean(text), zone, now, locale=locale)


def parse_interaction_id(value: object) -> int | None:
    """A button's value: an interaction id as a decimal string, within the id column's range."""
    return row_id(value)


def changeable(
    session: Session, workspace: Workspace, user_id: str, interaction_id: int, *, lock=False
) -> Changed:
    """The interaction when the rep may still move or cancel it; otherwise why not."""
    try:
        interaction = find_own_interaction(session, workspace, user_id, interaction_id, lock=lock)
    except NotYourInteraction:
        return Changed(Change.NOT_YOURS)
    if interaction.cancelled_at is not None or interaction.outcome is not None:
        return Changed(Change.CLOSED, interaction)
    return Changed(Change.DONE, interaction)


def reschedule(
    session: Session,
    workspace: Workspace,
    user_id: str,
    interaction_id: int,
    *,
    to: datetime,
    when_text: str,
    source_view_id: str,
    now: datetime,
) -> Changed:
    """Move the interaction to `to`, once per submitted form, forgetting its nudges' history
    (the moved meeting starts afresh rather than escalating for the old time)."""
    checked = changeable(session, workspace, user_id, interaction_id, lock=True)
    interaction = checked.interaction
    if checked.change is not Change.DONE or interaction is None:
        return checked
    if interaction.scheduled_at == to:
        return Changed(Change.UNCHANGED, interaction)
    taken = session.scalar(
        select(Interaction.id).where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == user_id,
            Interaction.account_id == interaction.account_id,
            Interaction.scheduled_at == to,
        )
    )
    if taken is not None:
        return Changed(Change.TAKEN, interaction)
    recorded = insert_unless_exists(
        session,
        Reschedule,
        {
            **workspace.columns,
            "interaction_id": interaction.id,
            "rep_user_id": user_id,
            "moved_from": interaction.scheduled_at,
            "moved_to": to,
            "source_view_id": source_view_id,
        },
        ("team_id", "source_view_id"),
    )
    if recorded is None:  # this very form was submitted before
        return Changed(Change.UNCHANGED, interaction)
    interaction.scheduled_at = to
    interaction.when_text = when_text[:WHEN_TEXT_MAX]
    interaction.reschedule_count += 1
    interaction.updated_at = now
    _forget_nudges(session, workspace, interaction.id)
    return Changed(Change.DONE, interaction)


def cancel(
    session: Session,
    workspace: Workspace,
    user_id: str,
    interaction_id: int,
    reason: CancelReason,
    now: datetime,
) -> Changed:
    """Cancel the interaction; cancelling a cancelled one changes nothing."""
    checked = changeable(session, workspace, user_id, interaction_id, lock=True)
    interaction = checked.interaction
    if checked.change is Change.CLOSED and interaction and interaction.cancelled_at:
        return Changed(Change.UNCHANGED, interaction)
    if checked.change is not Change.DONE or interaction is None:
        return checked
    interaction.cancelled_at = now
    interaction.cancel_reason = reason
    interaction.updated_at = now
    _forget_nudges(session, workspace, interaction.id)
    return Changed(Change.DONE, interaction)


def _forget_nudges(session: Session, workspace: Workspace, interaction_id: int) -> None:
    session.execute(
        delete(NudgeItem)
        .where(NudgeItem.team_id == workspace.team_id, NudgeItem.interaction_id == interaction_id)
        .execution_options(synchronize_session=False)
    )
