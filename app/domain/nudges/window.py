"""Who is in their nudge window now: the reps whose morning it is, not nudged yet today."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    column,
    exists,
    or_,
    select,
    values,
)
from sqlalchemy.sql.expression import ColumnElement

from app.domain.nudge_settings import EARLIEST_NUDGE_MINUTE
from app.domain.nudges.rules import delivery_key
from app.models import (
    AwayDay,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Rep,
    UTCDateTime,
)

NOON_MINUTE = 12 * 60  # no nudge, first try or retry, from the rep's local noon on


def nudge_windows(zones: Iterable[str], now: datetime):
    """Each zone whose local time is between the earliest nudge time and noon, as a VALUES CTE
    (or None): computing local time here keeps the SQL portable and right across DST."""
    rows = []
    for name in zones:
        zone = ZoneInfo(name)
        local = now.astimezone(zone)
        minute = local.hour * 60 + local.minute
        if not EARLIEST_NUDGE_MINUTE <= minute < NOON_MINUTE:
            continue
        day = local.date()
        day_end = datetime.combine(day + timedelta(days=1), time(), zone)
        rows.append((name, day, minute, 1 << day.weekday(), delivery_key(day, ""), day_end))
    if not rows:
        return None
    return (
        values(
            column("tz", String),
            column("local_date", Date),
            column("minute", Integer),
            column("weekday_bit", Integer),
            column("key_prefix", String),
            column("day_end", UTCDateTime()),
            name="windows",
        )
        .data(rows)
        .cte("windows")
    )


def reps_in_window(windows) -> Select:
    """Reps whose nudge time has come today, on one of their weekdays, not paused or away,
    reachable."""
    return (
        select(
            Rep.team_id,
            Rep.enterprise_id,
            Rep.user_id,
            Rep.tz,
            Rep.tz_checked_at,
            windows.c.local_date,
            windows.c.day_end,
            (windows.c.minute - Rep.nudge_minute).label("waited"),
            (windows.c.key_prefix + Rep.user_id).label("delivery_key"),
        )
        .join(windows, windows.c.tz == Rep.tz)
        .where(
            Rep.is_active.is_(True),
            Rep.unreachable_reason.is_(None),
            Rep.nudge_minute <= windows.c.minute,
            Rep.nudge_weekdays.op("&")(windows.c.weekday_bit) != 0,
            or_(
                Rep.nudges_paused_until.is_(None),
                Rep.nudges_paused_until <= windows.c.local_date,
            ),
            # Away is away: an out-of-office day read from the rep's calendar.
            ~exists(
                select(AwayDay.id).where(
                    AwayDay.team_id == Rep.team_id,
                    AwayDay.user_id == Rep.user_id,
                    AwayDay.day == windows.c.local_date,
                )
            ),
        )
    )


def not_yet_nudged(reps, now: datetime) -> ColumnElement[bool]:
    """No claim for the rep's local date, or a failed one whose retry time has come."""
    return ~exists(
        select(Delivery.id).where(
            Delivery.team_id == reps.c.team_id,
            Delivery.kind == DeliveryKind.NUDGE,
            Delivery.key == reps.c.delivery_key,
            or_(Delivery.status != DeliveryStatus.FAILED, Delivery.not_before > now),
        )
    )
