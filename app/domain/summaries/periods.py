"""A summary's periods, the keys of its posts' claims, and claiming a post on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain import deliveries
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    SummaryCadence,
)

if TYPE_CHECKING:
    from app.domain.summaries.subscriptions import Subscription

# "Post now" again within this long of the summary's last one is the same request (a double
# click): it posts nothing more. A deliberate click after it posts again.
POST_NOW_REPEAT = timedelta(seconds=10)


DAYS_IN_PERIOD = {SummaryCadence.DAILY: 1, SummaryCadence.WEEKLY: 7}


@dataclass(frozen=True)
class Period:
    """[start, end): local midnights in the summary's zone, so a day can last 23 or 25 hours."""

    cadence: SummaryCadence
    zone: str
    start: datetime
    end: datetime
    so_far: bool = False  # today, up to the moment of the post (a post on request)

    def before(self) -> Period:
        return period_before(self.cadence, self.zone, self.start.date())


def today_so_far(zone: str, now: datetime) -> Period:
    """Today in `zone`, from midnight: its figures count what happened up to the post."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    return Period(
        SummaryCadence.DAILY,
        zone,
        datetime.combine(today, time(), tz),
        datetime.combine(today + timedelta(days=1), time(), tz),
        so_far=True,
    )


def period_before(cadence: SummaryCadence, zone: str, local_date: date) -> Period:
    """The day (daily) or the seven days (weekly) that ended as `local_date` began."""
    tz = ZoneInfo(zone)
    days = DAYS_IN_PERIOD[cadence]
    return Period(
        cadence,
        zone,
        datetime.combine(local_date - timedelta(days=days), time(), tz),
        datetime.combine(local_date, time(), tz),
    )


def scheduled_key(subscription_id: int, period: Period) -> str:
    """The claim of a summary's post for a period; a cadence change makes another period."""
    return f"{subscription_id}:{period.start.date().isoformat()}/{period.end.date().isoformat()}"


def on_demand_key(subscription_id: int) -> str:
    """The claim of a summary's posts on request, outside the schedule: one row per summary,
    claimed again by each request that comes POST_NOW_REPEAT after the one before."""
    return f"{subscription_id}:now"


def claim_post_now(
    session: Session, subscription: Subscription, now: datetime, request_id: str
) -> deliveries.Claim | None:
    """The right to post `subscription` at once; None when a post on request of it was claimed
    less than POST_NOW_REPEAT ago, or when this very request (`request_id`, its trigger id) was
    handled before: a replay. Of processes racing, exactly one gets it: the first insert wins,
    and claiming the row again is an update whose condition the winner's own update (or
    insert) has already made false for the others."""
    key = on_demand_key(subscription.id)
    workspace, channel = subscription.workspace, subscription.channel_id
    request_key = f"{subscription.id}:{request_id}"
    if not deliveries.first_request(
        session, workspace, DeliveryKind.POST_NOW_REQUEST, request_key, now
    ):
        return None
    claim = deliveries.claim(session, workspace, DeliveryKind.SUMMARY, key, channel, now)
    if claim is not None:
        return claim
    this_one = (
        Delivery.team_id == workspace.team_id,
        Delivery.kind == DeliveryKind.SUMMARY,
        Delivery.key == key,
    )
    before = session.execute(select(Delivery.status, Delivery.created_at).where(*this_one)).one()
    # Still "sending": the post before was killed midway and may have landed. The new claim
    # looks for it (from the old claim's time) before posting, as a stuck scheduled post does.
    interrupted = before.status == DeliveryStatus.SENDING
    error = deliveries.INTERRUPTED if interrupted else None
    delivery_id = session.execute(
        update(Delivery)
        .where(*this_one, Delivery.created_at <= now - POST_NOW_REPEAT)
        .values(  # a new claim: created (claimed) now, as `deliveries.claim` records one
            status=DeliveryStatus.SENDING,
            recipient=channel,
            attempts=Delivery.attempts + 1,
            error=error,
            not_before=None,
            created_at=now,
            updated_at=now,
        )
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if delivery_id is None:
        return None
    claimed_at = before.created_at if interrupted else now
    return deliveries.Claim(delivery_id, channel, previous_error=error, claimed_at=claimed_at)
