"""Meetings imported from a calendar, written straight to the database, and their prompts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.models import (
    AwayDay,
    CalendarMeeting,
    InteractionKind,
    MeetingPrompt,
    Origin,
    Rep,
)
from app.sandbox import inbound
from app.slack.passes.meeting_prompts import MeetingPromptReport, run_meeting_prompts
from app.slack.views.meeting_prompts import MEETING_PROMPT_EVENT
from app.slack.views.nudges import NudgeIds, item_block_id
from tests.support.coach import Coach, pass_client
from tests.support.factories import WORKSPACE, add_interaction, add_rep
from tests.support.workspace import REP_NY

NY = "America/New_York"
ATTENDEES = [
    {"email": "dana@globex.com", "name": "Dana Wu", "external": True, "response": "accepted"},
    {"email": "lee@globex.com", "name": None, "external": True, "response": "needs-action"},
    {"email": "sam@ourco.com", "name": "Sam Rep", "external": False, "organizer": True},
]


def add_meeting(
    session,
    starts_at: datetime,
    *,
    user_id: str = REP_NY,
    account: str = "Globex",
    minutes: int = 60,
    title: str | None = "Globex pricing review",
    attendees: list[dict] | None = None,
    cancelled_in_feed: bool = False,
    zone_guessed: bool = False,
    **columns,
) -> CalendarMeeting:
    """A meeting as the calendar sync imports it: an unplanned interaction and its event."""
    interaction = add_interaction(
        session,
        starts_at,
        user_id=user_id,
        account=account,
        origin=Origin.CALENDAR,
        planned=False,
        kind=InteractionKind.MEETING,
        **columns,
    )
    meeting = CalendarMeeting(
        **WORKSPACE.columns,
        user_id=user_id,
        event_key=f"event-{interaction.id}@example.com",
        interaction_id=interaction.id,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        attendees=ATTENDEES if attendees is None else attendees,
        cancelled_in_feed=cancelled_in_feed,
        zone_guessed=zone_guessed,
        seen_at=starts_at - timedelta(days=1),
    )
    session.add(meeting)
    session.flush()
    return meeting


def seed_meeting(
    coach: Coach,
    starts_at: datetime,
    *,
    user_id: str = REP_NY,
    zone: str = NY,
    prompt: MeetingPrompt = MeetingPrompt.MINUTES_30,
    **meeting,
) -> int:
    """A rep with this prompt setting, and one imported meeting: its interaction's id."""
    with coach.services.sessions.begin() as session:
        rep = session.scalar(select(Rep).where(Rep.user_id == user_id))
        if rep is None:
            rep = add_rep(session, user_id=user_id, zone=zone)
        rep.meeting_prompt = prompt
        return add_meeting(session, starts_at, user_id=user_id, **meeting).interaction_id


def add_away_day(coach: Coach, day: date, user_id: str = REP_NY) -> None:
    with coach.services.sessions.begin() as session:
        session.add(AwayDay(**WORKSPACE.columns, user_id=user_id, day=day, event_key="ooo-1"))


def prompt_pass(coach: Coach, now: datetime) -> MeetingPromptReport:
    """One prompt pass as `coach calendars --now` runs it, with a client that retries nothing."""
    return run_meeting_prompts(coach.services, pass_client(coach), now)


def prompts_sent(coach: Coach, user_id: str = REP_NY) -> list:
    return [
        c
        for c in coach.slack.calls("chat.postMessage")
        if c.args["channel"] == user_id
        and c.args.get("metadata", {}).get("event_type") == MEETING_PROMPT_EVENT
    ]


def click_prompt(coach: Coach, action_id: str, key: str, user_id: str = REP_NY) -> None:
    """Press a button of the latest prompt."""
    response = prompts_sent(coach)[-1].response
    action = inbound.block_action(action_id, item_block_id(NudgeIds.ACTIONS_BLOCK, key), value=key)
    answered = coach.act_in_message(response["channel"], response["message"], action, user_id)
    assert answered.status == 200
    coach.settle()
