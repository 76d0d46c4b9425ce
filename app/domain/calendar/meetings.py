"""Imported meetings as the rest of the app meets them: a plan typed by hand for one, and the
account a rep gives one (its attendees' domains follow). Apart from sync.py, which moves and
cancels interactions, so that planning can use these without importing the schedule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from app.db import insert_all_unless_exist
from app.domain.company_domains import email_domain, registrable_domain
from app.domain.workspace import Workspace
from app.models import AccountDomain, CalendarMeeting, Interaction, Outcome

# A manual plan this close to an imported meeting with the same account is that meeting.
SAME_MEETING_WITHIN = timedelta(hours=2)


def open_meeting_near(
    session: Session,
    workspace: Workspace,
    user_id: str,
    account_id: int,
    at: datetime,
    *,
    imported: bool,
) -> int | None:
    """The rep's open interaction with the account within SAME_MEETING_WITHIN of `at` (the
    earliest): `imported`, one the calendar brought in, which a /precall typed for it by
    hand plans (plans.save_plan); else one no calendar event claims yet, planned by hand before
    the calendar pass read its meeting (sync.py)."""
    from_calendar = exists().where(CalendarMeeting.interaction_id == Interaction.id)
    return session.scalar(
        select(Interaction.id)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == user_id,
            Interaction.account_id == account_id,
            Interaction.scheduled_at >= at - SAME_MEETING_WITHIN,
            Interaction.scheduled_at <= at + SAME_MEETING_WITHIN,
            Interaction.cancelled_at.is_(None),
            ~exists().where(Outcome.interaction_id == Interaction.id),
            from_calendar if imported else ~from_calendar,
        )
        .order_by(Interaction.scheduled_at)
        .limit(1)
    )


def meeting_domains(attendees: Iterable[dict]) -> set[str]:
    """The company domains an imported meeting's external attendees write from."""
    domains = set()
    for attendee in attendees:
        if attendee.get("external"):
            domain = registrable_domain(email_domain(attendee.get("email")))
            if domain:
                domains.add(domain)
    return domains


def follow_rename(
    session: Session, workspace: Workspace, interaction_id: int, account_id: int
) -> None:
    """The rep gave an imported meeting another account: its attendees' domains now name that
    account, so the next meetings with those people are imported under it."""
    attendees = session.scalar(
        select(CalendarMeeting.attendees).where(
            CalendarMeeting.team_id == workspace.team_id,
            CalendarMeeting.interaction_id == interaction_id,
        )
    )
    domains = meeting_domains(attendees or [])
    if not domains:
        return
    session.execute(
        update(AccountDomain)
        .where(AccountDomain.team_id == workspace.team_id, AccountDomain.domain.in_(domains))
        .values(account_id=account_id)
        .execution_options(synchronize_session=False)
    )
    learned = [
        {**workspace.columns, "domain": domain, "account_id": account_id} for domain in domains
    ]
    insert_all_unless_exist(session, AccountDomain, learned, ("team_id", "domain"))
