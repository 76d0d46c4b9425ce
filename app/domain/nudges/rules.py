"""The nudge's due rules: what keeps an interaction on a rep's list, as SQL over any set of
reps (the morning sweep's and the manager summary's), and the items they yield."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, cast

from sqlalchemy import (
    Select,
    and_,
    case,
    exists,
    literal,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from app.domain.outcomes import (
    RECENT_WINDOW,
)
from app.domain.text import row_id
from app.models import (
    AWAITING_NEXT_STEP,
    AWAITING_OUTCOME,
    CLOSES_CHAIN,
    Account,
    Interaction,
    InteractionKind,
    NudgeItem,
    NudgeReason,
    Origin,
    Outcome,
)

MAX_ITEMS_SHOWN = 10
MAX_APPEARANCES = 2  # nudge fatigue: after two DMs an item goes to the manager instead
# A claim still "sending" this long after it was made belongs to a process that died mid-send.
STUCK_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class NudgeRules:
    """The knobs of the due rules (see docs/nudges.md)."""

    outcome_grace: timedelta = timedelta(hours=1)
    # The window /postcall lists, so "Log outcome" always finds the interaction there.
    lookback: timedelta = RECENT_WINDOW
    max_items: int = MAX_ITEMS_SHOWN
    max_appearances: int = MAX_APPEARANCES


DEFAULT_RULES = NudgeRules()


# Tuples rather than dataclasses: a sweep makes one of each per item, tens of thousands.
class ItemKey(NamedTuple):
    """One reason to nudge about one interaction; carried by the DM's buttons as text."""

    interaction_id: int
    reason: NudgeReason

    def __str__(self) -> str:
        return f"{self.interaction_id}:{self.reason.value}"

    @classmethod
    def parse(cls, text: str | None) -> ItemKey | None:
        number, _, reason = (text if isinstance(text, str) else "").partition(":")
        interaction_id = row_id(number)
        try:
            return cls(interaction_id, NudgeReason(reason)) if interaction_id else None
        except ValueError:
            return None


class DueItem(NamedTuple):
    key: ItemKey
    rep_user_id: str
    account_name: str
    kind: InteractionKind
    scheduled_at: datetime
    next_step: str | None = None  # for a follow-up: what the customer agreed to do
    times_shown: int = 0

    @property
    def since(self) -> datetime:
        """What the item is overdue from: the interaction's time (the agreed date, for a
        follow-up); for a heads-up, when it happens."""
        return self.scheduled_at


# The aliases the rules' subqueries name, made once: SQLAlchemy adapts an alias's columns on
# first use, which costs more than running the statements for one rep (the App Home's case).
_CLOSING, _CLOSED = aliased(Outcome, name="closing"), aliased(Interaction, name="closed")
_LATER = aliased(Interaction, name="later")
_AGREED = aliased(Outcome, name="agreed")


def delivery_key(local_date: date, user_id: str) -> str:
    # Date first: one local date's claims are a range of the (team, kind, key) index.
    return f"{local_date.isoformat()}:{user_id}"


def _closed_chains() -> Select:
    """(team, rep, account) of each chain a Won or Lost closed, from the closing outcomes (a
    partial index) rather than from the accounts' chains."""
    closing, closed = _CLOSING, _CLOSED
    return (
        select(closing.team_id, closing.rep_user_id, closed.account_id)
        .join(closed, closed.id == closing.interaction_id)
        .where(text(CLOSES_CHAIN))  # unqualified, it names the closing outcome's column
    )


def chain_open(interaction) -> ColumnElement[bool]:
    """Won and Lost close the rep's chain with an account: nothing of it is chased any more."""
    chains = _closed_chains()
    closed = chains.selected_columns
    return ~exists(
        chains.where(
            closed.team_id == interaction.team_id,
            closed.rep_user_id == interaction.rep_user_id,
            closed.account_id == interaction.account_id,
        )
    )


def _of_reps(reps, team_id, user_id) -> ColumnElement[bool]:
    """Rows of `reps`, as IN rather than a join: SQLite builds a Bloom filter for a join to
    the reps, a scan of the whole index even for one rep, and the semi-join gives
    PostgreSQL better row estimates than a join to a VALUES list."""
    return tuple_(team_id, user_id).in_(select(reps.c.team_id, reps.c.user_id))


def _no_outcome() -> ColumnElement[bool]:
    """No outcome logged: the partial index's predicate, word for word (on the unaliased
    interactions table), so that both databases read only the interactions awaiting one."""
    return cast("ColumnElement[bool]", text(f"({AWAITING_OUTCOME})"))


def _no_later_interaction(interaction) -> ColumnElement[bool]:
    """A later interaction with the account (planned or logged) is the missing next step."""
    later = _LATER
    return ~exists(
        select(later.id).where(
            later.team_id == interaction.team_id,
            later.rep_user_id == interaction.rep_user_id,
            later.account_id == interaction.account_id,
            later.scheduled_at > interaction.scheduled_at,
            later.cancelled_at.is_(None),
        )
    )


def _awaiting_next_step() -> ColumnElement[bool]:
    """Continuation, or advanced/minimum without a date: the partial index's predicate,
    word for word (on the unaliased outcomes table), so that both databases use the index."""
    # A TextClause is no ColumnElement to the type checker, but SQL takes it where one goes.
    return cast("ColumnElement[bool]", text(f"({AWAITING_NEXT_STEP})"))


def unresolved(key: ItemKey) -> list[ColumnElement[bool]]:
    """What keeps an interaction (left-joined to its outcome) on the list for this reason,
    whatever the time: what a button on an older DM checks."""
    i = Interaction
    return [i.cancelled_at.is_(None)] + {
        NudgeReason.NO_OUTCOME: [_no_outcome(), i.origin != Origin.FOLLOW_UP],
        NudgeReason.FOLLOW_UP_DUE: [_no_outcome(), i.origin == Origin.FOLLOW_UP],
        NudgeReason.UNPLANNED_TODAY: [_no_outcome(), i.objective.is_(None)],
        NudgeReason.NO_NEXT_STEP: [_awaiting_next_step(), _no_later_interaction(i)],
    }[key.reason]


def open_items_query(reps, now: datetime, rules: NudgeRules, *, heads_up: bool):
    """What is due now for `reps` (rows of team_id, user_id and, for the heads-up, day_end):
    one SELECT per rule, united, each row (team_id, rep_user_id, interaction_id, reason,
    scheduled_at). Every arm walks an index for the reps at hand, never a whole table."""
    i = Interaction
    recent = i.scheduled_at >= now - rules.lookback
    # The reps' closed chains, found once for all their candidates (a CTE named in every arm,
    # so both databases materialize it): looked up for each candidate, that was tens of
    # closing outcomes a candidate, most of the statement's time for a large team.
    chains = _closed_chains()
    closed = chains.selected_columns
    closed_chains = (
        chains.where(_of_reps(reps, closed.team_id, closed.rep_user_id))
        .distinct()
        .cte("closed_chains")
    )
    chain_open = ~exists().where(
        closed_chains.c.team_id == i.team_id,
        closed_chains.c.rep_user_id == i.rep_user_id,
        closed_chains.c.account_id == i.account_id,
    )

    def arm(reason, *conditions) -> Select:
        return select(
            i.team_id,
            i.rep_user_id,
            i.id.label("interaction_id"),
            reason.label("reason"),
            i.scheduled_at,
        ).where(*conditions, chain_open, i.cancelled_at.is_(None))

    no_outcome = arm(
        case(
            (i.origin == Origin.FOLLOW_UP, literal(NudgeReason.FOLLOW_UP_DUE.value)),
            else_=literal(NudgeReason.NO_OUTCOME.value),
        ),
        _of_reps(reps, i.team_id, i.rep_user_id),
        recent,
        i.scheduled_at <= now - rules.outcome_grace,
        _no_outcome(),
    )
    # From the few outcomes still wanting a next step (their partial index), not from every
    # interaction of the period.
    no_next_step = (
        arm(literal(NudgeReason.NO_NEXT_STEP.value), recent, _no_later_interaction(i))
        .select_from(Outcome)
        .join(i, i.id == Outcome.interaction_id)
        .where(_of_reps(reps, Outcome.team_id, Outcome.rep_user_id), _awaiting_next_step())
    )
    arms = [no_outcome, no_next_step]
    if heads_up:
        # Joined: it needs the rep's day_end; today's few interactions are a short range.
        unplanned_today = arm(
            literal(NudgeReason.UNPLANNED_TODAY.value),
            i.scheduled_at > now,
            i.scheduled_at < reps.c.day_end,
            i.objective.is_(None),
            _no_outcome(),
        ).join(reps, and_(reps.c.team_id == i.team_id, reps.c.user_id == i.rep_user_id))
        arms.append(unplanned_today)
    return union_all(*arms)


def described(items) -> Select:
    """The items with what a DM says about each: account, kind, time, agreed next step."""
    agreed = _AGREED
    return (
        select(items, Account.name.label("account_name"), Interaction.kind, agreed.next_step)
        .join(Interaction, Interaction.id == items.c.interaction_id)
        .join(Account, Account.id == Interaction.account_id)
        .outerjoin(agreed, agreed.interaction_id == Interaction.follows_id)
    )


def item_record_join(items) -> ColumnElement[bool]:
    """Joins each item to its nudge_items row: how often it was shown, snoozed, escalated."""
    return and_(
        NudgeItem.team_id == items.c.team_id,
        NudgeItem.interaction_id == items.c.interaction_id,
        NudgeItem.reason == items.c.reason,
    )


_REASONS = {reason.value: reason for reason in NudgeReason}


def due_item(row, times_shown: int = 0) -> DueItem:
    reason = _REASONS[row.reason]
    return DueItem(
        key=ItemKey(row.interaction_id, reason),
        rep_user_id=row.rep_user_id,
        account_name=row.account_name,
        kind=row.kind,
        scheduled_at=row.scheduled_at,
        next_step=row.next_step if reason is NudgeReason.FOLLOW_UP_DUE else None,
        times_shown=times_shown,
    )
