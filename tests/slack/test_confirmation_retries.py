"""Confirmation DMs that failed to send are sent again by the worker, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Delivery, DeliveryKind, DeliveryStatus, Interaction
from app.slack.passes.confirmations import SUPERSEDED, run_confirmation_pass
from tests.support.coach import Coach, pass_client
from tests.support.forms import outcome_values, plan_interaction
from tests.support.workspace import NOW, REP_NY

LATER = NOW + timedelta(minutes=5)


def retry(coach: Coach, now=LATER, timeout: float = 5):
    """One pass of the worker's confirmation retries, with a client that retries nothing."""
    return run_confirmation_pass(coach.services, pass_client(coach, timeout), now)


def dms(coach: Coach) -> list:
    return coach.slack.messages(REP_NY)


def claim_of(coach: Coach, kind: DeliveryKind) -> Delivery:
    with coach.services.sessions() as session:
        return session.scalars(select(Delivery).where(Delivery.kind == kind)).one()


def test_a_plan_confirmation_that_failed_once_is_sent_when_slack_answers(coach: Coach) -> None:
    coach.slack.fail_next("chat.postMessage", status=500)
    plan_interaction(coach)
    assert dms(coach) == []
    assert claim_of(coach, DeliveryKind.PLAN_CONFIRMATION).status is DeliveryStatus.FAILED

    report = retry(coach)
    assert len(report.sent) == 1 and report.failed == []
    (dm,) = dms(coach)
    assert "Acme Corp" in dm.text
    assert claim_of(coach, DeliveryKind.PLAN_CONFIRMATION).status is DeliveryStatus.SENT
    assert retry(coach, LATER + timedelta(minutes=5)).sent == []
    assert len(dms(coach)) == 1


def test_an_outcome_confirmation_that_failed_once_is_sent_when_slack_answers(
    coach: Coach,
) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    coach.slack.fail_next("chat.postMessage", status=500)
    assert coach.submit(view, outcome_values(view, "advanced"), REP_NY).status == 200
    coach.settle()
    assert len(dms(coach)) == 1  # the plan's only
    assert len(retry(coach).sent) == 1
    assert "Advanced" in dms(coach)[-1].text or "Advanced" in str(dms(coach)[-1].blocks)
    assert len(dms(coach)) == 2 and retry(coach, LATER + timedelta(minutes=5)).sent == []


def test_a_confirmation_that_may_have_arrived_is_looked_for_not_sent_twice(coach: Coach) -> None:
    plan_interaction(coach)
    with coach.services.sessions.begin() as session:  # Slack posted it; the app timed out
        claim = session.scalar(select(Delivery))
        claim.status, claim.error = DeliveryStatus.FAILED, "uncertain: timed out"
    report = retry(coach)
    assert len(report.sent) == 1
    assert len(coach.slack.calls("conversations.history")) == 1
    assert len(dms(coach)) == 1
    claim = claim_of(coach, DeliveryKind.PLAN_CONFIRMATION)
    assert (claim.status, claim.message_ts) == (DeliveryStatus.SENT, dms(coach)[0].ts)


def test_a_confirmation_that_may_have_arrived_and_did_not_is_sent(coach: Coach) -> None:
    coach.slack.fail_next("chat.postMessage", status=500)
    plan_interaction(coach)
    with coach.services.sessions.begin() as session:  # as if the request had timed out
        session.scalar(select(Delivery)).error = "uncertain: timed out"
    assert len(retry(coach).sent) == 1
    assert len(coach.slack.calls("conversations.history")) == 1
    assert len(dms(coach)) == 1


def test_a_failed_confirmation_of_a_plan_changed_since_is_not_sent(coach: Coach) -> None:
    coach.slack.fail_next("chat.postMessage", status=500)
    plan_interaction(coach)
    with coach.services.sessions.begin() as session:
        session.scalar(select(Interaction)).revision += 1  # edited since; its own DM went
    assert retry(coach).sent == [] and dms(coach) == []
    claim = claim_of(coach, DeliveryKind.PLAN_CONFIRMATION)
    assert (claim.status, claim.error) == (DeliveryStatus.ABANDONED, SUPERSEDED)


def test_a_confirmation_failed_long_ago_is_left_alone(coach: Coach) -> None:
    coach.slack.fail_next("chat.postMessage", status=500)
    plan_interaction(coach)
    assert retry(coach, NOW + timedelta(days=1)).sent == [] and dms(coach) == []
