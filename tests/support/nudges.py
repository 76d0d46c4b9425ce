"""The morning nudge in tests: seeding what is due, sweeping, reading and clicking the DM."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.domain import nudges
from app.models import (
    Delivery,
    Rep,
)
from app.sandbox import inbound
from app.slack.passes.nudges import SweepReport, run_nudge_sweep
from app.slack.views.nudges import NUDGE_EVENT, NudgeIds, item_block_id
from tests.support.coach import Coach, pass_client
from tests.support.factories import add_interaction, add_rep
from tests.support.forms import plan_values
from tests.support.workspace import NOW, REP_NY

NY = "America/New_York"


TODAY = date(2026, 11, 26)  # NOW is 10:00 in New York


def sweep(coach: Coach, now: datetime = NOW, *, timeout: float = 5) -> SweepReport:
    """One sweep as `coach nudges --now` runs it, with a client that retries nothing."""
    return run_nudge_sweep(coach.services, pass_client(coach, timeout), now)


def seed(coach: Coach, *interactions, user_id: str = REP_NY, zone: str = NY) -> list[int]:
    """A rep (profile fresh as of NOW) and interactions: (hours from NOW, account, planned)."""
    with coach.services.sessions.begin() as session:
        if session.scalar(select(Rep).where(Rep.user_id == user_id)) is None:
            add_rep(session, user_id=user_id, zone=zone)
        return [
            add_interaction(
                session, NOW + timedelta(hours=hours), user_id=user_id, account=account, planned=p
            ).id
            for hours, account, p in interactions
        ]


def dms(coach: Coach, user_id: str = REP_NY) -> list:
    return [c for c in coach.slack.calls("chat.postMessage") if c.args["channel"] == user_id]


def delivery_of(coach: Coach, user_id: str = REP_NY, day: date = TODAY) -> Delivery:
    with coach.services.sessions() as session:
        return session.scalar(
            select(Delivery).where(Delivery.key == nudges.delivery_key(day, user_id))
        )


def the_dm(coach: Coach) -> tuple[str, dict]:
    """The latest nudge, as posted (a confirmation DM may have come since)."""
    nudges_posted = [
        c for c in dms(coach) if c.args.get("metadata", {}).get("event_type") == NUDGE_EVENT
    ]
    response = nudges_posted[-1].response
    return response["channel"], response["message"]


def click(coach: Coach, action_id: str, key: str, user_id: str = REP_NY, **extra):
    channel, message = the_dm(coach)
    action = inbound.block_action(
        action_id,
        item_block_id(NudgeIds.ACTIONS_BLOCK, key),
        value=extra.pop("value", key),
        **extra,
    )
    response = coach.act_in_message(channel, message, action, user_id)
    assert response.status == 200
    coach.settle()


def item_status(coach: Coach, key: str) -> str | None:
    """The item's status in the DM as it reads now; None while its buttons are still there."""
    channel, message = the_dm(coach)
    (shown,) = [m for m in coach.slack.messages(channel) if m.ts == message["ts"]]
    status_id = item_block_id(NudgeIds.STATUS_BLOCK, key)
    status = next((b for b in shown.blocks if b.get("block_id") == status_id), None)
    buttons = any(
        b.get("block_id") == item_block_id(NudgeIds.ACTIONS_BLOCK, key) for b in shown.blocks
    )
    assert (status is None) == buttons
    return status["elements"][0]["text"] if status else None


def more_choice(key: str, choice: str) -> dict:
    """Choosing `choice` (a MoreAction) in an item's overflow menu."""
    return _item_choice("overflow", key, choice)


def snooze_choice(key: str, choice: str) -> dict:
    """Choosing `choice` in the Snooze select of a DM sent before the overflow menu."""
    return _item_choice("static_select", key, choice)


def _item_choice(element: str, key: str, choice: str) -> dict:
    option = {"text": {"type": "plain_text", "text": choice}, "value": f"{key}|{choice}"}
    return {"type": element, "selected_option": option}


def plan_todays_heads_up(coach: Coach) -> tuple[str, dict]:
    """A heads-up for Globex at 14:00 today, and the form its Plan it opens, once the app
    has shown the rep's zone in it."""
    (interaction,) = seed(coach, (4, "Globex", False))
    sweep(coach)
    key = f"{interaction}:unplanned_today"
    click(coach, NudgeIds.PLAN_IT, key)
    return key, coach.slack.wait_for("views.update")[0].response["view"]


def save_plan(coach: Coach, form: dict, account: str, objective: str | None = None):
    extra = {"objective": objective} if objective else {}
    values = plan_values(form, account=account, kind="call", when="Thu 26 Nov, 2:00 PM", **extra)
    return coach.submit(form, values, REP_NY)
