"""A rep's connected calendar: stored encrypted, shown masked, removed by its owner only."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.calendar.address import mask_address
from app.domain.secrets import SecretBox
from app.domain.workspace import Workspace
from app.models import CalendarLink


@dataclass(frozen=True)
class LinkShown:
    """What may be shown of a link: never the address itself."""

    id: int
    user_id: str
    masked: str
    connected_at: datetime


class Disconnected(enum.Enum):
    REMOVED = "removed"
    ALREADY_GONE = "already_gone"
    NOT_YOURS = "not_yours"


def _shown(link: CalendarLink) -> LinkShown:
    return LinkShown(link.id, link.user_id, link.address_masked, link.connected_at)


def find_link(session: Session, workspace: Workspace, user_id: str) -> LinkShown | None:
    link = _row(session, workspace, user_id)
    return _shown(link) if link is not None else None


def _row(session: Session, workspace: Workspace, user_id: str) -> CalendarLink | None:
    return session.scalar(
        select(CalendarLink).where(
            CalendarLink.team_id == workspace.team_id, CalendarLink.user_id == user_id
        )
    )


def connect(
    session: Session,
    workspace: Workspace,
    user_id: str,
    address: str,
    secrets: SecretBox,
    now: datetime,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> LinkShown:
    """Store the rep's calendar, replacing the one they had; a repeated submit stores one."""
    sealed, masked = secrets.seal(address), mask_address(address)
    values = {
        **workspace.columns,
        "user_id": user_id,
        "address_secret": sealed,
        "address_masked": masked,
        "connected_at": now,
    }
    insert_unless_exists(session, CalendarLink, values, ("team_id", "user_id"))
    link = _row(session, workspace, user_id)
    assert link is not None
    link.address_secret, link.address_masked, link.connected_at = sealed, masked, now
    link.etag, link.last_modified = etag, last_modified
    return _shown(link)


def stored_address(
    session: Session, workspace: Workspace, user_id: str, secrets: SecretBox
) -> str | None:
    """The secret address, for fetching it: never to be shown or logged."""
    link = _row(session, workspace, user_id)
    return secrets.open(link.address_secret) if link is not None else None


def disconnect(session: Session, workspace: Workspace, user_id: str, link_id: int) -> Disconnected:
    """Remove link `link_id` if it is `user_id`'s own; already gone is no error."""
    link = session.scalar(
        select(CalendarLink).where(
            CalendarLink.team_id == workspace.team_id, CalendarLink.id == link_id
        )
    )
    if link is None:
        return Disconnected.ALREADY_GONE
    if link.user_id != user_id:
        return Disconnected.NOT_YOURS
    session.execute(delete(CalendarLink).where(CalendarLink.id == link.id))
    return Disconnected.REMOVED
