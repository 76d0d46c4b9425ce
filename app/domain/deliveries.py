"""Claims on outgoing messages, so each one is sent once however many processes race."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import Delivery, DeliveryKind, DeliveryStatus

# Marks a failure after which Slack may or may not have posted the message (a timeout once the
# request was sent, a process that died mid-send): it is looked for before it is sent again.
UNCERTAIN = "uncertain"
INTERRUPTED = f"{UNCERTAIN}: interrupted while sending"


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    recipient: str
    previous_error: str | None = None  # set when a failed delivery is being retried
    # When the message was first claimed: no attempt at it can have posted it earlier.
    claimed_at: datetime | None = None


def claim(
    session: Session,
    workspace: Workspace,
    kind: DeliveryKind,
    key: str,
    recipient: str,
    now: datetime,
) -> Claim | None:
    """The right to send message `kind`/`key`, or None when another process already has it."""
    delivery_id = _insert_claim(
        session, workspace, kind, key, recipient, now, DeliveryStatus.SENDING
    )
    return Claim(delivery_id, recipient, claimed_at=now) if delivery_id is not None else None


def _insert_claim(
    session: Session,
    workspace: Workspace,
    kind: DeliveryKind,
    key: str,
    recipient: str,
    now: datetime,
    status: DeliveryStatus,
) -> int | None:
    """The new claim row's id; None when `kind`/`key` was claimed before."""
    return insert_unless_exists(
        session,
        Delivery,
        {
            **workspace.columns,
            "kind": kind,
            "key": key[:255],
            "recipient": recipient,
            "status": status,
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
            "sent_at": now if status is DeliveryStatus.SENT else None,
        },
        ("team_id", "kind", "key"),
    )


def first_request(
    session: Session, workspace: Workspace, kind: DeliveryKind, key: str, now: datetime
) -> bool:
    """Whether this is the first time the request `key` (its trigger id) is handled: a one-shot
    request replayed (a captured signed request, sent again) is then a no-op, across processes.
    Recorded as sent at once: there is nothing to send for it, so nothing can be stuck."""
    inserted = _insert_claim(session, workspace, kind, key, "", now, DeliveryStatus.SENT)
    return inserted is not None


def reclaim_failed(
    session: Session, workspace: Workspace, kind: DeliveryKind, key: str, now: datetime
) -> Claim | None:
    """The right to retry a failed message whose `not_before` has passed; of any number of
    racing processes exactly one gets it (the row moves from failed to sending)."""
    row = session.execute(
        update(Delivery)
        .where(
            Delivery.team_id == workspace.team_id,
            Delivery.kind == kind,
            Delivery.key == key[:255],
            Delivery.status == DeliveryStatus.FAILED,
            or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
        )
        .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1, updated_at=now)
        .returning(Delivery.id, Delivery.recipient, Delivery.error, Delivery.created_at)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        return None
    return Claim(row.id, row.recipient, previous_error=row.error, claimed_at=row.created_at)


def release_interrupted(
    session: Session,
    workspace: Workspace,
    kind: DeliveryKind,
    key: str,
    claimed_before: datetime,
    now: datetime,
) -> bool:
    """Make a claim left "sending" since before `claimed_before` (its process died mid-send)
    an uncertain failure, due at once: the next claimant looks for the message, then sends it
    if it is not there, once. True for the one caller of any number racing that released it."""
    released = session.execute(
        update(Delivery)
        .where(
            Delivery.team_id == workspace.team_id,
            Delivery.kind == kind,
            Delivery.key == key[:255],
            Delivery.status == DeliveryStatus.SENDING,
            Delivery.updated_at < claimed_before,
        )
        .values(status=DeliveryStatus.FAILED, error=INTERRUPTED, not_before=None, updated_at=now)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return released is not None


def failed_due(
    session: Session, kinds: tuple[DeliveryKind, ...], now: datetime, claimed_since: datetime
) -> list[Delivery]:
    """Failed messages of `kinds`, first claimed since `claimed_since`, due a retry by `now`."""
    return list(
        session.scalars(
            select(Delivery)
            .where(
                Delivery.kind.in_(kinds),
                Delivery.status == DeliveryStatus.FAILED,
                Delivery.created_at >= claimed_since,
                or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
            )
            .order_by(Delivery.created_at)
        )
    )


def mark_sent(
    session: Session, claim: Claim, channel: str | None, message_ts: str | None, now: datetime
) -> None:
    delivery = session.get_one(Delivery, claim.delivery_id)
    delivery.status = DeliveryStatus.SENT
    delivery.channel = channel
    delivery.message_ts = message_ts
    delivery.error = None
    delivery.not_before = None
    delivery.sent_at = now
    delivery.updated_at = now


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
