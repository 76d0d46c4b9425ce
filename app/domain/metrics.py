"""Plan against outcome, in figures: computed by SQL aggregation for a rep or a team."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, case, column, exists, func, select, values
from sqlalchemy.orm import Session, aliased

from app.domain.reps import FALLBACK_ZONE
from app.domain.workspace import Workspace
from app.models import AwayDay, FollowThrough, Interaction, Outcome, Rep, Result, UTCDateTime

# The answers to "did they do what they agreed?" that count as done.
DID_IT = (FollowThrough.ON_TIME, FollowThrough.LATE)
FOLLOW_THROUGH_LEGEND = (
    "Customer follow-through: agreed next steps the customer did (on time or late), of those "
    "due; unknown: followed up before the coach asked."
)


@dataclass(frozen=True)
class Ratio:
    """A share shown with its denominator: "7/9 (78%)"."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None

    def __str__(self) -> str:
        return f"{self.part}/{self.whole} ({self.percent}%)" if self.whole else "none yet"


@dataclass(frozen=True)
class Metrics:
    """Counts for one rep (or, summed, a team) over a period; rates derive from them."""

    interactions: int = (
        0  # interactions whose time fell in the period and has passed, not cancelled
    )
    planned_before: int = 0  # ... with a plan saved before they happened
    planned: int = 0  # ... with a commitment objective
    strong: int = 0  # ... whose objective passed the required criteria
    outcomes: int = 0
    won: int = 0
    advanced: int = 0
    minimum: int = 0
    continuation: int = 0
    lost: int = 0
    next_steps_due: int = 0  # dated next steps whose date fell in the period and has passed
    followed_through: int = 0  # ... that the customer did (on time or late), as the rep said
    follow_through_unknown: int = 0  # ... followed up before the rep was asked (no answer)
    cancelled: int = 0  # interactions of the period cancelled instead (in no rate above)
    reschedules: int = 0  # how often the period's interactions were moved

    def __add__(self, other: Metrics) -> Metrics:
        return Metrics(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def planned_rate(self) -> Ratio:
        return Ratio(self.planned_before, self.interactions)

    @property
    def strong_rate(self) -> Ratio:
        return Ratio(self.strong, self.planned)

    @property
    def hit_rate(self) -> Ratio:
        """Commitment hit rate: the customer closed or agreed to the objective."""
        return Ratio(self.won + self.advanced, self.outcomes)

    @property
    def minimum_rate(self) -> Ratio:
        return Ratio(self.minimum, self.outcomes)

    @property
    def continuation_rate(self) -> Ratio:
        return Ratio(self.continuation, self.outcomes)

    @property
    def follow_through(self) -> Ratio:
        """Customer follow-through: agreed next steps the customer did, of those due."""
        return Ratio(self.followed_through, self.next_steps_due)


# Made once: an alias's columns are adapted on first use, at a cost the App Home would pay on
# every opening.
_FOLLOW_UP = aliased(Interaction, name="follow_up")
_FOLLOW_UP_OUTCOME = aliased(Outcome, name="follow_up_outcome")


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def metrics_by_rep(
    session: Session,
    workspace: Workspace,
    start: datetime,
    end: datetime,
    now: datetime,
    rep_user_ids: Collection[str] | None = None,
) -> dict[str, Metrics]:
    """Each rep's figures for [start, end), in three statements whatever the number of reps
    (their away days, their interactions, their next steps)."""
    until = min(end, now)
    interaction_filter = [
        Interaction.team_id == workspace.team_id,
        Interaction.scheduled_at >= start,
        Interaction.scheduled_at < until,
    ]
    if rep_user_ids is not None:
        interaction_filter.append(Interaction.rep_user_id.in_(list(rep_user_ids)))
    away = _away_spans(session, workspace, start, until, rep_user_ids)
    if away is not None:
        # Away is away: what was on a day the rep was out of office counts for nothing.
        interaction_filter.append(
            ~exists().where(
                away.c.user_id == Interaction.rep_user_id,
                Interaction.scheduled_at >= away.c.starts,
                Interaction.scheduled_at < away.c.ends,
            )
        )
    # Cancelled interactions are in no rate: counted on their own (docs/summaries.md).
    held = Interaction.cancelled_at.is_(None)
    activity = session.execute(
        select(
            Interaction.rep_user_id,
            _count_where(held),
            _count_where(
                and_(
                    held,
                    Interaction.planned_at.is_not(None),
                    Interaction.planned_at <= Interaction.scheduled_at,
                )
            ),
            _count_where(and_(held, Interaction.objective.is_not(None))),
            _count_where(and_(held, Interaction.objective_strong.is_(True))),
            func.count(Outcome.id),
            *(_count_where(Outcome.result == result) for result in Result),
            _count_where(~held),
            func.coalesce(func.sum(Interaction.reschedule_count), 0),
        )
        .outerjoin(Outcome, Outcome.interaction_id == Interaction.id)
        .where(*interaction_filter)
        .group_by(Interaction.rep_user_id)
    ).all()

    follow_up, follow_up_outcome = _FOLLOW_UP, _FOLLOW_UP_OUTCOME
    due_filter = [
        Outcome.team_id == workspace.team_id,
        Outcome.next_step_at >= start,
        Outcome.next_step_at < until,
        Outcome.result.in_([Result.ADVANCED, Result.MINIMUM]),
    ]
    if rep_user_ids is not None:
        due_filter.append(Outcome.rep_user_id.in_(list(rep_user_ids)))
    follow_through = session.execute(
        select(
            Outcome.rep_user_id,
            func.count(Outcome.id),
            _count_where(follow_up_outcome.follow_through.in_(DID_IT)),
            _count_where(
                and_(follow_up_outcome.id.is_not(None), follow_up_outcome.follow_through.is_(None))
            ),
        )
        .outerjoin(follow_up, follow_up.id == Outcome.follow_up_id)
        .outerjoin(follow_up_outcome, follow_up_outcome.interaction_id == follow_up.id)
        .where(*due_filter)
        .group_by(Outcome.rep_user_id)
    ).all()

    by_rep: dict[str, Metrics] = {}
    for rep, *counts in activity:
        interactions, planned_before, planned, strong, outcomes, *results = counts
        *results, cancelled, reschedules = results
        by_rep[rep] = Metrics(
            cancelled=cancelled,
            reschedules=reschedules,
            interactions=interactions,
            planned_before=planned_before,
            planned=planned,
            strong=strong,
            outcomes=outcomes,
            **{result.value: count for result, count in zip(Result, results, strict=True)},
        )
    for rep, due, followed, unknown in follow_through:
        by_rep[rep] = by_rep.get(rep, Metrics()) + Metrics(
            next_steps_due=due, followed_through=followed, follow_through_unknown=unknown
        )
    return by_rep


def _away_spans(
    session: Session,
    workspace: Workspace,
    start: datetime,
    end: datetime,
    rep_user_ids: Collection[str] | None,
):
    """The reps' away days around [start, end) as UTC spans of their local days (a VALUES
    CTE, or None when there are none): local midnights are computed here, portably."""
    day_before, day_after = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    statement = (
        select(AwayDay.user_id, AwayDay.day, Rep.tz)
        .join(Rep, and_(Rep.team_id == AwayDay.team_id, Rep.user_id == AwayDay.user_id))
        .where(
            AwayDay.team_id == workspace.team_id,
            AwayDay.day >= day_before,
            AwayDay.day <= day_after,
        )
    )
    if rep_user_ids is not None:
        statement = statement.where(AwayDay.user_id.in_(list(rep_user_ids)))
    spans = []
    for user_id, day, tz in session.execute(statement):
        zone = ZoneInfo(tz or FALLBACK_ZONE)
        starts = datetime.combine(day, time(), zone)
        spans.append((user_id, starts, datetime.combine(day + timedelta(days=1), time(), zone)))
    if not spans:
        return None
    return (
        values(
            column("user_id", String),
            column("starts", UTCDateTime()),
            column("ends", UTCDateTime()),
            name="away",
        )
        .data(spans)
        .cte("away")
    )


def team_total(by_rep: dict[str, Metrics]) -> Metrics:
    return sum(by_rep.values(), Metrics())


FIGURES_DAYS = 30  # `/coach me` and the Home: the last 30 days against the 30 before


def own_figures(
    session: Session, workspace: Workspace, user_id: str, now: datetime
) -> tuple[Metrics, Metrics]:
    """A rep's figures for the last FIGURES_DAYS days, and for the FIGURES_DAYS before."""
    period = timedelta(days=FIGURES_DAYS)

    def until(end: datetime) -> Metrics:
        by_rep = metrics_by_rep(session, workspace, end - period, end, now, [user_id])
        return by_rep.get(user_id, Metrics())

    return until(now), until(now - period)
