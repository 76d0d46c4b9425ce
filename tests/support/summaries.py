"""Channel summaries in tests: a team with admins, managers and channels; setting summaries up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain import summaries
from app.domain.summaries import SummarySettings
from app.domain.workspace import Workspace
from app.models import (
    SummaryCadence,
    SummarySubscription,
)
from app.sandbox import inbound
from app.slack.forms.summary import SummaryIds
from app.slack.views.summary_setup import SummaryListIds, item_block_id
from tests.support.coach import Coach
from tests.support.workspace import NOW, REP_NY, REP_TOKYO

WORKSPACE = Workspace("T0001")


ADMIN, OWNER, MANAGER, OTHER_MANAGER = "U0ADMIN", "U0OWNER", "U0MGR", "U0MGR2"


STRANGER = "U0STRANGER"  # an admin of another workspace, in a shared channel


TEAM, OUTSIDE, OLD, GENERAL = "C0TEAM", "C0OUTSIDE", "C0OLD", "C0GENERAL"


INPUT = SummaryIds.INPUT


# NOW is Thursday 26 November, 10:00 in New York; the summaries below post at 09:00 there.
DUE = NOW


TOMORROW = NOW + timedelta(days=1)


@pytest.fixture
def team(coach: Coach) -> Coach:
    slack = coach.slack
    slack.add_user(ADMIN, name="ada.admin", is_admin=True)
    slack.add_user(OWNER, name="otto.owner", tz="Europe/London", is_owner=True)
    slack.add_user(MANAGER, name="mia.manager")
    slack.add_user(OTHER_MANAGER, name="max.manager")
    slack.add_user(STRANGER, name="sam.elsewhere", is_admin=True, team_id="T0002")
    slack.add_channel(TEAM, "sales-team")
    slack.add_channel(OUTSIDE, "sales-outside", is_member=False)
    slack.add_channel(OLD, "sales-2019", is_archived=True)
    slack.add_channel(GENERAL, "general")
    slack.add_usergroup("S0EAST", "sales-east", [REP_NY, REP_TOKYO])
    with coach.services.sessions.begin() as session:
        summaries.set_managers(session, WORKSPACE, [MANAGER, OTHER_MANAGER], ADMIN, NOW)
    return coach


def summary_values(
    *,
    channel: str = TEAM,
    reps: tuple[str, ...] = (REP_NY, REP_TOKYO),
    group: str | None = None,
    cadence: str = "daily",
    weekday: str = "3",
    at: str = "09:00",
) -> dict:
    values = {
        SummaryIds.CHANNEL_BLOCK: {INPUT: inbound.conversations_select_value(channel)},
        SummaryIds.REPS_BLOCK: {INPUT: inbound.multi_users_select_value(reps)},
        SummaryIds.CADENCE_BLOCK: {INPUT: inbound.radio_value(cadence)},
        SummaryIds.WEEKDAY_BLOCK: {INPUT: inbound.static_select_value(weekday)},
        SummaryIds.TIME_BLOCK: {INPUT: inbound.timepicker_value(at)},
    }
    if group:
        values[SummaryIds.GROUP_BLOCK] = {INPUT: inbound.static_select_value(group)}
    return values


def subscriptions(coach: Coach) -> list[SummarySubscription]:
    with coach.services.sessions() as session:
        return list(session.scalars(select(SummarySubscription).order_by(SummarySubscription.id)))


def set_up(coach: Coach, user_id: str = MANAGER, **values) -> dict:
    """Open the summary modal (once its user groups are in) and submit it."""
    view = coach.open_modal("/coach", "summary", user_id)
    response = coach.submit(view, summary_values(**values), user_id)
    assert response.status == 200
    return response.json()


def add_summary(
    coach: Coach,
    owner: str = MANAGER,
    created_at: datetime = NOW - timedelta(days=30),
    **overrides,
) -> int:
    values = {
        "channel_id": TEAM,
        "rep_user_ids": (REP_NY, REP_TOKYO),
        "usergroup_id": None,
        "cadence": SummaryCadence.DAILY,
        "weekday": None,
        "minute": 9 * 60,
        "zone": "America/New_York",
    }
    with coach.services.sessions.begin() as session:
        saved = summaries.save_subscription(
            session,
            WORKSPACE,
            owner,
            SummarySettings(**(values | overrides)),
            created_at,
        )
    return saved.id


def list_click_payload(
    coach: Coach, action_id: str, subscription_id: int, user_id: str, list_ts: str
) -> dict:
    """A click of a button of the ephemeral `/coach summary list` message `list_ts` in #general."""
    return inbound.block_actions_payload(
        user_id=user_id,
        team_id=coach.team_id,
        actions=[
            inbound.block_action(
                action_id,
                item_block_id(SummaryListIds.ACTIONS_BLOCK, subscription_id),
                value=str(subscription_id),
            )
        ],
        channel_id=GENERAL,
        ephemeral_message_ts=list_ts,
    )
