"""A summary's figures: the team's metrics, open items, escalations and where to coach."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.domain.coaching import Criterion
from app.domain.metrics import Metrics, metrics_by_rep, team_total
from app.domain.nudges import rules as due_rules
from app.domain.summaries import named
from app.domain.summaries.named import (
    DAYS_AHEAD,
    DueCommitment,
    LostDeal,
    Named,
    OpenItem,
    UpcomingMeeting,
)
from app.domain.summaries.periods import Period
from app.domain.workspace import Workspace
from app.models import (
    Account,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    Outcome,
    Rep,
    Result,
    Stage,
)

MAX_WEAKEST = 3
_CRITERIA = {criterion.value: criterion for criterion in Criterion}


@dataclass(frozen=True)
class OpenItems:
    """Interactions still without a next step, as the morning nudge defines them."""

    count: int = 0
    oldest: datetime | None = None  # what the oldest is overdue from
    escalated: int = 0  # of them, those the nudges handed to the manager

    def __add__(self, other: OpenItems) -> OpenItems:
        oldest = min((at for at in (self.oldest, other.oldest) if at), default=None)
        return OpenItems(self.count + other.count, oldest, self.escalated + other.escalated)


@dataclass(frozen=True)
class RepFigures:
    user_id: str
    name: str | None  # the cached Slack display name, when the coach has seen the rep
    current: Metrics
    previous: Metrics
    open: OpenItems
    escalated: int  # open items the nudges handed to the manager (or could not DM at all)
    unreachable: str | None  # why the rep gets no nudges, if they get none

    @property
    def quiet(self) -> bool:
        """Nothing logged in the period and nothing open."""
        return not (self.current.interactions or self.current.outcomes or self.open.count)


@dataclass(frozen=True)
class CoachingMoment:
    """One objective of the period: a weak one to coach, or the strongest, to praise."""

    interaction_id: int
    rep_user_id: str
    rep_name: str | None
    account: str
    kind: InteractionKind
    scheduled_at: datetime
    objective: str
    gaps: tuple[Criterion, ...]  # the criteria it failed, in the coach's order
    strong: bool
    result: Result | None  # what the customer agreed to, once logged
    stage: Stage | None = None  # the stage it was planned for


@dataclass(frozen=True)
class TeamSummary:
    period: Period
    reps: list[RepFigures]  # everyone in scope, by name
    current: Metrics
    previous: Metrics
    open: OpenItems
    escalated: int
    weakest: list[CoachingMoment]
    strongest: CoachingMoment | None
    stuck_nudges: int  # nudges to these reps whose sending was interrupted (not re-sent)
    # What to act on, by name (see named.py): the open items the nudges escalated and the
    # others, the period's lost deals, and in the coming period the customers' commitments
    # due and the interactions without a plan.
    escalated_items: Named[OpenItem] = Named()
    without_next_step: Named[OpenItem] = Named()
    lost: Named[LostDeal] = Named()
    commitments_due: Named[DueCommitment] = Named()
    unplanned: Named[UpcomingMeeting] = Named()
    names: dict[str, str | None] = field(default_factory=dict)  # the reps' display names

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no interaction, no outcome, no next step due."""
        figures = self.current
        return not (figures.interactions or figures.outcomes or figures.next_steps_due)


def compute_summary(
    session: Session,
    workspace: Workspace,
    rep_user_ids: Collection[str],
    period: Period,
    now: datetime,
    rules: due_rules.NudgeRules = due_rules.DEFAULT_RULES,
) -> TeamSummary:
    """The summary of `period` for the reps in scope, against the period before.

    Twelve SQL statements whatever the number of reps: the figures of both periods (two
    each), the reps' names, the weakest and the strongest objectives, the open items with what
    the nudges escalated (named and counted), the nudges stuck in sending, the lost deals, and
    for the coming period (from `now`, as long as the period) the commitments due and the
    interactions without a plan.
    """
    reps = sorted(set(rep_user_ids))
    if not reps:
        return TeamSummary(period, [], Metrics(), Metrics(), OpenItems(), 0, [], None, 0)
    before = period.before()
    current = metrics_by_rep(session, workspace, period.start, period.end, now, reps)
    previous = metrics_by_rep(session, workspace, before.start, before.end, now, reps)
    profiles = {
        row.user_id: row
        for row in session.execute(
            select(Rep.user_id, Rep.display_name, Rep.unreachable_reason, Rep.is_active).where(
                Rep.team_id == workspace.team_id, Rep.user_id.in_(reps)
            )
        )
    }
    names = {user_id: row.display_name for user_id, row in profiles.items()}
    weakest, strongest = _coaching_moments(session, workspace, reps, period, now, names)
    found = named.open_items(session, workspace, reps, now, rules)
    open_items = {
        rep: OpenItems(totals.count, totals.oldest, totals.escalated)
        for rep, totals in found.by_rep.items()
    }
    ahead = now + DAYS_AHEAD[period.cadence]
    figures = []
    for user_id in reps:
        profile = profiles.get(user_id)
        # As the nudges' escalations: a rep no DM reaches has every open item escalated.
        unreachable = profile and (
            profile.unreachable_reason or (None if profile.is_active else "inactive")
        )
        still_open = open_items.get(user_id, OpenItems())
        figures.append(
            RepFigures(
                user_id=user_id,
                name=names.get(user_id),
                current=current.get(user_id, Metrics()),
                previous=previous.get(user_id, Metrics()),
                open=still_open,
                escalated=still_open.count if unreachable else still_open.escalated,
                unreachable=unreachable or None,
            )
        )
    figures.sort(key=lambda rep: ((rep.name or rep.user_id).casefold(), rep.user_id))
    return TeamSummary(
        period=period,
        reps=figures,
        current=team_total(current),
        previous=team_total(previous),
        open=sum(open_items.values(), OpenItems()),
        escalated=sum(rep.escalated for rep in figures),
        weakest=weakest,
        strongest=strongest,
        stuck_nudges=_stuck_nudges(session, workspace, reps, period.start.date(), now),
        escalated_items=found.escalated,
        without_next_step=found.without_next_step,
        lost=named.lost_deals(session, workspace, reps, period.start, min(period.end, now)),
        commitments_due=named.commitments_due(session, workspace, reps, now, ahead),
        unplanned=named.unplanned_meetings(session, workspace, reps, now, ahead),
        names=names,
    )


def open_items_by_rep(
    session: Session,
    workspace: Workspace,
    rep_user_ids: Collection[str],
    now: datetime,
    rules: due_rules.NudgeRules = due_rules.DEFAULT_RULES,
) -> dict[str, OpenItems]:
    """Each rep's interactions still without a next step, by the morning nudge's own rules
    (no outcome, a next step whose date passed, a continuation), and how many of them the
    nudges escalated."""
    found = named.open_items(session, workspace, rep_user_ids, now, rules, limit=0)
    return {
        rep: OpenItems(totals.count, totals.oldest, totals.escalated)
        for rep, totals in found.by_rep.items()
    }


def _stuck_nudges(
    session: Session, workspace: Workspace, reps: list[str], since: date, now: datetime
) -> int:
    """Morning nudges to these reps, for local dates from `since`, that a process left in
    "sending" (they are never sent again: the manager should know)."""
    stuck = session.scalar(
        select(func.count()).where(
            Delivery.team_id == workspace.team_id,
            Delivery.kind == DeliveryKind.NUDGE,
            Delivery.key >= due_rules.delivery_key(since, ""),
            Delivery.recipient.in_(reps),
            Delivery.status == DeliveryStatus.SENDING,
            Delivery.updated_at < now - due_rules.STUCK_AFTER,
        )
    )
    return stuck or 0


def _gap_count(gaps):
    """How many criteria an objective failed: its comma-separated gaps, counted in SQL."""
    return case(
        (or_(gaps.is_(None), gaps == ""), 0),
        else_=func.length(gaps) - func.length(func.replace(gaps, ",", "")) + 1,
    )


def _coaching_moments(
    session: Session,
    workspace: Workspace,
    reps: list[str],
    period: Period,
    now: datetime,
    names: dict[str, str | None],
) -> tuple[list[CoachingMoment], CoachingMoment | None]:
    """Up to three of the period's weakest objectives (not strong first, then the most failed
    criteria, the latest first) and the strongest (the fewest gaps, a hit before a miss)."""
    gaps = _gap_count(Interaction.objective_gaps)
    reviewed = (
        select(
            Interaction.id,
            Interaction.rep_user_id,
            Account.name,
            Interaction.kind,
            Interaction.scheduled_at,
            Interaction.objective,
            Interaction.stage,
            Interaction.objective_gaps,
            Interaction.objective_strong,
            Outcome.result,
        )
        .join(Account, Account.id == Interaction.account_id)
        .outerjoin(Outcome, Outcome.interaction_id == Interaction.id)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id.in_(reps),
            Interaction.scheduled_at >= period.start,
            Interaction.scheduled_at < min(period.end, now),
            Interaction.objective.is_not(None),
            Interaction.objective_strong.is_not(None),
        )
    )
    weakest = session.execute(
        reviewed.where(gaps > 0)
        .order_by(
            Interaction.objective_strong.asc(),
            gaps.desc(),
            Interaction.scheduled_at.desc(),
            Interaction.id.desc(),
        )
        .limit(MAX_WEAKEST)
    ).all()
    hit = case((Outcome.result.in_([Result.WON, Result.ADVANCED]), 0), else_=1)
    strongest = session.execute(
        reviewed.where(Interaction.objective_strong.is_(True))
        .order_by(gaps.asc(), hit.asc(), Interaction.scheduled_at.desc(), Interaction.id.desc())
        .limit(1)
    ).first()

    def moment(row) -> CoachingMoment:
        failed = [
            _CRITERIA[gap] for gap in (row.objective_gaps or "").split(",") if gap in _CRITERIA
        ]
        return CoachingMoment(
            interaction_id=row.id,
            rep_user_id=row.rep_user_id,
            rep_name=names.get(row.rep_user_id),
            account=row.name,
            kind=row.kind,
            scheduled_at=row.scheduled_at,
            objective=row.objective,
            stage=row.stage,
            gaps=tuple(failed),
            strong=bool(row.objective_strong),
            result=row.result,
        )

    return [moment(row) for row in weakest], moment(strongest) if strongest else None
