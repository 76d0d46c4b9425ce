"""The managers an admin names: those who may set up summaries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import (
    Manager,
)


def manager_ids(session: Session, workspace: Workspace) -> list[str]:
    return list(
        session.scalars(
            select(Manager.user_id)
            .where(Manager.team_id == workspace.team_id)
            .order_by(Manager.created_at, Manager.id)
        )
    )


def set_managers(
    session: Session,
    workspace: Workspace,
    user_ids: Iterable[str],
    added_by: str,
    now: datetime,
) -> tuple[list[str], list[str]]:
    """Make `user_ids` the workspace's managers; the ones added and the ones removed.

    Safe when two admins save at once: each add is an insert that ignores an existing row.
    """
    wanted = list(dict.fromkeys(user_ids))
    current = manager_ids(session, workspace)
    removed = [user_id for user_id in current if user_id not in wanted]
    added = []
    for user_id in wanted:
        row = {"user_id": user_id, "added_by": added_by, "created_at": now, "updated_at": now}
        if insert_unless_exists(
            session, Manager, {**workspace.columns, **row}, ("team_id", "user_id")
        ):
            added.append(user_id)
    if removed:
        session.execute(
            delete(Manager).where(
                Manager.team_id == workspace.team_id, Manager.user_id.in_(removed)
            )
        )
    return added, removed
