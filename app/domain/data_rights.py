"""A rep's right to have their data deleted: what the app keeps about them, and deleting it
all in one transaction. (The admin's retention rule for texts is in installs.py.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.domain.workspace import Workspace
from app.models import (
    AwayDay,
    CalendarLink,
    CalendarMeeting,
    Delivery,
    Interaction,
    Manager,
    NudgeItem,
    Outcome,
    Rep,
    Reschedule,
    SummarySubscription,
)


@dataclass(frozen=True)
class RepData:
    """What the app keeps about one person in one workspace."""

    interactions: int
    outcomes: int
    has_profile: bool  # zone, roles and nudge settings
    has_calendar: bool  # a connected calendar's (encrypted) address
    summaries: int  # channel summaries that name them as one of their reps

    @property
    def anything(self) -> bool:
        return bool(
            self.interactions
            or self.outcomes
            or self.has_profile
            or self.has_calendar
            or self.summaries
        )


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _named_in(session: Session, workspace: Workspace, user_id: str) -> list[SummarySubscription]:
    candidates = session.scalars(
        select(SummarySubscription).where(
            SummarySubscription.team_id == workspace.team_id,
            SummarySubscription.rep_user_ids.contains(user_id),
        )
    )
    return [s for s in candidates if user_id in s.rep_user_ids.split()]


def rep_data(session: Session, workspace: Workspace, user_id: str) -> RepData:
    team = workspace.team_id
    return RepData(
        interactions=_count(
            session, Interaction, Interaction.team_id == team, Interaction.rep_user_id == user_id
        ),
        outcomes=_count(session, Outcome, Outcome.team_id == team, Outcome.rep_user_id == user_id),
        has_profile=_count(session, Rep, Rep.team_id == team, Rep.user_id == user_id) > 0,
        has_calendar=_count(
            session, CalendarLink, CalendarLink.team_id == team, CalendarLink.user_id == user_id
        )
        > 0,
        summaries=len(_named_in(session, workspace, user_id)),
    )


def delete_rep_data(session: Session, workspace: Workspace, user_id: str) -> RepData:
    """Delete every row about the person in the workspace: their plans and outcomes, nudge
    items, settings and cached profile, the record of messages sent to them, their naming as a
    manager and in summaries' scopes (the summaries' figures lose them), their calendar and
    what it told (meetings, days away). Returns what went."""
    gone = rep_data(session, workspace, user_id)
    team = workspace.team_id
    for model, column in (
        (NudgeItem, NudgeItem.rep_user_id),
        (Outcome, Outcome.rep_user_id),
        (Reschedule, Reschedule.rep_user_id),
        (CalendarMeeting, CalendarMeeting.user_id),
        (Interaction, Interaction.rep_user_id),
        (CalendarLink, CalendarLink.user_id),
        (AwayDay, AwayDay.user_id),
        (Delivery, Delivery.recipient),
        (Manager, Manager.user_id),
        (Rep, Rep.user_id),
    ):
        session.execute(delete(model).where(model.team_id == team, column == user_id))
    for subscription in _named_in(session, workspace, user_id):
        subscription.rep_user_ids = " ".join(
            rep for rep in subscription.rep_user_ids.split() if rep != user_id
        )
    return gone
