"""The sweep's question: every rep to nudge now, each with the items of their DM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    and_,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from app.domain import deliveries
from app.domain.nudges.rules import (
    DEFAULT_RULES,
    STUCK_AFTER,
    DueItem,
    NudgeRules,
    delivery_key,
    described,
    due_item,
    item_record_join,
    open_items_query,
)
from app.domain.nudges.window import not_yet_nudged, nudge_windows, reps_in_window
from app.domain.workspace import Workspace
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    NudgeItem,
    Rep,
)

# The reps one find reads at most: after a downtime every rep of every workspace is due at
# once, and finding 50,000 reps' items in one go took 10 to 18 s before the first DM left.
# A sweep finds and sends batch after batch instead (see `find_due`): 5,000 reps take about
# 1.9 s to find among 2.5M interactions on PostgreSQL, and a sweep's usual few thousand reps
# due are one batch (docs/benchmarks.md).
FIND_BATCH = 5_000


class RepKey(NamedTuple):
    """A rep's place in a sweep's order: their turn in their workspace (longest waiting
    first), then the workspace and the rep. Batches follow it, so each batch takes a few reps
    of every workspace, whose sends go side by side, not all of a few workspaces."""

    turn: int
    team_id: str
    user_id: str


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
    # Items that left the rep's DM for the manager's summary since their last DM: the DM
    # says so once (they are marked told as it is composed).
    escalations_to_tell: int = 0

    @property
    def delivery_key(self) -> str:
        return delivery_key(self.local_date, self.user_id)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class StuckNudge:
    """A claim left in "sending" by a process that stopped mid-send: reported, and released
    (`deliveries.release_interrupted`), so the DM is looked for and, if Slack does not have
    it, sent once."""

    workspace: Workspace
    user_id: str
    key: str
    claimed_at: datetime


@dataclass
class DueNow:
    reps: list[DueRep] = field(default_factory=list)
    stuck: list[StuckNudge] = field(default_factory=list)
    escalated: int = 0  # items that left a DM for the manager summary in this pass
    # The last rep this batch read, when there may be more: the next batch starts after it.
    last: RepKey | None = None


def _stamp(session: Session, item_ids: list[int], column, now: datetime) -> None:
    """Set `column` of these nudge items to `now`, where no other process set it first."""
    session.execute(
        update(NudgeItem)
        .where(NudgeItem.id.in_(item_ids), column.is_(None))
        .values({column: now, NudgeItem.updated_at: now})
        .execution_options(synchronize_session=False)
    )


def find_due(
    session: Session,
    now: datetime,
    rules: NudgeRules = DEFAULT_RULES,
    *,
    after: RepKey | None = None,
    limit: int | None = None,
) -> DueNow:
    """Every rep to nudge now, each with the items of their DM; with `limit`, of the next
    `limit` reps in their window after `after` (in RepKey order), `last` telling where the
    next batch starts (None when no rep is left).

    Four statements at most, however many reps: the zones in use; the reps in their nudge
    window with their claim for the day; the items of every rep due, with how often each was
    shown; and the escalations, when there are any.
    """
    zones = [
        zone
        for zone in session.scalars(
            select(Rep.tz).where(Rep.tz.is_not(None), Rep.is_active.is_(True)).distinct()
        )
        if zone is not None  # the query leaves none out; this tells the type checker
    ]
    windows = nudge_windows(zones, now)
    if windows is None:
        return DueNow()
    window_reps = reps_in_window(windows).subquery("window_reps")
    # Each rep's turn among all of their workspace's reps in the window, nudged or not, so
    # that it stays the same from one batch to the next.
    turn = func.row_number().over(
        partition_by=window_reps.c.team_id,
        order_by=(window_reps.c.waited.desc(), window_reps.c.user_id),
    )
    in_window = select(window_reps, turn.label("turn")).subquery("in_window")
    key = tuple_(in_window.c.turn, in_window.c.team_id, in_window.c.user_id)
    batch = [key > tuple_(*after)] if after is not None else []
    due = DueNow()
    candidates = _candidates(session, in_window, batch, limit, now, due)
    if due.last is not None:
        batch.append(key <= tuple_(*due.last))
    if not candidates:
        return due

    due_reps = select(in_window).where(not_yet_nudged(in_window, now), *batch).cte("due_reps")
    items = open_items_query(due_reps, now, rules, heads_up=True).subquery("items")
    # Plain Core rows, ranked here rather than by SQL: sorting tens of thousands of rows
    # in the database cost more than sorting each rep's handful in Python.
    rows = (
        session.connection()
        .execute(
            described(items)
            .add_columns(
                NudgeItem.id.label("item_id"),
                NudgeItem.times_shown,
                NudgeItem.escalated_at,
                NudgeItem.escalation_told_at,
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
    to_tell = []
    for (team_id, user_id), rep_rows in by_rep.items():
        shown = []
        untold = []
        for row in rep_rows:
            if (row.times_shown or 0) < rules.max_appearances:
                shown.append(row)
                continue
            if row.escalated_at is None:
                to_escalate.append(row.item_id)
            if row.escalation_told_at is None:
                untold.append(row.item_id)
        if not shown:
            continue  # all that is left is escalated: no DM (the next one will tell)
        to_tell += untold
        shown.sort(key=lambda row: (row.scheduled_at, row.interaction_id))
        candidate = candidates[team_id, user_id]
        due.reps.append(
            DueRep(
                workspace=candidate.workspace,
                user_id=user_id,
                zone=candidate.zone,
                local_date=candidate.local_date,
                profile_checked_at=candidate.profile_checked_at,
                items=[due_item(row, row.times_shown or 0) for row in shown[: rules.max_items]],
                total=len(shown),
                escalations_to_tell=len(untold),
            )
        )
    if to_escalate:
        _stamp(session, to_escalate, NudgeItem.escalated_at, now)
        due.escalated = len(to_escalate)
    if to_tell:
        _stamp(session, to_tell, NudgeItem.escalation_told_at, now)
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
    session: Session,
    in_window,
    batch: list,
    limit: int | None,
    now: datetime,
    due: DueNow,
) -> dict[tuple[str, str], _Candidate]:
    """The reps of the batch in their nudge window not nudged yet today (or due a retry), by
    (team, user); claims left stuck in "sending" go to `due.stuck` and, released, are due a
    retry that looks for the DM first. A full batch sets `due.last`."""
    c = in_window.c
    # Core rows, and only the reps with no claim today or one that may need another try: in
    # the steady state most reps in the window were nudged by an earlier sweep, and turning
    # each of their rows into objects was most of the sweep's time.
    rows = (
        session.connection()
        .execute(
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
            )
            .outerjoin(
                Delivery,
                and_(
                    Delivery.team_id == c.team_id,
                    Delivery.kind == DeliveryKind.NUDGE,
                    Delivery.key == c.delivery_key,
                ),
            )
            .where(
                or_(
                    Delivery.status.is_(None),
                    Delivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.SENDING]),
                ),
                *batch,
            )
            .add_columns(c.turn)
            .order_by(c.turn, c.team_id, c.user_id)
            .limit(limit)
        )
        .all()
    )
    if limit is not None and len(rows) == limit:
        due.last = RepKey(rows[-1].turn, rows[-1].team_id, rows[-1].user_id)
    candidates = {}
    for row in rows:
        workspace = Workspace(row.team_id, row.enterprise_id)
        retry = row.status is DeliveryStatus.FAILED and (
            row.not_before is None or row.not_before <= now
        )
        stuck = row.status is DeliveryStatus.SENDING and row.updated_at < now - STUCK_AFTER
        if stuck:
            due.stuck.append(StuckNudge(workspace, row.user_id, row.delivery_key, row.created_at))
            retry = deliveries.release_interrupted(
                session, workspace, DeliveryKind.NUDGE, row.delivery_key, now - STUCK_AFTER, now
            )
        if row.status is None or retry:
            candidates[row.team_id, row.user_id] = _Candidate(
                workspace, row.tz, row.local_date, row.tz_checked_at, row.waited
            )
    return candidates
