"""What a summary names for the manager to act on: the open and escalated items by rep and
account, lost deals with their reason, the customers' commitments coming due, and meetings
coming up without a plan; each list the oldest (or soonest) first, with how many in all."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import Select, String, and_, case, column, func, or_, select, values
from sqlalchemy.orm import Session, aliased

from app.domain.nudges import rules as due_rules
from app.domain.workspace import Workspace
from app.models import (
    Account,
    Interaction,
    InteractionKind,
    LostReason,
    NudgeItem,
    NudgeReason,
    Outcome,
    Rep,
    Result,
    SummaryCadence,
)

# Items named in each list of a post; the rest are counted ("and N more").
NAMED_MAX = 5
# The coming period a post looks ahead to: as long as its own.
DAYS_AHEAD = {SummaryCadence.DAILY: timedelta(days=1), SummaryCadence.WEEKLY: timedelta(days=7)}

T = TypeVar("T")


@dataclass(frozen=True)
class Named(Generic[T]):
    """The first items of a list, and how many it has in all."""

    items: tuple[T, ...] = ()
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class OpenItem:
    """An interaction still without a next step (the morning nudge's rules), and since when."""

    rep_user_id: str
    account: str
    since: datetime  # the interaction's time: what its age is counted from
    reason: NudgeReason
    escalated: bool  # handed to the manager: after two reminders, or no DM reaches the rep


@dataclass(frozen=True)
class LostDeal:
    rep_user_id: str
    account: str
    at: datetime
    reason: LostReason | None


@dataclass(frozen=True)
class DueCommitment:
    """What a customer agreed to do, by when: a dated next step not followed up yet."""

    rep_user_id: str
    account: str
    next_step: str
    due_at: datetime


@dataclass(frozen=True)
class UpcomingMeeting:
    rep_user_id: str
    account: str
    kind: InteractionKind
    at: datetime


@dataclass(frozen=True)
class OpenTotals:
    """Per rep: how many items are open, since when, and how many the nudges escalated."""

    count: int
    oldest: datetime | None
    escalated: int


@dataclass(frozen=True)
class OpenItemsFound:
    by_rep: dict[str, OpenTotals] = field(default_factory=dict)
    escalated: Named[OpenItem] = Named()
    without_next_step: Named[OpenItem] = Named()  # the open items not escalated


def open_items(
    session: Session,
    workspace: Workspace,
    rep_user_ids: Collection[str],
    now: datetime,
    rules: due_rules.NudgeRules = due_rules.DEFAULT_RULES,
    limit: int = NAMED_MAX,
) -> OpenItemsFound:
    """Each rep's open items in figures, and the oldest escalated and not escalated items by
    name; one statement (the due rules are a summary's costliest part): a row per rep carries
    its totals, and the first `limit` rows of each kind are named."""
    scope = (
        values(column("team_id", String), column("user_id", String), name="scope")
        .data([(workspace.team_id, user_id) for user_id in rep_user_ids])
        .cte("scope")
    )
    items = due_rules.open_items_query(scope, now, rules, heads_up=False).subquery("items")
    escalated = case(
        (
            or_(
                NudgeItem.escalated_at.is_not(None),
                Rep.unreachable_reason.is_not(None),
                Rep.is_active.is_(False),
            ),
            1,
        ),
        else_=0,
    )
    in_time = (items.c.scheduled_at, items.c.interaction_id)
    ranked = (
        select(
            items.c.rep_user_id,
            items.c.interaction_id,
            items.c.reason,
            items.c.scheduled_at,
            escalated.label("escalated"),
            func.row_number().over(partition_by=items.c.rep_user_id).label("rep_row"),
            func.count().over(partition_by=items.c.rep_user_id).label("rep_count"),
            func.min(items.c.scheduled_at).over(partition_by=items.c.rep_user_id).label("oldest"),
            func.count(NudgeItem.escalated_at)
            .over(partition_by=items.c.rep_user_id)
            .label("rep_escalated"),
            func.row_number().over(partition_by=escalated, order_by=in_time).label("kind_row"),
            func.count().over(partition_by=escalated).label("kind_count"),
        )
        .outerjoin(NudgeItem, due_rules.item_record_join(items))
        .outerjoin(Rep, and_(Rep.team_id == items.c.team_id, Rep.user_id == items.c.rep_user_id))
        .subquery("ranked")
    )
    rows = session.execute(
        select(ranked, Account.name)
        .join(Interaction, Interaction.id == ranked.c.interaction_id)
        .join(Account, Account.id == Interaction.account_id)
        .where(or_(ranked.c.rep_row == 1, ranked.c.kind_row <= limit))
        .order_by(ranked.c.scheduled_at, ranked.c.interaction_id)
    ).all()
    by_rep: dict[str, OpenTotals] = {}
    named: dict[bool, list[OpenItem]] = {True: [], False: []}
    totals = {True: 0, False: 0}
    for row in rows:
        by_rep[row.rep_user_id] = OpenTotals(row.rep_count, row.oldest, row.rep_escalated)
        kind = bool(row.escalated)
        totals[kind] = row.kind_count
        if row.kind_row <= limit:
            reason = NudgeReason(row.reason)
            named[kind].append(OpenItem(row.rep_user_id, row.name, row.scheduled_at, reason, kind))
    return OpenItemsFound(
        by_rep,
        Named(tuple(named[True]), totals[True]),
        Named(tuple(named[False]), totals[False]),
    )


def _first(session: Session, query: Select, limit: int, make: Callable[..., T]) -> Named[T]:
    """The first `limit` rows of `query` made into items, and how many rows it has in all
    (a window count, in the same statement)."""
    rows = session.execute(query.add_columns(func.count().over()).limit(limit)).all()
    return Named(tuple(make(*row[:-1]) for row in rows), rows[0][-1] if rows else 0)


def _interactions_of(workspace: Workspace, reps: Collection[str], start, end) -> list:
    return [
        Interaction.team_id == workspace.team_id,
        Interaction.rep_user_id.in_(list(reps)),
        Interaction.scheduled_at >= start,
        Interaction.scheduled_at < end,
    ]


def lost_deals(
    session: Session,
    workspace: Workspace,
    reps: Collection[str],
    start: datetime,
    end: datetime,
    limit: int = NAMED_MAX,
) -> Named[LostDeal]:
    """The deals lost in [start, end) (by the interaction's time), the latest first."""
    query = (
        select(Interaction.rep_user_id, Account.name, Interaction.scheduled_at, Outcome.lost_reason)
        .join(Outcome, Outcome.interaction_id == Interaction.id)
        .join(Account, Account.id == Interaction.account_id)
        .where(*_interactions_of(workspace, reps, start, end), Outcome.result == Result.LOST)
        .order_by(Interaction.scheduled_at.desc(), Interaction.id.desc())
    )
    return _first(session, query, limit, LostDeal)


def commitments_due(
    session: Session,
    workspace: Workspace,
    reps: Collection[str],
    start: datetime,
    end: datetime,
    limit: int = NAMED_MAX,
) -> Named[DueCommitment]:
    """The customers' agreed next steps due in [start, end) and not followed up yet, soonest
    first (won deals' noted kickoffs are not chased, so not listed)."""
    follow_up_outcome = aliased(Outcome)
    query = (
        select(
            Outcome.rep_user_id,
            Account.name,
            func.coalesce(Outcome.next_step, ""),
            Outcome.next_step_at,
        )
        .join(Interaction, Interaction.id == Outcome.interaction_id)
        .join(Account, Account.id == Interaction.account_id)
        .outerjoin(follow_up_outcome, follow_up_outcome.interaction_id == Outcome.follow_up_id)
        .where(
            Outcome.team_id == workspace.team_id,
            Outcome.rep_user_id.in_(list(reps)),
            Outcome.next_step_at >= start,
            Outcome.next_step_at < end,
            Outcome.result.in_([Result.ADVANCED, Result.MINIMUM]),
            follow_up_outcome.id.is_(None),
        )
        .order_by(Outcome.next_step_at, Outcome.id)
    )
    return _first(session, query, limit, DueCommitment)


def unplanned_meetings(
    session: Session,
    workspace: Workspace,
    reps: Collection[str],
    start: datetime,
    end: datetime,
    limit: int = NAMED_MAX,
) -> Named[UpcomingMeeting]:
    """Interactions in [start, end) with no plan (no commitment objective) yet, soonest first."""
    query = (
        select(Interaction.rep_user_id, Account.name, Interaction.kind, Interaction.scheduled_at)
        .join(Account, Account.id == Interaction.account_id)
        .where(*_interactions_of(workspace, reps, start, end), Interaction.objective.is_(None))
        .order_by(Interaction.scheduled_at, Interaction.id)
    )
    return _first(session, query, limit, UpcomingMeeting)
