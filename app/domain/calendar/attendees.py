"""A calendar meeting's attendees, as the plan form offers them for the decision maker."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.workspace import Workspace
from app.models import CalendarMeeting


def decision_makers(session: Session, workspace: Workspace, interaction_id: int) -> tuple[str, ...]:
    """The customer's people at the meeting the interaction was imported from, each as a
    decision maker is named ("Name <address>", or either alone); none for another interaction."""
    attendees = session.scalar(
        select(CalendarMeeting.attendees).where(
            CalendarMeeting.team_id == workspace.team_id,
            CalendarMeeting.interaction_id == interaction_id,
        )
    )
    named: list[str] = []
    for attendee in attendees or []:
        if not isinstance(attendee, dict) or not attendee.get("external"):
            continue
        name, email = attendee.get("name"), attendee.get("email")
        label = f"{name} <{email}>" if name and email else name or email
        if label and label not in named:
            named.append(str(label))
    return tuple(named)
