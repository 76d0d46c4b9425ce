"""The prompts before and after an imported meeting: which are due now, for whom.

A prompt is one DM about one meeting: before it, to plan it (while it has no plan); after it,
to log its outcome (while none is logged). Each is a nudge item shown on its own (the before
prompt's item is the heads-up, the after prompt's the missing outcome), so the morning nudge
knows the rep was asked and its buttons act on it. See docs/calendar.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, or_, select, tuple_
from sqlalchemy.orm import Session

from app.domain import reps
from app.domain.nudges.rules import DueItem, ItemKey, chain_open
from app.domain.workspace import Workspace
from app.models import (
    Account,
    AwayDay,
    CalendarMeeting,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    MeetingPrompt,
    NudgeReason,
    Outcome,
    Rep,
)

# How long before a meeting each setting asks for its plan; "off" and "digest" send no DM.
PROMPT_LEAD = {
    MeetingPrompt.MINUTES_15: timedelta(minutes=15),
    MeetingPrompt.MINUTES_30: timedelta(minutes=30),
    MeetingPrompt.MINUTES_60: timedelta(minutes=60),
}
# How long after a meeting ends its outcome is asked for: time to walk back to a desk.
AFTER_MEETING_DELAY = timedelta(minutes=15)
# No prompt outside these local hours: an earlier one waits for 07:00 (if the meeting has not
# started by then), a later one is left to the next morning's nudge.
PROMPT_HOURS = (time(7), time(20))

_REASON = {
    DeliveryKind.MEETING_BEFORE: NudgeReason.UNPLANNED_TODAY,
    DeliveryKind.MEETING_AFTER: NudgeReason.NO_OUTCOME,
}


@dataclass(frozen=True)
class DuePrompt:
    """One prompt to send now: which meeting, to whom, and what the DM says about it."""

    workspace: Workspace
    user_id: str
    zone: str
    local_date: date
    kind: DeliveryKind  # MEETING_BEFORE or MEETING_AFTER
    interaction_id: int
    account_name: str
    title: str | None
    starts_at: datetime
    ends_at: datetime
    attendees: list[dict]
    # The feed gave the meeting no zone that could be resolved: its time was read in the rep's.
    zone_guessed: bool = False

    @property
    def delivery_key(self) -> str:
        # One prompt of each kind per meeting, whatever happens to it later (moved, replanned).
        return str(self.interaction_id)

    @property
    def item(self) -> DueItem:
        """The nudge item the prompt shows (its buttons are the nudge's)."""
        return DueItem(
            key=ItemKey(self.interaction_id, _REASON[self.kind]),
            rep_user_id=self.user_id,
            account_name=self.account_name,
            kind=InteractionKind.MEETING,
            scheduled_at=self.starts_at,
        )


def sends_prompts(choice: MeetingPrompt) -> bool:
    """Whether the setting sends DMs ("digest" leaves meetings to the morning nudge)."""
    return choice in PROMPT_LEAD


def in_prompt_hours(now: datetime, zone: str) -> bool:
    start, end = PROMPT_HOURS
    return start <= now.astimezone(ZoneInfo(zone)).time() < end


def find_due(session: Session, now: datetime) -> list[DuePrompt]:
    """Every prompt due at `now`, soonest meeting first: not claimed yet (or a failed one due
    again), in the rep's prompt hours, not on one of their away days."""
    longest = max(PROMPT_LEAD.values())
    i, m = Interaction, CalendarMeeting
    before = and_(
        m.starts_at > now,
        m.starts_at <= now + longest,
        i.objective.is_(None),
        i.planned_at.is_(None),
    )
    # A day back at most: only the rep's same local day is asked about (checked below).
    after = and_(m.ends_at <= now - AFTER_MEETING_DELAY, m.ends_at > now - timedelta(days=1))
    rows = session.execute(
        select(
            m.team_id,
            m.user_id,
            m.interaction_id,
            m.title,
            m.starts_at,
            m.ends_at,
            m.attendees,
            m.zone_guessed,
            Rep.enterprise_id,
            Rep.tz,
            Rep.meeting_prompt,
            Account.name.label("account_name"),
        )
        .join(i, and_(i.id == m.interaction_id, i.team_id == m.team_id))
        .join(Account, Account.id == i.account_id)
        .join(Rep, and_(Rep.team_id == m.team_id, Rep.user_id == m.user_id))
        .where(
            or_(before, after),
            m.cancelled_in_feed.is_(False),
            i.cancelled_at.is_(None),
            ~exists(select(Outcome.id).where(Outcome.interaction_id == i.id)),
            chain_open(i),
            Rep.is_active.is_(True),
            Rep.unreachable_reason.is_(None),
            Rep.meeting_prompt.in_(list(PROMPT_LEAD)),
        )
        .order_by(m.starts_at, m.interaction_id)
    ).all()
    due = []
    for row in rows:
        kind = DeliveryKind.MEETING_BEFORE if row.starts_at > now else DeliveryKind.MEETING_AFTER
        zone_name = reps.usable_zone_name(row.tz)  # a zone Slack has not told yet: UTC
        zone = ZoneInfo(zone_name)
        local_date = now.astimezone(zone).date()
        if kind is DeliveryKind.MEETING_BEFORE:
            if now < row.starts_at - PROMPT_LEAD[row.meeting_prompt]:
                continue
        elif row.ends_at.astimezone(zone).date() != local_date:
            continue  # yesterday's: the morning nudge has it
        if not in_prompt_hours(now, zone_name):
            continue
        due.append(
            DuePrompt(
                workspace=Workspace(row.team_id, row.enterprise_id),
                user_id=row.user_id,
                zone=zone_name,
                local_date=local_date,
                kind=kind,
                interaction_id=row.interaction_id,
                account_name=row.account_name,
                title=row.title,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                attendees=list(row.attendees or []),
                zone_guessed=row.zone_guessed,
            )
        )
    return _unclaimed(session, _not_away(session, due), now)


def _not_away(session: Session, due: list[DuePrompt]) -> list[DuePrompt]:
    if not due:
        return due
    wanted = list({(p.workspace.team_id, p.user_id, p.local_date) for p in due})
    away = {
        tuple(row)
        for row in session.execute(
            select(AwayDay.team_id, AwayDay.user_id, AwayDay.day).where(
                tuple_(AwayDay.team_id, AwayDay.user_id, AwayDay.day).in_(wanted)
            )
        )
    }
    return [p for p in due if (p.workspace.team_id, p.user_id, p.local_date) not in away]


def _unclaimed(session: Session, due: list[DuePrompt], now: datetime) -> list[DuePrompt]:
    """Leave out the prompts already claimed, but for failed ones whose retry time has come."""
    if not due:
        return due
    wanted = list({(p.workspace.team_id, p.kind.value, p.delivery_key) for p in due})
    taken = {
        tuple(row)
        for row in session.execute(
            select(Delivery.team_id, Delivery.kind, Delivery.key).where(
                tuple_(Delivery.team_id, Delivery.kind, Delivery.key).in_(wanted),
                or_(Delivery.status != DeliveryStatus.FAILED, Delivery.not_before > now),
            )
        )
    }
    return [p for p in due if (p.workspace.team_id, p.kind.value, p.delivery_key) not in taken]
