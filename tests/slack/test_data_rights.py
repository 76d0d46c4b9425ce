"""A rep deletes their data (after a confirmation that says what goes); an admin's retention
period erases old objectives, notes and next steps while every count stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain import installs
from app.domain.metrics import metrics_by_rep
from app.models import (
    CalendarLink,
    CalendarMeeting,
    Interaction,
    Outcome,
    Rep,
    Result,
    SummarySubscription,
)
from app.sandbox import inbound
from app.slack.listeners.data_rights import RETENTION_USAGE
from app.slack.views.data_rights import DataRightsIds
from tests.support.coach import Coach
from tests.support.factories import WORKSPACE, add_interaction, add_outcome, add_rep
from tests.support.meeting_prompts import add_meeting
from tests.support.workspace import NOW, REP_NY, REP_TOKYO

GENERAL = "C0GENERAL"
ADMIN = "U0ADMIN"


def seed(coach: Coach) -> None:
    coach.slack.add_channel(GENERAL, "general")
    with coach.services.sessions.begin() as session:
        for user in (REP_NY, REP_TOKYO):
            add_rep(session, user)
            call = add_interaction(session, NOW - timedelta(days=2), user_id=user)
            add_outcome(session, call, Result.ADVANCED, NOW, next_step="Pricing review")
            session.add(
                CalendarLink(
                    **WORKSPACE.columns,
                    user_id=user,
                    address_secret="(a Fernet token)",
                    address_masked="https://calendar.example/…abcd",
                    connected_at=NOW,
                )
            )
        session.add(
            SummarySubscription(
                **WORKSPACE.columns,
                owner_user_id=ADMIN,
                channel_id=GENERAL,
                rep_user_ids=f"{REP_NY} {REP_TOKYO}",
                cadence="daily",
                minute=540,
                zone="America/New_York",
            )
        )


def click(coach: Coach, action_id: str, user_id: str) -> None:
    payload = inbound.block_actions_payload(
        user_id=user_id,
        team_id=coach.team_id,
        actions=[inbound.block_action(action_id, DataRightsIds.BLOCK, value="x")],
        channel_id=GENERAL,
        ephemeral_message_ts="1700000000.000100",
    )
    payload["response_url"] = coach.slack.response_url(channel=GENERAL, user=user_id)
    assert coach.post_signed(inbound.interaction_body(payload)).status == 200
    coach.settle()


def answers_to(coach: Coach, user_id: str) -> list[str]:
    return [m.text for m in coach.slack.messages(GENERAL) if m.ephemeral_to == user_id]


def test_the_confirmation_says_what_goes_and_deletes_nothing(coach: Coach) -> None:
    seed(coach)
    answer = coach.slash("/coach", "delete my data", REP_NY).json()

    assert "1 planned or logged interaction and 1 outcome" in answer["text"]
    assert "nudge settings" in answer["text"] and "1 channel summary" in answer["text"]
    assert "connected calendar" in answer["text"]
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 2


def test_deleting_my_data_leaves_everyone_elses(coach: Coach) -> None:
    seed(coach)
    click(coach, DataRightsIds.DELETE, REP_NY)

    assert answers_to(coach, REP_NY) == [
        "Deleted: 1 interaction, 1 outcome and your settings. Plan again any time with `/precall`."
    ]
    with coach.services.sessions() as session:
        assert list(session.scalars(select(Interaction.rep_user_id))) == [REP_TOKYO]
        assert list(session.scalars(select(Outcome.rep_user_id))) == [REP_TOKYO]
        assert list(session.scalars(select(Rep.user_id))) == [REP_TOKYO]
        assert list(session.scalars(select(CalendarLink.user_id))) == [REP_TOKYO]
        assert session.scalar(select(SummarySubscription.rep_user_ids)) == REP_TOKYO
    again = coach.slash("/coach", "delete my data", REP_NY).json()
    assert "nothing to delete" in again["text"]


def test_cancel_deletes_nothing(coach: Coach) -> None:
    seed(coach)
    click(coach, DataRightsIds.CANCEL, REP_NY)

    assert answers_to(coach, REP_NY) == ["Nothing was deleted."]
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 2


def test_only_admins_set_the_retention_period(coach: Coach) -> None:
    coach.slack.add_user(ADMIN, name="sam", is_admin=True)
    refused = coach.slash("/coach", "retention 30", REP_NY).json()
    shown = coach.slash("/coach", "retention", REP_NY).json()
    set_ = coach.slash("/coach", "retention 30", ADMIN).json()

    assert "Only workspace admins" in refused["text"]
    assert "kept until a rep deletes them" in shown["text"]
    assert "older than 30 days are erased" in set_["text"]
    with coach.services.sessions() as session:
        assert installs.text_retention(session, WORKSPACE) == 30


@pytest.mark.parametrize("days", ["²", "١٢", "0", "36501", "1" * 30, "-1"])
def test_a_retention_that_is_no_whole_number_of_days_gets_the_usage(coach: Coach, days) -> None:
    coach.slack.add_user(ADMIN, name="sam", is_admin=True)
    answer = coach.slash("/coach", f"retention {days}", ADMIN).json()

    assert answer["text"] == RETENTION_USAGE
    with coach.services.sessions() as session:
        assert installs.text_retention(session, WORKSPACE) is None


def test_retention_erases_old_texts_and_keeps_the_counts(coach: Coach) -> None:
    seed(coach)
    with coach.services.sessions.begin() as session:
        recent = add_interaction(session, NOW - timedelta(hours=1), user_id=REP_NY, account="New")
        recent_id = recent.id
        old_meeting = add_meeting(session, NOW - timedelta(days=3), title="Globex: pricing")
        installs.set_text_retention(session, WORKSPACE, 1, NOW)
    with coach.services.sessions() as session:
        before = metrics_by_rep(session, WORKSPACE, NOW - timedelta(days=30), NOW, NOW, [REP_NY])

    report = installs.run_upkeep(coach.services.sessions, NOW)

    assert report.erased == 2  # the imported meeting had no plan: no text of its own
    with coach.services.sessions() as session:
        meeting = session.get(CalendarMeeting, old_meeting.id)
        assert meeting is not None
        assert (meeting.title, meeting.attendees) == (installs.ERASED, [])
    with coach.services.sessions() as session:
        after = metrics_by_rep(session, WORKSPACE, NOW - timedelta(days=30), NOW, NOW, [REP_NY])
        texts = session.execute(
            select(Interaction.id, Interaction.objective).order_by(Interaction.id)
        ).all()
        steps = set(session.scalars(select(Outcome.next_step)))
    assert after == before
    erased_texts = [
        text for id_, text in texts if id_ not in (recent_id, old_meeting.interaction_id)
    ]
    assert erased_texts == [installs.ERASED] * 2
    assert dict(texts)[recent_id] is not None and dict(texts)[recent_id] != installs.ERASED
    assert steps == {installs.ERASED}
