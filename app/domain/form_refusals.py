"""Refused submissions of an open form, counted so that a late read-back cannot hide them."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import FormRefusal


def refusals(session: Session, workspace: Workspace, form_id: str) -> int:
    """How many submissions of the form were refused so far."""
    found = session.scalar(
        select(FormRefusal.refusals).where(
            FormRefusal.team_id == workspace.team_id, FormRefusal.form_id == form_id
        )
    )
    return found or 0


def record_refusal(session: Session, workspace: Workspace, form_id: str) -> None:
    """One more refused submission (an atomic increment: two workers may refuse at once)."""
    insert_unless_exists(
        session,
        FormRefusal,
        {**workspace.columns, "form_id": form_id, "refusals": 0},
        ("team_id", "form_id"),
    )
    session.execute(
        update(FormRefusal)
        .where(FormRefusal.team_id == workspace.team_id, FormRefusal.form_id == form_id)
        .values(refusals=FormRefusal.refusals + 1)
    )
