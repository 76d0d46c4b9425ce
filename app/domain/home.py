"""The rep's commitment board (the App Home): the week ahead, what customers owe, what the
morning nudge would list, and the headline figures; a handful of statements whatever the
rep's history, each bounded by an index range and a limit."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from app.domain import nudges
from app.domain.metrics import Metrics, own_figures
from app.domain.nudges.rules import chain_open
from app.domain.workspace import Workspace
from app.models import Account, CalendarMeeting, Interaction, InteractionKind, Outcome, Result

COMING_UP_DAYS = 7  # today and the next seven days
# Each section's share of the Home's 100 blocks (two a line); beyond it, "and N more".
COMING_UP_LIMIT = 12
OWED_LIMIT = 8
NEEDS_YOU_LIMIT = 8
ESCALATED_LIMIT = 4


# Made once (an alias's columns are adapted on first use, a cost every opening would pay).
_LOGGED = aliased(Outcome, name="logged")
_FOLLOW_UP = aliased(Interaction, name="follow_up")
_FOLLOW_UP_OUTCOME = aliased(Outcome, name="follow_up_outcome")
_EARLIER = aliased(Interaction, name="earlier")


class PlanStatus(enum.StrEnum):
    STRONG = "strong"
    NEEDS_WORK = "needs work"
    NONE = "no plan yet"


@dataclass(frozen=True)
class Upcoming:
    interaction_id: int
    account_name: str
    kind: InteractionKind
    scheduled_at: datetime
    plan: PlanStatus
    from_calendar: bool = False  # brought in from the rep's calendar feed


@dataclass(frozen=True)
class Owed:
    """A dated next step the customer agreed to and nobody has logged yet."""

    interaction_id: int  # the follow-up the app created for it: what "Log what happened" logs
    account_name: str
    next_step: str
    due_at: datetime
    agreed_at: datetime  # when the customer agreed (the interaction it came from)

    def overdue(self, now: datetime) -> bool:
        return self.due_at < now


@dataclass(frozen=True)
class Board:
    coming_up: list[Upcoming]
    coming_up_total: int
    owed: list[Owed]
    owed_total: int
    needs_you: nudges.RepItems
    current: Metrics
    previous: Metrics
    first_run: bool  # nothing recorded yet: the Home teaches the method instead


def plan_status(objective: str | None, strong: bool | None) -> PlanStatus:
    if objective is None:
        return PlanStatus.NONE
    return PlanStatus.STRONG if strong else PlanStatus.NEEDS_WORK


def load_board(
    session: Session, workspace: Workspace, user_id: str, zone: str, now: datetime
) -> Board:
    own = (Interaction.team_id == workspace.team_id, Interaction.rep_user_id == user_id)
    if not session.scalar(select(exists().where(*own))):
        return Board([], 0, [], 0, nudges.RepItems(), Metrics(), Metrics(), first_run=True)
    coming_up, coming_total = _coming_up(session, workspace, user_id, zone, now)
    owed, owed_total = _owed(session, workspace, user_id)
    current, previous = own_figures(session, workspace, user_id, now)
    return Board(
        coming_up,
        coming_total,
        owed,
        owed_total,
        nudges.items_for_rep(session, workspace, user_id, zone, now),
        current,
        previous,
        first_run=False,
    )


def _coming_up(
    session: Session, workspace: Workspace, user_id: str, zone: str, now: datetime
) -> tuple[list[Upcoming], int]:
    today = now.astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(today, time(), ZoneInfo(zone))
    end = datetime.combine(today + timedelta(days=COMING_UP_DAYS + 1), time(), ZoneInfo(zone))
    logged = _LOGGED
    rows = session.execute(
        select(
            Interaction.id,
            Account.name,
            Interaction.kind,
            Interaction.scheduled_at,
            Interaction.objective,
            Interaction.objective_strong,
            exists(
                select(CalendarMeeting.id).where(CalendarMeeting.interaction_id == Interaction.id)
            ).label("from_calendar"),
            func.count().over().label("total"),  # of the whole range, before the limit
        )
        .join(Account, Account.id == Interaction.account_id)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == user_id,
            Interaction.scheduled_at >= start,
            Interaction.scheduled_at < end,
            Interaction.cancelled_at.is_(None),
            ~exists(select(logged.id).where(logged.interaction_id == Interaction.id)),
        )
        .order_by(Interaction.scheduled_at, Interaction.id)
        .limit(COMING_UP_LIMIT)
    ).all()
    shown = [
        Upcoming(row[0], row[1], row[2], row[3], plan_status(row[4], row[5]), row.from_calendar)
        for row in rows
    ]
    return shown, rows[0].total if rows else 0


def _owed(session: Session, workspace: Workspace, user_id: str) -> tuple[list[Owed], int]:
    """Dated next steps (Advanced, Minimum) whose follow-up has no outcome and is not
    cancelled, in a chain still open; by date, so overdue ones come first."""
    follow_up, follow_up_outcome, earlier = _FOLLOW_UP, _FOLLOW_UP_OUTCOME, _EARLIER
    rows = session.execute(
        select(
            follow_up.id,
            Account.name,
            Outcome.next_step,
            Outcome.next_step_at,
            earlier.scheduled_at,
            func.count().over().label("total"),
        )
        .join(follow_up, follow_up.id == Outcome.follow_up_id)
        .join(earlier, earlier.id == Outcome.interaction_id)
        .join(Account, Account.id == follow_up.account_id)
        .where(
            Outcome.team_id == workspace.team_id,
            Outcome.rep_user_id == user_id,
            Outcome.result.in_([Result.ADVANCED, Result.MINIMUM]),
            Outcome.next_step_at.is_not(None),
            follow_up.cancelled_at.is_(None),
            ~exists(
                select(follow_up_outcome.id).where(follow_up_outcome.interaction_id == follow_up.id)
            ),
            chain_open(follow_up),
        )
        .order_by(Outcome.next_step_at, follow_up.id)
        .limit(OWED_LIMIT)
    ).all()
    shown = [Owed(row[0], row[1], row[2] or "", row[3] or row[4], row[4]) for row in rows]
    return shown, rows[0].total if rows else 0
