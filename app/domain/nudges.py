"""What is due for whom: the morning nudge's rules, in a few statements for all reps at once."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    column,
    exists,
    literal,
    or_,
    select,
    text,
    tuple_,
    union_all,
    update,
    values,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import ColumnElement

from app.db import insert_unless_exists
from app.domain.nudge_settings import EARLIEST_NUDGE_MINUTE
from app.domain.outcomes import (
    RECENT_WINDOW,
    NotYourInteraction,
    OutcomeDraft,
    find_own_interaction,
    save_outcome,
)
from app.domain.workspace import Workspace
from app.models import (
    AWAITING_NEXT_STEP,
    CLOSES_CHAIN,
    Account,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    NudgeItem,
    NudgeReason,
    Origin,
    Outcome,
    Rep,
    Result,
    UTCDateTime,
)

NOON_MINUTE = 12 * 60  # no nudge, first try or retry, from the rep's local noon on
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
        number, _, reason = (text or "").partition(":")
        try:
            return cls(int(number), NudgeReason(reason))
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


@dataclass(frozen=True)
class DueRep:
    """A rep to nudge now, with the items of the DM, most overdue first."""

    workspace: Workspace
    user_id: str
    zone: str
    local_date: date
    profile_checked_at: datetime | None
    items: list[DueItem]
    total: int  # items that could be shown; those beyond `items` are "N more"

    @property
    def delivery_key(self) -> str:
        return delivery_key(self.local_date, self.user_id)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class StuckNudge:
    """A claim left in "sending" by a process that stopped mid-send: reported, never re-sent."""

    workspace: Workspace
    user_id: str
    key: str
    claimed_at: datetime


@dataclass
class DueNow:
    reps: list[DueRep] = field(default_factory=list)
    stuck: list[StuckNudge] = field(default_factory=list)
    escalated: int = 0  # items that left a DM for the manager summary in this pass


def delivery_key(local_date: date, user_id: str) -> str:
    # Date first: one local date's claims are a range of the (team, kind, key) index.
    return f"{local_date.isoformat()}:{user_id}"


# ----- who is in their nudge window


def _windows(zones: Iterable[str], now: datetime):
    """Each zone whose local time is between the earliest nudge time and noon, as a VALUES CTE
    (or None): computing local time here keeps the SQL portable and right across DST."""
    rows = []
    for name in zones:
        zone = ZoneInfo(name)
        local = now.astimezone(zone)
        minute = local.hour * 60 + local.minute
        if not EARLIEST_NUDGE_MINUTE <= minute < NOON_MINUTE:
            continue
        day = local.date()
        day_end = datetime.combine(day + timedelta(days=1), time(), zone)
        rows.append((name, day, minute, 1 << day.weekday(), delivery_key(day, ""), day_end))
    if not rows:
        return None
    return (
        values(
            column("tz", String),
            column("local_date", Date),
            column("minute", Integer),
            column("weekday_bit", Integer),
            column("key_prefix", String),
            column("day_end", UTCDateTime()),
            name="windows",
        )
        .data(rows)
        .cte("windows")
    )


def _reps_in_window(windows) -> Select:
    """Reps whose nudge time has come today, on one of their weekdays, not paused, reachable."""
    return (
        select(
            Rep.team_id,
            Rep.enterprise_id,
            Rep.user_id,
            Rep.tz,
            Rep.tz_checked_at,
            windows.c.local_date,
            windows.c.day_end,
            (windows.c.minute - Rep.nudge_minute).label("waited"),
            (windows.c.key_prefix + Rep.user_id).label("delivery_key"),
        )
        .join(windows, windows.c.tz == Rep.tz)
        .where(
            Rep.is_active.is_(True),
            Rep.unreachable_reason.is_(None),
            Rep.nudge_minute <= windows.c.minute,
            Rep.nudge_weekdays.op("&")(windows.c.weekday_bit) != 0,
            or_(
                Rep.nudges_paused_until.is_(None),
                Rep.nudges_paused_until <= windows.c.local_date,
            ),
        )
    )


def _not_yet_nudged(reps, now: datetime) -> ColumnElement[bool]:
    """No claim for the rep's local date, or a failed one whose retry time has come."""
    return ~exists(
        select(Delivery.id).where(
            Delivery.team_id == reps.c.team_id,
            Delivery.kind == DeliveryKind.NUDGE,
            Delivery.key == reps.c.delivery_key,
            or_(Delivery.status != DeliveryStatus.FAILED, Delivery.not_before > now),
        )
    )


# ----- the due rules, as SQL over any set of reps


def _closed_chains() -> Select:
    """(team, rep, account) of each chain a Won or Lost closed, from the closing outcomes (a
    partial index) rather than from the accounts' chains."""
    closing, closed = aliased(Outcome), aliased(Interaction)
    return (
        select(closing.team_id, closing.rep_user_id, closed.account_id)
        .join(closed, closed.id == closing.interaction_id)
        .where(text(CLOSES_CHAIN))  # unqualified, it names the closing outcome's column
    )


def _chain_open(interaction) -> ColumnElement[bool]:
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


def _no_outcome(interaction) -> ColumnElement[bool]:
    logged = aliased(Outcome)
    return ~exists(select(logged.id).where(logged.interaction_id == interaction.id))


def _no_later_interaction(interaction) -> ColumnElement[bool]:
    """A later interaction with the account (planned or logged) is the missing next step."""
    later = aliased(Interaction)
    return ~exists(
        select(later.id).where(
            later.team_id == interaction.team_id,
            later.rep_user_id == interaction.rep_user_id,
            later.account_id == interaction.account_id,
            later.scheduled_at > interaction.scheduled_at,
        )
    )


def _awaiting_next_step() -> ColumnElement[bool]:
    """Continuation, or advanced/minimum without a date: the partial index's predicate,
    word for word (on the unaliased outcomes table), so that both databases use the index."""
    return text(f"({AWAITING_NEXT_STEP})")


def _unresolved(key: ItemKey) -> list[ColumnElement[bool]]:
    """What keeps an interaction (left-joined to its outcome) on the list for this reason,
    whatever the time: what a button on an older DM checks."""
    i = Interaction
    return {
        NudgeReason.NO_OUTCOME: [_no_outcome(i), i.origin != Origin.FOLLOW_UP],
        NudgeReason.FOLLOW_UP_DUE: [_no_outcome(i), i.origin == Origin.FOLLOW_UP],
        NudgeReason.UNPLANNED_TODAY: [_no_outcome(i), i.objective.is_(None)],
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
        ).where(*conditions, chain_open)

    no_outcome = arm(
        case(
            (i.origin == Origin.FOLLOW_UP, literal(NudgeReason.FOLLOW_UP_DUE.value)),
            else_=literal(NudgeReason.NO_OUTCOME.value),
        ),
        _of_reps(reps, i.team_id, i.rep_user_id),
        recent,
        i.scheduled_at <= now - rules.outcome_grace,
        _no_outcome(i),
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
            _no_outcome(i),
        ).join(reps, and_(reps.c.team_id == i.team_id, reps.c.user_id == i.rep_user_id))
        arms.append(unplanned_today)
    return union_all(*arms)


def _described(items) -> Select:
    """The items with what a DM says about each: account, kind, time, agreed next step."""
    agreed = aliased(Outcome)
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


def _due_item(row, times_shown: int = 0) -> DueItem:
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


# ----- the sweep's question


def find_due(session: Session, now: datetime, rules: NudgeRules = DEFAULT_RULES) -> DueNow:
    """Every rep to nudge now, each with the items of their DM.

    Four statements at most, however many reps: the zones in use; the reps in their nudge
    window with their claim for the day; the items of every rep due, with how often each was
    shown; and the escalations, when there are any.
    """
    zones = session.scalars(
        select(Rep.tz).where(Rep.tz.is_not(None), Rep.is_active.is_(True)).distinct()
    ).all()
    windows = _windows(zones, now)
    if windows is None:
        return DueNow()
    in_window = _reps_in_window(windows).subquery("in_window")
    due = DueNow()
    candidates = _candidates(session, in_window, now, due)
    if not candidates:
        return due

    due_reps = select(in_window).where(_not_yet_nudged(in_window, now)).subquery("due_reps")
    items = open_items_query(due_reps, now, rules, heads_up=True).subquery("items")
    # Plain Core rows, ranked here rather than by SQL: sorting tens of thousands of rows
    # in the database cost more than sorting each rep's handful in Python.
    rows = (
        session.connection()
        .execute(
            _described(items)
            .add_columns(
                NudgeItem.id.label("item_id"), NudgeItem.times_shown, NudgeItem.escalated_at
            )
            .outerjoin(NudgeItem, item_record_join(items))
            .where(or_(NudgeItem.snoozed_until.is_(None), NudgeItem.snoozed_until <= now))
        )
        .all()
    )
    by_rep: dict[tuple[str, str], list] = {}
    for row in rows:
        by_rep.setdefault((row.team_id, row.rep_user_id), []).append(row)

    to_escalate = []
    for (team_id, user_id), rep_rows in by_rep.items():
        shown = []
        for row in rep_rows:
            if (row.times_shown or 0) < rules.max_appearances:
                shown.append(row)
            elif row.escalated_at is None:
                to_escalate.append(row.item_id)
        if not shown:
            continue  # all that is left is escalated: no DM
        shown.sort(key=lambda row: (row.scheduled_at, row.interaction_id))
        candidate = candidates[team_id, user_id]
        due.reps.append(
            DueRep(
                workspace=candidate.workspace,
                user_id=user_id,
                zone=candidate.zone,
                local_date=candidate.local_date,
                profile_checked_at=candidate.profile_checked_at,
                items=[_due_item(row, row.times_shown or 0) for row in shown[: rules.max_items]],
                total=len(shown),
            )
        )
    if to_escalate:
        session.execute(
            update(NudgeItem)
            .where(NudgeItem.id.in_(to_escalate), NudgeItem.escalated_at.is_(None))
            .values(escalated_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        due.escalated = len(to_escalate)
    # Longest past their nudge time first: catching up after downtime comes before the rest.
    due.reps.sort(
        key=lambda rep: (
            -candidates[rep.workspace.team_id, rep.user_id].waited,
            rep.workspace.team_id,
            rep.user_id,
        )
    )
    return due


class _Candidate(NamedTuple):
    workspace: Workspace
    zone: str
    local_date: date
    profile_checked_at: datetime | None
    waited: int  # minutes since the rep's nudge time


def _candidates(
    session: Session, in_window, now: datetime, due: DueNow
) -> dict[tuple[str, str], _Candidate]:
    """The reps in their nudge window not nudged yet today (or due a retry), by (team, user);
    claims left stuck in "sending" go to `due.stuck`, never to be sent again."""
    c = in_window.c
    rows = session.execute(
        select(
            c.team_id,
            c.enterprise_id,
            c.user_id,
            c.tz,
            c.tz_checked_at,
            c.local_date,
            c.waited,
            c.delivery_key,
            Delivery.status,
            Delivery.not_before,
            Delivery.updated_at,
            Delivery.created_at,
        ).outerjoin(
            Delivery,
            and_(
                Delivery.team_id == c.team_id,
                Delivery.kind == DeliveryKind.NUDGE,
                Delivery.key == c.delivery_key,
            ),
        )
    ).all()
    candidates = {}
    for row in rows:
        workspace = Workspace(row.team_id, row.enterprise_id)
        retry = row.status is DeliveryStatus.FAILED and (
            row.not_before is None or row.not_before <= now
        )
        if row.status is None or retry:
            candidates[row.team_id, row.user_id] = _Candidate(
                workspace, row.tz, row.local_date, row.tz_checked_at, row.waited
            )
        elif row.status is DeliveryStatus.SENDING and row.updated_at < now - STUCK_AFTER:
            due.stuck.append(StuckNudge(workspace, row.user_id, row.delivery_key, row.created_at))
    return candidates


# ----- after a DM went out


def record_shown(
    session: Session,
    workspace: Workspace,
    user_id: str,
    keys: Iterable[ItemKey],
    local_date: date,
    now: datetime,
) -> None:
    """Count one appearance of each item shown in the rep's DM for `local_date` (once a date)."""
    keys = list(keys)
    if not keys:
        return
    for key in keys:
        _ensure_item_row(session, workspace, user_id, key, now)
    session.execute(
        update(NudgeItem)
        .where(
            NudgeItem.team_id == workspace.team_id,
            tuple_(NudgeItem.interaction_id, NudgeItem.reason).in_(
                [(key.interaction_id, key.reason.value) for key in keys]
            ),
            or_(NudgeItem.last_shown_on.is_(None), NudgeItem.last_shown_on < local_date),
        )
        .values(times_shown=NudgeItem.times_shown + 1, last_shown_on=local_date, updated_at=now)
        .execution_options(synchronize_session=False)
    )


# ----- the DM's buttons


class ItemAction(enum.Enum):
    DONE = "done"
    HANDLED = "handled"  # already dealt with: nothing changed
    NOT_YOURS = "not_yours"  # someone else's item: nothing changed


def open_item(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> DueItem | None:
    """The item if it is still unresolved (snoozed or escalated ones count as unresolved)."""
    items = (
        select(
            Interaction.team_id,
            Interaction.rep_user_id,
            Interaction.id.label("interaction_id"),
            literal(key.reason.value).label("reason"),
            Interaction.scheduled_at,
        )
        .outerjoin(Outcome, Outcome.interaction_id == Interaction.id)
        .where(
            Interaction.id == key.interaction_id,
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == user_id,
            *_unresolved(key),
            _chain_open(Interaction),
        )
        .subquery("items")
    )
    row = session.execute(_described(items)).first()
    return _due_item(row) if row else None


def _ensure_item_row(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> None:
    insert_unless_exists(
        session,
        NudgeItem,
        {
            **workspace.columns,
            "rep_user_id": user_id,
            "interaction_id": key.interaction_id,
            "reason": key.reason,
            "times_shown": 0,
            "created_at": now,
            "updated_at": now,
        },
        ("team_id", "interaction_id", "reason"),
    )


def item_state(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> tuple[ItemAction, DueItem | None]:
    """Whether `user_id` may act on the item now: DONE with the item, HANDLED or NOT_YOURS."""
    try:
        find_own_interaction(session, workspace, user_id, key.interaction_id)
    except NotYourInteraction:
        return ItemAction.NOT_YOURS, None
    item = open_item(session, workspace, user_id, key, now)
    return (ItemAction.DONE, item) if item else (ItemAction.HANDLED, None)


class SnoozeFor(enum.StrEnum):
    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"


def snooze_end(choice: SnoozeFor, zone: str, now: datetime) -> datetime:
    """The start of the rep's next local day, or of next Monday."""
    today = now.astimezone(ZoneInfo(zone)).date()
    days = 1 if choice is SnoozeFor.TOMORROW else 7 - today.weekday()
    return datetime.combine(today + timedelta(days=days), time(), ZoneInfo(zone))


def snooze(
    session: Session,
    workspace: Workspace,
    user_id: str,
    key: ItemKey,
    until: datetime,
    now: datetime,
) -> tuple[ItemAction, DueItem | None]:
    """Keep the item out of the rep's DMs until `until`."""
    action, item = item_state(session, workspace, user_id, key, now)
    if action is ItemAction.DONE:
        _ensure_item_row(session, workspace, user_id, key, now)
        session.execute(
            update(NudgeItem)
            .where(
                NudgeItem.team_id == workspace.team_id,
                NudgeItem.interaction_id == key.interaction_id,
                NudgeItem.reason == key.reason,
            )
            .values(snoozed_until=until, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return action, item


def mark_lost(
    session: Session, workspace: Workspace, user_id: str, key: ItemKey, now: datetime
) -> tuple[ItemAction, DueItem | None]:
    """Log the interaction as Lost (keeping any notes), which closes the account's chain."""
    action, item = item_state(session, workspace, user_id, key, now)
    if action is ItemAction.DONE:
        notes = session.scalar(
            select(Outcome.notes).where(Outcome.interaction_id == key.interaction_id)
        )
        draft = OutcomeDraft(
            interaction_id=key.interaction_id,
            unplanned=None,
            result=Result.LOST,
            next_step=None,
            next_step_at=None,
            next_step_when_text=None,
            notes=notes,
        )
        save_outcome(session, workspace, user_id, draft, now)
    return action, item
