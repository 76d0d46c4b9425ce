"""Rows written straight to the database for tests to start from: reps, calls and outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from app.domain.plans import find_or_create_account
from app.domain.workspace import Workspace
from app.models import Interaction, InteractionKind, Origin, Outcome, Rep, Result

WORKSPACE = Workspace("T0001")
NY = "America/New_York"
REP = "U0REP"
# When the reps' profiles (their zones) were last read from Slack, unless a test says otherwise:
# Thursday 26 November 2026, 14:30 UTC, 09:30 in New York.
PROFILES_READ_AT = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
PLANNED_OBJECTIVE = "Dana agrees to a pricing review on Tuesday"


def local(day: date, hour: int, minute: int, zone: str) -> datetime:
    """`hour:minute` on `day` on the wall clocks of `zone`, in UTC."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(UTC)


def add_rep(
    session, user_id=REP, zone=NY, *, checked_at=PROFILES_READ_AT, workspace=WORKSPACE, **columns
) -> Rep:
    rep = Rep(**workspace.columns, user_id=user_id, tz=zone, tz_checked_at=checked_at, **columns)
    session.add(rep)
    session.flush()
    return rep


def add_interaction(
    session,
    at: datetime,
    *,
    user_id=REP,
    account="Acme",
    origin=Origin.PRECALL,
    planned=True,
    workspace=WORKSPACE,
    **columns,
) -> Interaction:
    """A call at `at`; planned, it has an objective (PLANNED_OBJECTIVE unless `columns` say)."""
    row = Interaction(
        **workspace.columns,
        rep_user_id=user_id,
        account_id=find_or_create_account(session, workspace, account).id,
        scheduled_at=at,
        origin=origin,
        **{"kind": InteractionKind.CALL, "objective": PLANNED_OBJECTIVE if planned else None}
        | columns,
    )
    session.add(row)
    session.flush()
    return row


def add_outcome(
    session,
    interaction: Interaction,
    result: Result,
    next_step_at: datetime | None = None,
    *,
    next_step: str | None = None,
    follow_up: Interaction | None = None,
    **columns,
) -> Outcome:
    """The outcome of `interaction`, in its workspace."""
    outcome = Outcome(
        team_id=interaction.team_id,
        enterprise_id=interaction.enterprise_id,
        interaction_id=interaction.id,
        rep_user_id=interaction.rep_user_id,
        result=result,
        next_step=next_step,
        next_step_at=next_step_at,
        follow_up_id=follow_up.id if follow_up else None,
        **columns,
    )
    session.add(outcome)
    session.flush()
    return outcome


class Seeder:
    """A team's history for the summary figures: reps with names, reviewed calls, outcomes."""

    def __init__(self, session, profiles_read_at: datetime) -> None:
        self.session = session
        self.profiles_read_at = profiles_read_at

    def rep(self, user_id: str, name: str, zone: str, unreachable: str | None = None) -> None:
        add_rep(
            self.session,
            user_id,
            zone,
            checked_at=self.profiles_read_at,
            display_name=name,
            unreachable_reason=unreachable,
        )

    def call(
        self,
        rep: str,
        at: datetime,
        account: str,
        *,
        planned_at: datetime | None = None,
        strong: bool | None = None,
        gaps: str = "",
        origin: Origin = Origin.PRECALL,
        workspace: Workspace = WORKSPACE,
    ) -> Interaction:
        """A call; `strong` set (True or False), it has an objective the coach reviewed."""
        reviewed = strong is not None
        return add_interaction(
            self.session,
            at,
            user_id=rep,
            account=account,
            origin=origin,
            workspace=workspace,
            objective=f"{account}'s buyer agrees to the next step" if reviewed else None,
            objective_strong=strong,
            objective_gaps=gaps if reviewed else None,
            planned_at=planned_at,
        )

    def outcome(self, of: Interaction, result: Result, next_step_at=None, follow_up=None) -> None:
        add_outcome(
            self.session,
            of,
            result,
            next_step_at,
            next_step="They book it" if next_step_at else None,
            follow_up=follow_up,
        )
