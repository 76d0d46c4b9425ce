"""A rep's connected calendar: stored encrypted, shown masked, removed by its owner only."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.calendar.address import mask_address
from app.domain.calendar.problems import Problem
from app.domain.secrets import SecretBox, SecretUnreadable
from app.domain.workspace import Workspace
from app.models import CalendarLink, Delivery, DeliveryKind, DeliveryStatus


@dataclass(frozen=True)
class LinkShown:
    """What may be shown of a link: never the address itself."""

    id: int
    user_id: str
    masked: str
    connected_at: datetime
    failing: Problem | None = None  # the calendar pass can no longer read it


class Disconnected(enum.Enum):
    REMOVED = "removed"
    ALREADY_GONE = "already_gone"
    NOT_YOURS = "not_yours"


def _shown(link: CalendarLink) -> LinkShown:
    failing = Problem(link.failing_problem) if link.failing_problem else None
    return LinkShown(link.id, link.user_id, link.address_masked, link.connected_at, failing)


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


# The calendar pass (app/slack/passes/calendars.py): which feeds to read now, and what came.

# A pass holds a feed this long; a pass killed mid-read leaves it to the next one after it.
LEASE = timedelta(minutes=10)
# Problems the rep must fix (the secret address was reset, the calendar unpublished...), told
# at once; the others (slow, unreachable) are told only once they have lasted TRANSIENT_GRACE.
LASTING_PROBLEMS = frozenset(
    {
        Problem.UNAUTHORIZED,
        Problem.NOT_FOUND,
        Problem.NOT_A_CALENDAR,
        Problem.TOO_LARGE,
        Problem.ADDRESS_REFUSED,
        Problem.HTTP_STATUS,
        Problem.TOO_MANY_REDIRECTS,
        Problem.SCHEME,
        Problem.NOT_A_URL,
    }
)
TRANSIENT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class DueFeed:
    """A feed a pass has leased to read. `address` is the secret: never log it."""

    link_id: int
    workspace: Workspace
    user_id: str
    address: str = field(repr=False)
    etag: str | None
    last_modified: str | None
    first_read: bool  # never read by a pass: fetched whole (the validators are the check's)


def lease_due(
    session: Session,
    now: datetime,
    every: timedelta,
    limit: int,
    secrets: SecretBox,
) -> list[DueFeed]:
    """Lease the feeds not read for `every` (the longest unread first, at most `limit`): of
    several passes at once each feed goes to one, whose update the others' re-check refuses."""
    free = or_(CalendarLink.lease_until.is_(None), CalendarLink.lease_until < now)
    stale = or_(CalendarLink.synced_at.is_(None), CalendarLink.synced_at <= now - every)
    candidates = (
        select(CalendarLink.id)
        .where(free, stale)
        .order_by(CalendarLink.synced_at.is_not(None), CalendarLink.synced_at, CalendarLink.id)
        .limit(limit)
    )
    leased = session.execute(
        update(CalendarLink)
        .where(CalendarLink.id.in_(candidates.scalar_subquery()), free, stale)
        .values(lease_until=now + LEASE)
        .returning(
            CalendarLink.id,
            CalendarLink.team_id,
            CalendarLink.enterprise_id,
            CalendarLink.user_id,
            CalendarLink.address_secret,
            CalendarLink.etag,
            CalendarLink.last_modified,
            CalendarLink.synced_at,
        )
        .execution_options(synchronize_session=False)
    ).all()
    due = []
    for row in sorted(leased, key=lambda row: row.id):
        try:
            address = secrets.open(row.address_secret)
        except SecretUnreadable:  # sealed with a key this server no longer has
            address = ""
        due.append(
            DueFeed(
                row.id,
                Workspace(team_id=row.team_id, enterprise_id=row.enterprise_id),
                row.user_id,
                address,
                row.etag,
                row.last_modified,
                first_read=row.synced_at is None,
            )
        )
    return due


def record_read(
    session: Session,
    feed: DueFeed,
    now: datetime,
    *,
    etag: str | None,
    last_modified: str | None,
) -> None:
    """The feed was read (or had not changed): its validators, its time, its lease released."""
    session.execute(
        update(CalendarLink)
        .where(CalendarLink.id == feed.link_id, CalendarLink.user_id == feed.user_id)
        .values(
            synced_at=now,
            lease_until=None,
            etag=etag,
            last_modified=last_modified,
            failing_problem=None,
            failing_since=None,
        )
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Failing:
    """A feed that stopped answering: what is wrong, since when, and whether to tell now."""

    link_id: int
    workspace: Workspace
    user_id: str
    problem: Problem
    since: datetime
    tell: bool

    @property
    def delivery_key(self) -> str:
        """One DM per failure: a feed that recovers and fails again is told again."""
        return f"{self.link_id}:{self.since.isoformat()}"


def record_failed(session: Session, feed: DueFeed, problem: Problem, now: datetime) -> Failing:
    """The feed could not be read: nothing imported is touched; read again next interval."""
    link = session.get(CalendarLink, feed.link_id)
    since = now
    if link is not None:
        if link.failing_problem is not None and link.failing_since is not None:
            since = link.failing_since
        link.synced_at, link.lease_until = now, None
        link.failing_problem, link.failing_since = problem.value, since
    failing = Failing(feed.link_id, feed.workspace, feed.user_id, problem, since, tell=False)
    worth_telling = problem in LASTING_PROBLEMS or now - since >= TRANSIENT_GRACE
    if not worth_telling or _told(session, failing):
        return failing
    return replace(failing, tell=True)


def _told(session: Session, failing: Failing) -> bool:
    """The rep already got the DM about this failure (a failed DM is tried again)."""
    return bool(
        session.scalar(
            select(Delivery.id).where(
                Delivery.team_id == failing.workspace.team_id,
                Delivery.kind == DeliveryKind.CALENDAR_FAILING,
                Delivery.key == failing.delivery_key,
                Delivery.status == DeliveryStatus.SENT,
            )
        )
    )
