"""A manager's team: the reps of the summaries they own (an admin: every rep), and each rep's
week for the team view."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.metrics import Metrics, metrics_by_rep
from app.domain.summaries import named
from app.domain.summaries.access import Role
from app.domain.summaries.figures import OpenItems, open_items_by_rep
from app.domain.summaries.named import Named, UpcomingMeeting
from app.domain.workspace import Workspace
from app.models import Interaction, Rep, SummarySubscription

TEAM_WEEK = timedelta(days=7)
UPCOMING_SHOWN = 10


class NotATeamLead(PermissionError):
    """A rep (neither admin nor manager) asked for a team's data."""


@dataclass(frozen=True)
class TeamScope:
    """Whose data someone may see beyond their own: everyone (an admin), or the reps named in
    the summaries they own and the members of those summaries' user groups (read from Slack
    by the caller)."""

    everyone: bool
    rep_user_ids: frozenset[str]
    usergroup_ids: tuple[str, ...]

    def with_members(self, members: Iterable[str]) -> TeamScope:
        return TeamScope(self.everyone, self.rep_user_ids | frozenset(members), ())

    def allows(self, rep_user_id: str) -> bool:
        return self.everyone or rep_user_id in self.rep_user_ids


def team_scope(session: Session, workspace: Workspace, role: Role, user_id: str) -> TeamScope:
    """The scope of an admin or a manager; raises NotATeamLead for anyone else."""
    if role is Role.ADMIN:
        return TeamScope(True, frozenset(), ())
    if role is not Role.MANAGER:
        raise NotATeamLead(user_id)
    rows = session.execute(
        select(SummarySubscription.rep_user_ids, SummarySubscription.usergroup_id).where(
            SummarySubscription.team_id == workspace.team_id,
            SummarySubscription.owner_user_id == user_id,
        )
    ).all()
    reps = frozenset(rep for row in rows for rep in row.rep_user_ids.split())
    groups = tuple(dict.fromkeys(row.usergroup_id for row in rows if row.usergroup_id))
    return TeamScope(False, reps, groups)


def workspace_reps(session: Session, workspace: Workspace) -> list[str]:
    """Every rep the coach knows in the workspace who logged an interaction."""
    return list(
        session.scalars(
            select(Interaction.rep_user_id)
            .where(Interaction.team_id == workspace.team_id)
            .distinct()
            .order_by(Interaction.rep_user_id)
        )
    )


@dataclass(frozen=True)
class RepWeek:
    user_id: str
    name: str | None
    figures: Metrics  # the last seven days up to now
    open: OpenItems


@dataclass(frozen=True)
class TeamWeek:
    reps: list[RepWeek]  # by name
    escalated: int
    unplanned: Named[UpcomingMeeting]  # the next 7 days' interactions with no plan yet
    names: dict[str, str | None]


def team_week(
    session: Session, workspace: Workspace, rep_user_ids: Collection[str], now: datetime
) -> TeamWeek:
    """Each rep's last seven days, their open items and what the nudges escalated, and the
    interactions of the coming seven days that have no plan yet; a few statements in all."""
    reps = sorted(set(rep_user_ids))
    if not reps:
        return TeamWeek([], 0, Named(), {})
    figures = metrics_by_rep(session, workspace, now - TEAM_WEEK, now, now, reps)
    open_items = open_items_by_rep(session, workspace, reps, now)
    names = dict(
        session.execute(
            select(Rep.user_id, Rep.display_name).where(
                Rep.team_id == workspace.team_id, Rep.user_id.in_(reps)
            )
        ).all()
    )
    weeks = [
        RepWeek(rep, names.get(rep), figures.get(rep, Metrics()), open_items.get(rep, OpenItems()))
        for rep in reps
    ]
    weeks.sort(key=lambda week: ((week.name or week.user_id).casefold(), week.user_id))
    unplanned = named.unplanned_meetings(
        session, workspace, reps, now, now + TEAM_WEEK, limit=UPCOMING_SHOWN
    )
    return TeamWeek(weeks, sum(week.open.escalated for week in weeks), unplanned, names)
