"""Each workspace's life with the app: installed (or granted by its Grid org), uninstalled,
its data purged in bounded batches after the retention window, and nothing of any other
workspace touched."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import insert_unless_exists, session_scope
from app.domain.workspace import Workspace
from app.models import (
    Account,
    AccountDomain,
    AwayDay,
    CalendarLink,
    CalendarMeeting,
    CompanyDomain,
    Delivery,
    FormRefusal,
    Interaction,
    Manager,
    NudgeItem,
    Outcome,
    Rep,
    Reschedule,
    SummarySubscription,
    WorkspaceRecord,
)

# A workspace's rows in the order they can go: children before the rows they point at.
# Every table that holds a workspace's rows, those that refer to others first
# (tests/slack/test_installs.py checks that none is missing).
PURGED_MODELS = (
    NudgeItem,
    Outcome,
    Reschedule,
    Delivery,
    CalendarMeeting,
    Interaction,
    CalendarLink,
    AwayDay,
    CompanyDomain,
    FormRefusal,
    AccountDomain,
    Account,
    SummarySubscription,
    Manager,
    Rep,
)
PURGE_BATCH = 100  # rows a purge transaction deletes: each holds its locks well under 100 ms
# What an erased text reads: a marker, not NULL, so that "planned with an objective" still counts.
ERASED = "(erased after the retention period)"


def _erased(column):
    """The marker where the column had a text, NULL where it had none."""
    return case((column.is_(None), None), else_=ERASED)


def _record(session: Session, workspace: Workspace, now: datetime) -> WorkspaceRecord:
    insert_unless_exists(
        session,
        WorkspaceRecord,
        {**workspace.columns, "active": True, "created_at": now, "updated_at": now},
        ("team_id",),
    )
    return session.execute(
        select(WorkspaceRecord).where(WorkspaceRecord.team_id == workspace.team_id)
    ).scalar_one()


def record_installed(session: Session, workspace: Workspace, now: datetime) -> None:
    """Installed, reinstalled or granted: served again, and a pending purge is called off."""
    record = _record(session, workspace, now)
    record.active = True
    record.enterprise_id = workspace.enterprise_id
    record.uninstalled_at = None
    record.purge_after = None
    record.updated_at = now


def record_uninstalled(
    session: Session, workspace: Workspace, now: datetime, retention_days: int
) -> None:
    """Uninstalled, its tokens revoked, or its org's grant revoked: nothing more is sent to it,
    and its data goes after `retention_days`. A second notice (app_uninstalled after
    tokens_revoked, or the reverse) keeps the first one's date."""
    record = _record(session, workspace, now)
    if not record.active and record.purge_after is not None:
        return
    record.active = False
    record.uninstalled_at = now
    record.purge_after = now + timedelta(days=retention_days)
    record.updated_at = now


def record_org_uninstalled(
    session: Session, enterprise_id: str, now: datetime, retention_days: int
) -> None:
    """An org-wide install removed: every workspace of the org is uninstalled."""
    teams = session.execute(
        select(WorkspaceRecord.team_id).where(WorkspaceRecord.enterprise_id == enterprise_id)
    ).scalars()
    for team_id in list(teams):
        record_uninstalled(session, Workspace(team_id, enterprise_id), now, retention_days)


def may_serve(session: Session, workspace: Workspace) -> bool:
    """False for a workspace that was uninstalled or whose access its org revoked; a workspace
    the app never heard of is served as long as Slack authorizes it (single-workspace mode)."""
    active = session.execute(
        select(WorkspaceRecord.active).where(WorkspaceRecord.team_id == workspace.team_id)
    ).scalar_one_or_none()
    return active is not False


def is_granted(session: Session, workspace: Workspace) -> bool:
    """An org-wide install serves only the workspaces its org granted (team_access_granted)."""
    return bool(
        session.execute(
            select(WorkspaceRecord.active).where(
                WorkspaceRecord.team_id == workspace.team_id,
                WorkspaceRecord.enterprise_id == workspace.enterprise_id,
            )
        ).scalar_one_or_none()
    )


def inactive_team_ids(session: Session) -> set[str]:
    """The workspaces nothing may be sent to: the sweeps skip them in the statement itself."""
    return set(
        session.execute(
            select(WorkspaceRecord.team_id).where(WorkspaceRecord.active.is_(False))
        ).scalars()
    )


@dataclass(frozen=True)
class Purged:
    team_id: str
    rows: int
    finished: bool
    table: int = 0  # where in PURGED_MODELS the next batch starts looking


def purges_due(session: Session, now: datetime) -> list[str]:
    """Workspaces uninstalled whose retention window has ended."""
    return list(
        session.execute(
            select(WorkspaceRecord.team_id)
            .where(WorkspaceRecord.active.is_(False), WorkspaceRecord.purge_after <= now)
            .order_by(WorkspaceRecord.purge_after)
        ).scalars()
    )


def purge_batch(session: Session, team_id: str, batch: int = PURGE_BATCH, table: int = 0) -> Purged:
    """Delete at most `batch` rows of the first table (from PURGED_MODELS[table] on) that
    still holds some of the workspace's rows, by primary key, so a transaction holds few
    locks, and only on this workspace's rows. The tables before `table`, emptied by earlier
    batches, are looked at again only once the rest are empty (a row written while the purge
    ran); the workspace's record goes with its last row."""
    order = [*range(table, len(PURGED_MODELS)), *range(table)]
    for index in order:
        model = PURGED_MODELS[index]
        ids = list(
            session.execute(select(model.id).where(model.team_id == team_id).limit(batch)).scalars()
        )
        if ids:
            session.execute(delete(model).where(model.id.in_(ids)))
            return Purged(team_id, len(ids), finished=False, table=index)
    session.execute(
        delete(WorkspaceRecord).where(
            WorkspaceRecord.team_id == team_id, WorkspaceRecord.active.is_(False)
        )
    )
    return Purged(team_id, 0, finished=True)


def set_text_retention(
    session: Session, workspace: Workspace, days: int | None, now: datetime
) -> None:
    """The admin's rule: objectives, notes and next-step texts older than `days` are erased."""
    record = _record(session, workspace, now)
    record.text_retention_days = days
    record.updated_at = now


def text_retention(session: Session, workspace: Workspace) -> int | None:
    return session.execute(
        select(WorkspaceRecord.text_retention_days).where(
            WorkspaceRecord.team_id == workspace.team_id
        )
    ).scalar_one_or_none()


def erase_old_texts(session: Session, now: datetime) -> int:
    """Erase the words of every interaction older than its workspace's retention period (and of
    its calendar meeting: title, attendees); the rows, their results and the coach's verdicts
    stay, so every count stays. Returns how many interactions lost their texts."""
    erased = 0
    rules = session.execute(
        select(WorkspaceRecord.team_id, WorkspaceRecord.text_retention_days).where(
            WorkspaceRecord.text_retention_days.is_not(None), WorkspaceRecord.active.is_(True)
        )
    ).all()
    for team_id, days in rules:
        before = now - timedelta(days=days or 0)
        old = select(Interaction.id).where(
            Interaction.team_id == team_id, Interaction.scheduled_at < before
        )
        erased += session.execute(
            update(Interaction)
            .where(
                Interaction.id.in_(old),
                (Interaction.objective != ERASED) | (Interaction.minimum_commitment != ERASED),
            )
            .values(
                objective=_erased(Interaction.objective),
                minimum_commitment=_erased(Interaction.minimum_commitment),
                updated_at=now,
            )
        ).rowcount  # type: ignore[attr-defined]
        session.execute(
            update(Outcome)
            .where(
                Outcome.interaction_id.in_(old),
                (Outcome.next_step != ERASED) | Outcome.notes.is_not(None),
            )
            .values(next_step=_erased(Outcome.next_step), notes=None, updated_at=now)
        )
        # A meeting's title and who attended are words too; the meeting itself stays.
        session.execute(
            update(CalendarMeeting)
            .where(
                CalendarMeeting.interaction_id.in_(old),
                CalendarMeeting.title.is_(None) | (CalendarMeeting.title != ERASED),
            )
            .values(title=ERASED, attendees=[], updated_at=now)
        )
    return erased


@dataclass
class UpkeepReport:
    """What one upkeep pass did: workspaces purged (whole or in part), texts erased."""

    purged_rows: int = 0
    purged_workspaces: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)  # the next pass goes on
    erased: int = 0

    def summary(self) -> str:
        return (
            f"upkeep: {self.purged_rows} rows of {len(self.purged_workspaces)} uninstalled "
            f"workspace(s) deleted, {len(self.unfinished)} to finish, {self.erased} "
            "interaction(s) past their retention period erased"
        )


def run_upkeep(
    sessions: sessionmaker[Session],
    now: datetime,
    *,
    budget_seconds: float = 60.0,
    batch: int = PURGE_BATCH,
) -> UpkeepReport:
    """Delete the data of workspaces whose retention window ended, one bounded batch per
    transaction (so no lock is held long, and only on that workspace's rows), until done or the
    budget is spent; then erase texts past each workspace's retention period."""
    report = UpkeepReport()
    deadline = time.monotonic() + budget_seconds
    with session_scope(sessions) as session:
        due = purges_due(session, now)
    for team_id in due:
        table = 0
        while True:
            if time.monotonic() > deadline:
                report.unfinished.append(team_id)
                break
            with session_scope(sessions) as session:
                purged = purge_batch(session, team_id, batch, table)
            table = purged.table
            report.purged_rows += purged.rows
            if purged.finished:
                report.purged_workspaces.append(team_id)
                break
    with session_scope(sessions) as session:
        report.erased = erase_old_texts(session, now)
    return report
