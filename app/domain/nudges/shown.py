"""After a nudge DM went out: each item it showed counted once for the rep's local date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    or_,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from app.db import insert_all_unless_exist, insert_unless_exists
from app.domain.nudges.rules import ItemKey
from app.domain.workspace import Workspace
from app.models import (
    NudgeItem,
)


def record_shown(
    session: Session,
    workspace: Workspace,
    user_id: str,
    keys: Iterable[ItemKey],
    local_date: date,
    now: datetime,
) -> None:
    """Count one appearance of each item shown in the rep's DM for `local_date` (once a date)."""
    keys = list(keys)
    if not keys:
        return
    # One statement for all of them: a sweep sends thousands of DMs, each with several items.
    insert_all_unless_exist(
        session, NudgeItem, [_item_row(workspace, user_id, key, now) for key in keys], ITEM_KEY
    )
    session.execute(
        update(NudgeItem)
        .where(
            NudgeItem.team_id == workspace.team_id,
            tuple_(NudgeItem.interaction_id, NudgeItem.reason).in_(
                [(key.interaction_id, key.reason.value) for key in keys]
            ),
            or_(NudgeItem.last_shown_on.is_(None), NudgeItem.last_shown_on < local_date),
        )
        .values(times_shown=NudgeItem.times_shown + 1, last_shown_on=local_date, updated_at=now)
        .execution_options(synchronize_session=False)
    )


ITEM_KEY = ("team_id", "interaction_id", "reason")


def _item_row(workspace: Workspace, user_id: str, key: ItemKey, now: datetime) -> dict:
    return {
        **workspace.columns,
        "rep_user_id": user_id,
        "interaction_id": key.interaction_id,
        "reason": key.reason,
        "times_shown": 0,
        "created_at": now,
        "updated_at": now,
    }


def ensure_item_row(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> None:
    insert_unless_exists(session, NudgeItem, _item_row(workspace, user_id, key, now), ITEM_KEY)
