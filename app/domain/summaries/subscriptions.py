"""Summaries and their settings: the form, saving, finding and stopping one."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.checks import FieldErrors, refuse_unsavable
from app.domain.reps import usable_zone_name
from app.domain.summaries.access import Role, may_set_up_summaries
from app.domain.summaries.periods import Period, period_before
from app.domain.text import whole_number
from app.domain.workspace import Workspace
from app.models import (
    SummaryCadence,
    SummarySubscription,
)

# A post missed at its time (or failing) is still made this long after it; then it is stale.
LATE_POST_GRACE = timedelta(days=1)


DEFAULT_MINUTE = 8 * 60
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class SummarySettings:
    """Where a summary goes, whose interactions it covers, and when (in `zone`)."""

    channel_id: str
    rep_user_ids: tuple[str, ...]
    usergroup_id: str | None
    cadence: SummaryCadence
    weekday: int | None
    minute: int
    zone: str

    @property
    def settings(self) -> SummarySettings:
        return SummarySettings(**{f.name: getattr(self, f.name) for f in fields(SummarySettings)})


@dataclass(frozen=True)
class Subscription(SummarySettings):
    """A summary as set up, and who set it up."""

    id: int
    workspace: Workspace
    owner_user_id: str
    enabled: bool
    disabled_reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: SummarySubscription) -> Subscription:
        return cls(
            id=row.id,
            workspace=Workspace(row.team_id, row.enterprise_id),
            owner_user_id=row.owner_user_id,
            channel_id=row.channel_id,
            rep_user_ids=tuple(row.rep_user_ids.split()),
            usergroup_id=row.usergroup_id,
            cadence=row.cadence,
            weekday=row.weekday,
            minute=row.minute,
            zone=row.zone,
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
        )

    def posts_on(self, local_date: date) -> bool:
        return self.cadence is SummaryCadence.DAILY or local_date.weekday() == self.weekday

    def scheduled_at(self, local_date: date) -> datetime:
        hour, minute = divmod(self.minute, 60)
        return datetime.combine(local_date, time(hour, minute), ZoneInfo(self.zone))

    def occurrence_due(self, now: datetime) -> date | None:
        """The local day whose post is due at `now`: from its time for a day (LATE_POST_GRACE),
        so a post missed while no pass ran, or failing, still goes out, unless another is due.
        """
        today = now.astimezone(ZoneInfo(self.zone)).date()
        for local_date in (today, today - timedelta(days=1)):
            scheduled = self.scheduled_at(local_date)
            if self.posts_on(local_date) and scheduled <= now:
                fresh = now < scheduled + LATE_POST_GRACE and self.created_at <= scheduled
                return local_date if fresh else None
        return None

    def latest_period(self, now: datetime) -> Period:
        """The last complete day or week, as of `now` in the summary's zone."""
        return period_before(self.cadence, self.zone, now.astimezone(ZoneInfo(self.zone)).date())


class SummaryField(enum.StrEnum):
    CHANNEL = "channel"
    REPS = "reps"
    CADENCE = "cadence"
    WEEKDAY = "weekday"
    TIME = "time"


@dataclass(frozen=True)
class SummaryForm:
    """The summary modal as submitted: raw values."""

    channel_id: str | None
    rep_user_ids: tuple[str, ...]
    usergroup_id: str | None
    cadence: str | None
    weekday: str | None
    time: str | None


REPS_NEEDED = "Choose the reps of this summary, a user group, or both."


def check_summary_form(form: SummaryForm, zone: str) -> SummarySettings | FieldErrors[SummaryField]:
    """The settings, or what to fix, field by field (the channel is checked with Slack)."""
    errors: FieldErrors[SummaryField] = FieldErrors()
    # Slack's choices send ids, but a forged payload's text must not reach the database.
    refuse_unsavable(
        errors,
        {
            SummaryField.CHANNEL: form.channel_id,
            SummaryField.REPS: " ".join((*form.rep_user_ids, form.usergroup_id or "")),
        },
    )
    if not form.channel_id:
        errors.setdefault(SummaryField.CHANNEL, "Choose the channel to post the summary in.")
    reps = tuple(dict.fromkeys(user_id for user_id in form.rep_user_ids if user_id))
    if not reps and not form.usergroup_id:
        errors.setdefault(SummaryField.REPS, REPS_NEEDED)
    cadence = SummaryCadence(form.cadence) if form.cadence in set(SummaryCadence) else None
    if cadence is None:
        errors[SummaryField.CADENCE] = "Choose daily or weekly."
    weekday = whole_number(form.weekday, 6)
    if cadence is SummaryCadence.WEEKLY and weekday is None:
        errors[SummaryField.WEEKDAY] = "Choose the day of the week to post on."
    match = _TIME.match(form.time or "")
    if not match:
        errors[SummaryField.TIME] = "Choose the time of day to post at."
    if errors or match is None or cadence is None or form.channel_id is None:
        return errors
    return SummarySettings(
        channel_id=form.channel_id,
        rep_user_ids=reps,
        usergroup_id=form.usergroup_id or None,
        cadence=cadence,
        weekday=weekday if cadence is SummaryCadence.WEEKLY else None,
        minute=int(match[1]) * 60 + int(match[2]),
        zone=usable_zone_name(zone),
    )


def save_subscription(
    session: Session,
    workspace: Workspace,
    owner_user_id: str,
    settings: SummarySettings,
    now: datetime,
    subscription_id: int | None = None,
    source_view_id: str | None = None,
) -> Subscription | None:
    """Create a summary, or update one (keeping its owner); saving re-enables a stopped one.

    A form submitted twice (`source_view_id`, the modal's id) creates one summary. None when
    the summary to update no longer exists.
    """
    columns = {
        "channel_id": settings.channel_id,
        "rep_user_ids": " ".join(settings.rep_user_ids),
        "usergroup_id": settings.usergroup_id,
        "cadence": settings.cadence,
        "weekday": settings.weekday,
        "minute": settings.minute,
        "zone": settings.zone,
        "enabled": True,
        "disabled_reason": None,
        "updated_at": now,
    }
    if subscription_id is None:
        subscription_id = insert_unless_exists(
            session,
            SummarySubscription,
            {
                **workspace.columns,
                "source_view_id": source_view_id,
                "owner_user_id": owner_user_id,
                "created_at": now,
                **columns,
            },
            ("team_id", "source_view_id"),
        )
        if subscription_id is None:  # this very form was saved already
            row = session.scalar(
                select(SummarySubscription).where(
                    SummarySubscription.team_id == workspace.team_id,
                    SummarySubscription.source_view_id == source_view_id,
                )
            )
            assert row is not None  # the insert found it there
            return Subscription.of(row)
        return find_subscription(session, workspace, subscription_id)
    row = _row(session, workspace, subscription_id)
    if row is None:
        return None
    for name, value in columns.items():
        setattr(row, name, value)
    session.flush()
    return Subscription.of(row)


def _row(
    session: Session, workspace: Workspace, subscription_id: int
) -> SummarySubscription | None:
    return session.scalar(
        select(SummarySubscription).where(
            SummarySubscription.id == subscription_id,
            SummarySubscription.team_id == workspace.team_id,
        )
    )


def find_subscription(
    session: Session, workspace: Workspace, subscription_id: int
) -> Subscription | None:
    row = _row(session, workspace, subscription_id)
    return Subscription.of(row) if row else None


def manageable_subscriptions(
    session: Session, workspace: Workspace, role: Role, user_id: str
) -> list[Subscription]:
    """The workspace's summaries `user_id` may manage, oldest first."""
    if not may_set_up_summaries(role):
        return []
    query = select(SummarySubscription).where(SummarySubscription.team_id == workspace.team_id)
    if role is not Role.ADMIN:
        query = query.where(SummarySubscription.owner_user_id == user_id)
    rows = session.scalars(query.order_by(SummarySubscription.id))
    return [Subscription.of(row) for row in rows]


def remove_subscription(session: Session, workspace: Workspace, subscription_id: int) -> bool:
    removed: CursorResult = session.execute(  # type: ignore[assignment]  # a DELETE's result
        delete(SummarySubscription).where(
            SummarySubscription.id == subscription_id,
            SummarySubscription.team_id == workspace.team_id,
        )
    )
    return bool(removed.rowcount)


def disable_subscription(
    session: Session, workspace: Workspace, subscription_id: int, reason: str, now: datetime
) -> None:
    """Stop posting a summary Slack will not take (its channel is gone or archived...)."""
    row = _row(session, workspace, subscription_id)
    if row is not None:
        row.enabled = False
        row.disabled_reason = reason[:64]
        row.updated_at = now
