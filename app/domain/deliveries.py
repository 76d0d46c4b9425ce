"""Claims on outgoing messages, so each one is sent once however many processes race."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import Delivery, DeliveryStatus


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    recipient: str


def claim(
    session: Session, workspace: Workspace, kind: str, key: str, recipient: str, now: datetime
) -> Claim | None:
    """The right to send message `kind`/`key`, or None when another process already has it."""
    delivery_id = insert_unless_exists(
        session,
        Delivery,
        {
            **workspace.columns,
            "kind": kind,
            "key": key[:255],
            "recipient": recipient,
            "status": DeliveryStatus.SENDING,
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
        },
        ("team_id", "kind", "key"),
    )
    return Claim(delivery_id, recipient) if delivery_id is not None else None


def mark_sent(
    session: Session, claim: Claim, channel: str | None, message_ts: str | None, now: datetime
) -> None:
    delivery = session.get_one(Delivery, claim.delivery_id)
    delivery.status = DeliveryStatus.SENT
    delivery.channel = channel
    delivery.message_ts = message_ts
    delivery.error = None
    delivery.sent_at = now


def mark_failed(
    session: Session,
    claim: Claim,
    error: str,
    now: datetime,
    *,
    retry_not_before: datetime | None = None,
    give_up: bool = False,
) -> None:
    delivery = session.get_one(Delivery, claim.delivery_id)
    delivery.status = DeliveryStatus.ABANDONED if give_up else DeliveryStatus.FAILED
    delivery.error = error[:255]
    delivery.not_before = retry_not_before
    delivery.updated_at = now


def find_delivery(session: Session, workspace: Workspace, kind: str, key: str) -> Delivery | None:
    return session.scalar(
        select(Delivery).where(
            Delivery.team_id == workspace.team_id, Delivery.kind == kind, Delivery.key == key
        )
    )
