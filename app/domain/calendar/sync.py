"""A rep's feed, read, made into interactions: the calendar stays the truth.

Each event is one interaction, found again by its key (UID, and RECURRENCE-ID for one occurrence
of a series) in `calendar_meetings`, so reading a feed again never duplicates:

- a new meeting becomes an interaction of kind meeting with no plan (origin `calendar`), with
  the account its attendees' company domain names (an account that already has that domain
  keeps it, whatever the rep renamed it to) - unless the rep already planned one with that
  account within two hours of it, which then *is* the meeting (the calendar's time wins);
- a meeting that moved reschedules its interaction, plan and all (a Reschedule row, as when the
  rep moves it), unless its outcome is logged;
- a meeting cancelled in the feed (STATUS:CANCELLED), or one ahead that vanished from it (or
  that the rep declined, or that lost its customers), cancels its interaction as cancelled in
  the calendar (never lost); one that comes back is restored;
- the days the feed says the rep is out of office replace those it said before in the window.

Nothing here fetches or talks to Slack: app/slack/passes/calendars.py does, per rep, one
transaction each.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.db import insert_all_unless_exist, insert_unless_exists
from app.domain import schedule
from app.domain.accounts import find_or_create_account
from app.domain.calendar.check import UPCOMING_DAYS
from app.domain.calendar.feed import FeedReading, Meeting, Window
from app.domain.calendar.meetings import open_meeting_near
from app.domain.workspace import Workspace
from app.models import (
    Account,
    AccountDomain,
    AwayDay,
    CalendarMeeting,
    CancelReason,
    Interaction,
    InteractionKind,
    Origin,
)

# The window a pass reads: from yesterday (a meeting just past still gets its outcome asked
# for, and a late change to it is seen) to the form's horizon.
WINDOW_BEHIND = timedelta(days=1)
KEYS_PER_STATEMENT = 500


def sync_window(now: datetime) -> Window:
    return Window(now - WINDOW_BEHIND, now + timedelta(days=UPCOMING_DAYS))


@dataclass
class SyncCounts:
    """What one reading of a rep's feed changed."""

    imported: int = 0
    linked: int = 0  # meetings the rep had already planned by hand
    moved: int = 0
    cancelled: int = 0
    restored: int = 0
    away_days: int = 0

    @property
    def changed(self) -> int:
        return self.imported + self.linked + self.moved + self.cancelled + self.restored


def apply_reading(
    session: Session,
    workspace: Workspace,
    user_id: str,
    reading: FeedReading,
    window: Window,
    zone: str,
    now: datetime,
) -> SyncCounts:
    """Make the rep's interactions match what their feed says for `window`."""
    counts = SyncCounts()
    known = _known_meetings(session, workspace, user_id, reading, window)
    seen: set[str] = set()
    read_again: list[int] = []
    for meeting in reading.meetings:
        key = meeting.key.text
        seen.add(key)
        row = known.get(key)
        if row is None:
            _import(session, workspace, user_id, meeting, now, counts)
        else:
            _update(session, workspace, user_id, row, meeting, now, counts)
            read_again.append(row.id)
    # One statement for all: stamped one row at a time, an unchanged meeting cost an UPDATE
    # each, most of a pass's writes.
    for start in range(0, len(read_again), KEYS_PER_STATEMENT):
        session.execute(
            update(CalendarMeeting)
            .where(CalendarMeeting.id.in_(read_again[start : start + KEYS_PER_STATEMENT]))
            .values(seen_at=now)
            .execution_options(synchronize_session=False)
        )
    cancelled = {key.text for key in reading.cancelled}
    for key, row in known.items():
        if key in seen or reading.is_unreadable(key):
            continue  # an event that could not be read this time is not gone
        # Cancelled in the feed; or ahead, in the window, and no longer a meeting of the rep's.
        gone = key in cancelled or (
            now < row.starts_at and window.start <= row.starts_at < window.end
        )
        if gone and not row.cancelled_in_feed:
            row.cancelled_in_feed = True
            row.seen_at = now
            if _cancel(session, workspace, user_id, row.interaction_id, now):
                counts.cancelled += 1
    counts.away_days = _replace_away_days(session, workspace, user_id, reading, window, zone)
    return counts


def _known_meetings(
    session: Session, workspace: Workspace, user_id: str, reading: FeedReading, window: Window
) -> dict[str, CalendarMeeting]:
    """The rep's imported meetings this reading may change: those in the window, and those
    whose keys it names (a meeting moved into it from outside)."""
    own = (CalendarMeeting.team_id == workspace.team_id, CalendarMeeting.user_id == user_id)
    rows = {
        row.event_key: row
        for row in session.scalars(
            select(CalendarMeeting).where(
                *own,
                CalendarMeeting.starts_at >= window.start,
                CalendarMeeting.starts_at < window.end,
            )
        )
    }
    keys = [m.key.text for m in reading.meetings] + [k.text for k in reading.cancelled]
    missing = [key for key in keys if key not in rows]
    for start in range(0, len(missing), KEYS_PER_STATEMENT):
        chunk = missing[start : start + KEYS_PER_STATEMENT]
        for row in session.scalars(
            select(CalendarMeeting).where(*own, CalendarMeeting.event_key.in_(chunk))
        ):
            rows[row.event_key] = row
    return rows


def _import(
    session: Session,
    workspace: Workspace,
    user_id: str,
    meeting: Meeting,
    now: datetime,
    counts: SyncCounts,
) -> None:
    account = account_for(session, workspace, meeting)
    planned = open_meeting_near(
        session, workspace, user_id, account.id, meeting.starts_at, imported=False
    )
    if planned is None:
        created = insert_unless_exists(
            session,
            Interaction,
            {
                **workspace.columns,
                "rep_user_id": user_id,
                "account_id": account.id,
                "kind": InteractionKind.MEETING,
                "scheduled_at": meeting.starts_at,
                "origin": Origin.CALENDAR,
                "revision": 1,
                "created_at": now,
                "updated_at": now,
            },
            ("team_id", "rep_user_id", "account_id", "scheduled_at"),
        )
        if created is None:
            return  # another event with the same customers at the same minute: one meeting
        interaction_id: int = created
        counts.imported += 1
    else:
        interaction_id = planned
        counts.linked += 1
    inserted = insert_unless_exists(
        session,
        CalendarMeeting,
        {**workspace.columns, "user_id": user_id, "interaction_id": interaction_id}
        | _meeting_columns(meeting, now),
        ("team_id", "user_id", "event_key"),
    )
    if inserted is not None and planned is not None:
        # Planned by hand for a time near it: the calendar's time is the meeting's.
        _move(session, workspace, user_id, interaction_id, inserted, meeting.starts_at, now)


def _meeting_columns(meeting: Meeting, now: datetime) -> dict:
    return {
        "event_key": meeting.key.text,
        "title": meeting.title or None,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "attendees": [asdict(attendee) for attendee in meeting.attendees],
        "zone_guessed": meeting.zone_guessed,
        "cancelled_in_feed": False,
        "seen_at": now,
    }


def _update(
    session: Session,
    workspace: Workspace,
    user_id: str,
    row: CalendarMeeting,
    meeting: Meeting,
    now: datetime,
    counts: SyncCounts,
) -> None:
    moved = row.starts_at != meeting.starts_at
    if row.cancelled_in_feed and _restore(session, row.interaction_id, now):
        counts.restored += 1
    if moved and _move(
        session, workspace, user_id, row.interaction_id, row.id, meeting.starts_at, now
    ):
        counts.moved += 1
    # Only what changed is written (the ORM leaves equal values out); seen_at goes for all
    # the meetings read again at once, in apply_reading.
    columns = _meeting_columns(meeting, now)
    del columns["seen_at"]
    for name, value in columns.items():
        setattr(row, name, value)


def account_for(session: Session, workspace: Workspace, meeting: Meeting) -> Account:
    """The account whose domain the attendees write from; else the account of the name made
    from it (created if new), which learns the domain."""
    if meeting.account_domain:
        account = session.scalar(
            select(Account)
            .join(AccountDomain, AccountDomain.account_id == Account.id)
            .where(
                AccountDomain.team_id == workspace.team_id,
                AccountDomain.domain == meeting.account_domain,
            )
        )
        if account is not None:
            return account
    account = find_or_create_account(session, workspace, meeting.account_name)
    if meeting.account_domain:
        insert_unless_exists(
            session,
            AccountDomain,
            {**workspace.columns, "domain": meeting.account_domain, "account_id": account.id},
            ("team_id", "domain"),
        )
    return account


def _move(
    session: Session,
    workspace: Workspace,
    user_id: str,
    interaction_id: int,
    meeting_id: int,
    to: datetime,
    now: datetime,
) -> bool:
    """Reschedule as the rep's Reschedule does (the plan moves with it), once per new time."""
    interaction = session.get(Interaction, interaction_id)
    if interaction is None or interaction.scheduled_at == to:
        return False
    changed = schedule.reschedule(
        session,
        workspace,
        user_id,
        interaction_id,
        to=to,
        when_text=interaction.when_text or "",
        # One move per meeting and new time, however often the feed is read.
        source_view_id=f"cal:{meeting_id}:{int(to.timestamp())}",
        now=now,
    )
    return changed.change is schedule.Change.DONE


def _cancel(
    session: Session, workspace: Workspace, user_id: str, interaction_id: int, now: datetime
) -> bool:
    changed = schedule.cancel(
        session, workspace, user_id, interaction_id, CancelReason.CALENDAR, now
    )
    return changed.change is schedule.Change.DONE


def _restore(session: Session, interaction_id: int, now: datetime) -> bool:
    """Bring back an interaction the calendar cancelled (not one the rep cancelled)."""
    restored = session.execute(
        update(Interaction)
        .where(
            Interaction.id == interaction_id,
            Interaction.cancel_reason == CancelReason.CALENDAR,
        )
        .values(cancelled_at=None, cancel_reason=None, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return bool(restored.rowcount)  # type: ignore[attr-defined]


def _replace_away_days(
    session: Session,
    workspace: Workspace,
    user_id: str,
    reading: FeedReading,
    window: Window,
    zone: str,
) -> int:
    local = ZoneInfo(zone)
    # The dates the reading covers: from the window's start to the instant before its end.
    first = window.start.astimezone(local).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(local).date()
    in_window = (
        AwayDay.team_id == workspace.team_id,
        AwayDay.user_id == user_id,
        AwayDay.day >= first,
        AwayDay.day <= last,
    )
    if reading.unreadable:  # the days of an event that could not be read this time stay
        stale = [
            row.id
            for row in session.execute(select(AwayDay.id, AwayDay.event_key).where(*in_window))
            if not reading.is_unreadable(row.event_key)
        ]
        session.execute(delete(AwayDay).where(AwayDay.id.in_(stale)))
    else:
        session.execute(delete(AwayDay).where(*in_window))
    rows = [
        {**workspace.columns, "user_id": user_id, "day": day, "event_key": key.text}
        for day, key in sorted(reading.away.items())
        if first <= day <= last
    ]
    insert_all_unless_exist(session, AwayDay, rows, ("team_id", "user_id", "day"))
    return len(rows)
