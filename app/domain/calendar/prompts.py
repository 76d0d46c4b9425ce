"""Which imported meetings the rep is asked about now: to plan one before it starts, and to log
its outcome after it ends.

- **Before**: a meeting from the calendar with no plan yet, its start within the rep's lead
  (Rep.meeting_prompt: 15, 30 or 60 minutes; off, or the morning digest only, sends none).
- **After**: PROMPT_AFTER past its end and no outcome logged, the same local day (the morning
  nudge takes it from there); none when the rep turned prompts off.
- Never outside QUIET_START..QUIET_END in the rep's zone (a before-prompt due earlier goes at
  QUIET_START if the meeting has not started), never on a day the rep is away, never for a
  cancelled meeting, and each once (a delivery keyed by the interaction). Do Not Disturb is
  Slack's to tell: the pass asks before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from app.domain import reps
from app.domain.workspace import Workspace
from app.models import (
    Account,
    AwayDay,
    CalendarMeeting,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    MeetingPrompt,
    Outcome,
    Rep,
)

PROMPT_AFTER = timedelta(minutes=15)
QUIET_START, QUIET_END = time(7), time(20)
LEADS = {
    MeetingPrompt.MINUTES_15: timedelta(minutes=15),
    MeetingPrompt.MINUTES_30: timedelta(minutes=30),
    MeetingPrompt.MINUTES_60: timedelta(minutes=60),
}
LONGEST_LEAD = max(LEADS.values())
# After-prompts are for the day of the meeting; a day back bounds what a pass looks at.
LOOK_BACK = timedelta(days=1)


@dataclass(frozen=True)
class DuePrompt:
    kind: DeliveryKind  # MEETING_BEFORE or MEETING_AFTER
    workspace: Workspace
    user_id: str
    zone: str
    interaction_id: int
    account_name: str
    title: str | None
    starts_at: datetime
    ends_at: datetime
    attendees: tuple[dict, ...]
    local_date: date  # the rep's date when the prompt is sent

    @property
    def delivery_key(self) -> str:
        """One prompt of each kind per meeting, however often it moves or the pass runs."""
        return str(self.interaction_id)


def find_due_prompts(session: Session, now: datetime) -> list[DuePrompt]:
    """Every prompt due at `now` across workspaces, not yet claimed, earliest meeting first."""
    rows = session.execute(
        select(
            CalendarMeeting.team_id,
            CalendarMeeting.enterprise_id,
            CalendarMeeting.user_id,
            CalendarMeeting.title,
            CalendarMeeting.starts_at,
            CalendarMeeting.ends_at,
            CalendarMeeting.attendees,
            Interaction.id.label("interaction_id"),
            Interaction.planned_at,
            Account.name.label("account_name"),
            Rep.tz,
            Rep.meeting_prompt,
            exists().where(Outcome.interaction_id == Interaction.id).label("logged"),
        )
        .join(Interaction, Interaction.id == CalendarMeeting.interaction_id)
        .join(Account, Account.id == Interaction.account_id)
        .outerjoin(
            Rep,
            and_(Rep.team_id == CalendarMeeting.team_id, Rep.user_id == CalendarMeeting.user_id),
        )
        .where(
            Interaction.cancelled_at.is_(None),
            CalendarMeeting.cancelled_in_feed.is_(False),
            or_(
                and_(
                    CalendarMeeting.starts_at > now,
                    CalendarMeeting.starts_at <= now + LONGEST_LEAD,
                ),
                and_(
                    CalendarMeeting.ends_at <= now - PROMPT_AFTER,
                    CalendarMeeting.ends_at > now - LOOK_BACK,
                ),
            ),
        )
        .order_by(CalendarMeeting.starts_at, Interaction.id)
    ).all()
    claimed = _claimed(session, [row.interaction_id for row in rows])
    due: list[DuePrompt] = []
    for row in rows:
        setting = row.meeting_prompt or MeetingPrompt.MINUTES_30
        if setting is MeetingPrompt.OFF:
            continue
        zone = reps.usable_zone_name(row.tz)
        local_now = now.astimezone(ZoneInfo(zone))
        if not QUIET_START <= local_now.time() < QUIET_END:
            continue
        kind = _kind(row, setting, now, local_now)
        if kind is None or (kind, str(row.interaction_id), row.team_id) in claimed:
            continue
        due.append(
            DuePrompt(
                kind,
                Workspace(team_id=row.team_id, enterprise_id=row.enterprise_id),
                row.user_id,
                zone,
                row.interaction_id,
                row.account_name,
                row.title,
                row.starts_at,
                row.ends_at,
                tuple(row.attendees or ()),
                local_now.date(),
            )
        )
    away = _away(session, due)
    return [
        prompt
        for prompt in due
        if (prompt.workspace.team_id, prompt.user_id, prompt.local_date) not in away
    ]


def _kind(row, setting: MeetingPrompt, now: datetime, local_now: datetime) -> DeliveryKind | None:
    if row.starts_at > now:
        lead = LEADS.get(setting)
        if lead is None or row.planned_at is not None or row.starts_at - lead > now:
            return None
        return DeliveryKind.MEETING_BEFORE
    if row.logged or setting is MeetingPrompt.DIGEST:
        return None
    ended_on = row.ends_at.astimezone(local_now.tzinfo).date()
    return DeliveryKind.MEETING_AFTER if ended_on == local_now.date() else None


def _claimed(session: Session, interaction_ids: list[int]) -> set[tuple[str, str, str]]:
    if not interaction_ids:
        return set()
    keys = sorted({str(interaction_id) for interaction_id in interaction_ids})
    found = session.execute(
        select(Delivery.kind, Delivery.key, Delivery.team_id).where(
            Delivery.kind.in_([DeliveryKind.MEETING_BEFORE, DeliveryKind.MEETING_AFTER]),
            Delivery.key.in_(keys),
            # A failed one is due again: the pass's claim takes it back.
            Delivery.status != DeliveryStatus.FAILED,
        )
    )
    return {(DeliveryKind(kind), key, team_id) for kind, key, team_id in found}


def _away(session: Session, due: list[DuePrompt]) -> set[tuple[str, str, date]]:
    if not due:
        return set()
    users = sorted({prompt.user_id for prompt in due})
    days = sorted({prompt.local_date for prompt in due})
    found = session.execute(
        select(AwayDay.team_id, AwayDay.user_id, AwayDay.day).where(
            AwayDay.user_id.in_(users), AwayDay.day.in_(days)
        )
    )
    return {(team_id, user_id, day) for team_id, user_id, day in found}
