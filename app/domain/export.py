"""The data out: one CSV row per interaction, streamed from the database, for a rep's own
interactions, a manager's team or a whole workspace (see docs/summaries.md, "Export")."""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.domain.coaching import CRITERION_NAMES, Criterion
from app.domain.workspace import Workspace
from app.models import Account, CancelReason, FollowThrough, Interaction, Outcome, Rep, Result

# Rows fetched from the database at a time: the export never holds more than this many.
BATCH_ROWS = 1000
DEFAULT_DAYS = 90
# The reschedule record and cancelled status are not stored yet: their columns stay empty.
COLUMNS = (
    "rep_id",
    "rep_name",
    "account",
    "kind",
    "time_local",
    "time_utc",
    "stage",
    "objective",
    "objective_strong",
    "objective_gaps",
    "minimum_commitment",
    "outcome",
    "lost_reason",
    "next_step",
    "next_step_local",
    "next_step_utc",
    "follow_through",
    "reschedules",
    "cancelled",
)
_CRITERIA = {criterion.value: criterion for criterion in Criterion}


@dataclass(frozen=True)
class ExportRange:
    """[start, end): whole local days in the requester's zone, `first` to `last` included."""

    first: date
    last: date
    zone: str

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), ZoneInfo(self.zone))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), ZoneInfo(self.zone))


def default_range(now: datetime, zone: str, days: int = DEFAULT_DAYS) -> ExportRange:
    today = now.astimezone(ZoneInfo(zone)).date()
    return ExportRange(today - timedelta(days=days - 1), today, zone)


def read_range(words: list[str], now: datetime, zone: str) -> ExportRange | str:
    """`[from] [to]` as YYYY-MM-DD in the requester's zone; the problem in words otherwise.
    Without them, the last DEFAULT_DAYS days; with only `from`, up to today."""
    if len(words) > 2:
        return "Give at most two dates: `/coach export 2026-11-01 2026-11-30`."
    today = now.astimezone(ZoneInfo(zone)).date()
    days = []
    for word in words:
        try:
            days.append(date.fromisoformat(word))
        except ValueError:
            return f"I could not read `{word[:40]}` as a date: write it as YYYY-MM-DD."
    if not days:
        return default_range(now, zone)
    first, last = days[0], days[1] if len(days) == 2 else today
    if last < first:
        return "The first date comes after the second: swap them."
    return ExportRange(first, last, zone)


def _review(strong: bool | None, gaps: str | None) -> tuple[str, str]:
    if strong is None:
        return "", ""
    missing = [CRITERION_NAMES[_CRITERIA[g]] for g in (gaps or "").split(",") if g in _CRITERIA]
    return ("yes" if strong else "no"), "; ".join(missing)


def _follow_through(outcome_result, next_step_at, follow_up_logged, answer, now) -> str:
    """The customer's follow-through on this interaction's next step: on_time, late, no;
    unknown (followed up before the coach asked), pending (not yet logged) or blank."""
    if next_step_at is None or outcome_result not in (Result.ADVANCED, Result.MINIMUM):
        return ""
    if answer is not None:
        return FollowThrough(answer).value
    if follow_up_logged:
        return "unknown"
    return "pending" if next_step_at > now else "not logged"


def export_rows(
    session: Session,
    workspace: Workspace,
    rep_user_ids: Collection[str] | None,
    period: ExportRange,
    now: datetime,
) -> Iterator[list[str]]:
    """The CSV's rows (COLUMNS order), oldest first, fetched BATCH_ROWS at a time; every rep
    of the workspace when `rep_user_ids` is None. Text a person typed is made safe for
    spreadsheets (see `_safe`)."""
    follow_up = aliased(Interaction)
    follow_up_outcome = aliased(Outcome)
    query = (
        select(
            Interaction.rep_user_id,
            Rep.display_name,
            Account.name,
            Interaction.kind,
            Interaction.scheduled_at,
            Interaction.stage,
            Interaction.objective,
            Interaction.objective_strong,
            Interaction.objective_gaps,
            Interaction.minimum_commitment,
            Outcome.result,
            Outcome.lost_reason,
            Outcome.next_step,
            Outcome.next_step_at,
            follow_up_outcome.id.label("follow_up_logged"),
            follow_up_outcome.follow_through,
            Interaction.reschedule_count,
            Interaction.cancel_reason,
            Interaction.cancelled_at,
        )
        .join(Account, Account.id == Interaction.account_id)
        .outerjoin(
            Rep, (Rep.team_id == Interaction.team_id) & (Rep.user_id == Interaction.rep_user_id)
        )
        .outerjoin(Outcome, Outcome.interaction_id == Interaction.id)
        .outerjoin(follow_up, follow_up.id == Outcome.follow_up_id)
        .outerjoin(follow_up_outcome, follow_up_outcome.interaction_id == follow_up.id)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.scheduled_at >= period.start,
            Interaction.scheduled_at < period.end,
        )
        .order_by(Interaction.scheduled_at, Interaction.id)
        .execution_options(yield_per=BATCH_ROWS)
    )
    if rep_user_ids is not None:
        query = query.where(Interaction.rep_user_id.in_(sorted(rep_user_ids)))
    zone = ZoneInfo(period.zone)
    # Core rows, unpacked: the ORM's row handling cost more than the rest of the export.
    for (
        rep,
        rep_name,
        account,
        kind,
        at,
        stage,
        objective,
        objective_strong,
        objective_gaps,
        minimum,
        result,
        lost_reason,
        next_step,
        next_step_at,
        follow_up_logged,
        answer,
        reschedules,
        cancel_reason,
        cancelled_at,
    ) in session.connection().execute(query):
        strong, gaps = _review(objective_strong, objective_gaps)
        yield [
            rep,
            _safe(rep_name or ""),
            _safe(account),
            kind.value,
            at.astimezone(zone).isoformat(timespec="minutes"),
            at.isoformat(timespec="minutes"),  # stored in UTC
            stage.value if stage else "",
            _safe(objective or ""),
            strong,
            gaps,
            _safe(minimum or ""),
            result.value if result else "",
            lost_reason.value if lost_reason else "",
            _safe(next_step or ""),
            next_step_at.astimezone(zone).isoformat(timespec="minutes") if next_step_at else "",
            next_step_at.isoformat(timespec="minutes") if next_step_at else "",
            _follow_through(result, next_step_at, follow_up_logged, answer, now),
            str(reschedules or 0),
            _cancelled(cancel_reason, cancelled_at),
        ]


def _cancelled(reason: CancelReason | None, at: datetime | None) -> str:
    """Why it was cancelled (customer, us, not_needed), or empty when it was not."""
    if at is None:
        return ""
    return reason.value if reason else "yes"


def _safe(cell: str) -> str:
    """Text a person typed that a spreadsheet would run as a formula (=, +, -, @) is quoted."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def write_csv(rows: Iterator[list[str]], out: IO[str]) -> int:
    """Write the header and `rows` to `out` as they come; how many rows were written."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
