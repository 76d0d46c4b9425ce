"""The pass's question: every summary whose time has come and is not posted yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import deliveries
from app.domain.nudges import rules as due_rules
from app.domain.summaries.periods import Period, period_before, scheduled_key
from app.domain.summaries.subscriptions import Subscription
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    SummarySubscription,
)


@dataclass(frozen=True)
class DueSummary:
    subscription: Subscription
    period: Period
    key: str


@dataclass(frozen=True)
class StuckSummary:
    """A claim left in "sending" by a process that stopped mid-post: reported, and due again as
    an uncertain failure (looked for in the channel before it is posted, once)."""

    subscription_id: int
    channel_id: str
    key: str
    claimed_at: datetime


@dataclass
class DueSummaries:
    due: list[DueSummary] = field(default_factory=list)
    stuck: list[StuckSummary] = field(default_factory=list)


def find_due(session: Session, now: datetime) -> DueSummaries:
    """Every enabled summary whose time has come in its zone, within the last day, and whose
    period is not posted yet (or failed, and its retry time has come); two statements, and one
    per stuck claim.

    A claim left "sending" for `STUCK_AFTER` (its process died mid-post) is reported stuck and
    released as an uncertain failure, due at once: its claimant looks for the post first.

    A summary set up after its time waits for its next one. A post missed at its time (no pass
    ran: the worker was down) or failing is tried until a day after its time; later, it is
    left to the next one.
    """
    candidates: dict[tuple[str, str], DueSummary] = {}
    rows = session.scalars(
        select(SummarySubscription).where(SummarySubscription.enabled.is_(True))
    ).all()
    for subscription in map(Subscription.of, rows):
        occurrence = subscription.occurrence_due(now)
        if occurrence is None:
            continue
        period = period_before(subscription.cadence, subscription.zone, occurrence)
        key = scheduled_key(subscription.id, period)
        candidates[subscription.workspace.team_id, key] = DueSummary(subscription, period, key)
    found = DueSummaries()
    if not candidates:
        return found
    claims = {
        (row.team_id, row.key): row
        for row in session.execute(
            select(
                Delivery.team_id,
                Delivery.key,
                Delivery.status,
                Delivery.not_before,
                Delivery.created_at,
                Delivery.updated_at,
            ).where(
                Delivery.kind == DeliveryKind.SUMMARY,
                Delivery.key.in_([key for _, key in candidates]),
            )
        )
    }
    for team_and_key, candidate in candidates.items():
        claim = claims.get(team_and_key)
        if claim is None or (
            claim.status is DeliveryStatus.FAILED
            and (claim.not_before is None or claim.not_before <= now)
        ):
            found.due.append(candidate)
        elif (
            claim.status is DeliveryStatus.SENDING
            and claim.updated_at < now - due_rules.STUCK_AFTER
        ):
            found.stuck.append(
                StuckSummary(
                    candidate.subscription.id,
                    candidate.subscription.channel_id,
                    candidate.key,
                    claim.created_at,
                )
            )
            # Of passes racing here one releases it, and of the passes claiming it one gets it.
            if deliveries.release_interrupted(
                session,
                candidate.subscription.workspace,
                DeliveryKind.SUMMARY,
                candidate.key,
                now - due_rules.STUCK_AFTER,
                now,
            ):
                found.due.append(candidate)
    found.due.sort(key=lambda due: (due.subscription.scheduled_at(due.period.end.date()), due.key))
    return found
