"""What reaches /slack/events: verified, never answered with a 500, explained to the user."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from app.models import Interaction
from app.sandbox import inbound
from app.slack.forms.plan import PrecallMetadata
from app.web import EVENTS_PATH, MAX_BODY_BYTES
from tests.support.coach import SIGNING_SECRET, RunningCoach, http
from tests.support.forms import open_precall, plan_values
from tests.support.workspace import REP_NY


def slash_body(coach: RunningCoach, text: str = "Acme") -> str:
    return inbound.slash_command_body(
        command="/precall", text=text, user_id=REP_NY, team_id=coach.team_id
    )


def test_a_forged_signature_is_refused_and_nothing_happens(coach: RunningCoach) -> None:
    response = coach.post_signed(slash_body(coach), secret="not-the-signing-secret")
    assert response.status == 401
    assert coach.slack.calls("views.open") == []


def test_a_request_over_five_minutes_old_is_refused(coach: RunningCoach) -> None:
    response = coach.post_signed(slash_body(coach), timestamp=int(time.time()) - 301)
    assert response.status == 401
    assert coach.slack.calls("views.open") == []


def test_a_forged_submission_writes_nothing(coach: RunningCoach, sessions) -> None:
    view = open_precall(coach, REP_NY)
    payload = inbound.view_submission_payload(
        view=view, values=plan_values(), user_id=REP_NY, team_id=coach.team_id
    )
    response = coach.post_signed(inbound.interaction_body(payload), secret="forged")
    assert response.status == 401
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0


def test_an_unknown_command_gets_an_explanation(coach: RunningCoach) -> None:
    body = inbound.slash_command_body(
        command="/forecast", text="", user_id=REP_NY, team_id=coach.team_id
    )
    response = coach.post_signed(body)
    assert response.status == 200
    assert "/forecast" in response.body and "/precall" in response.body


def test_malformed_payloads_never_get_a_500(coach: RunningCoach) -> None:
    for body in ("payload=%7Bnot-json", "payload=%5B%5D", "garbage", "", "payload=%7B%7D"):
        response = coach.post_signed(body)
        assert response.status < 500, (body, response)


def test_a_user_slack_cannot_look_up_is_told_inline(coach: RunningCoach, sessions) -> None:
    view = open_precall(coach, REP_NY)
    # As if the zone lookup had failed while the modal opened.
    view["private_metadata"] = PrecallMetadata().to_metadata()
    coach.slack.fail_next("users.info", error="user_not_found")
    response = coach.submit(view, plan_values(), "U0STRANGER")
    assert response.status == 200
    errors = response.json()["errors"]
    assert "nothing was stored" in next(iter(errors.values()))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0


def test_a_database_that_is_down_gets_a_notice_with_what_was_typed_not_a_500(
    coach: RunningCoach, tmp_path
) -> None:
    # A new plan is saved after its form closes: a database that is down is told in a notice
    # that gives the rep back what they wrote (an edit is told in the form: test_precall.py).
    view = open_precall(coach, REP_NY)
    unreachable = create_engine(f"sqlite:///{tmp_path}/missing-dir/coach.db")
    working, coach.services.sessions = coach.services.sessions, sessionmaker(unreachable)
    notices_before = len(coach.slack.calls("views.open"))
    response = coach.submit(
        view,
        plan_values(objective="Dana (CFO) books the <!here> security review by Friday"),
        REP_NY,
    )
    assert (response.status, response.body) == (200, "")
    (notice,) = coach.slack.wait_for("views.open", count=notices_before + 1)[notices_before:]
    text = str(notice.args["view"]["blocks"])
    assert "nothing was stored" in text and "Acme Corp" in text
    assert "Dana (CFO) books the &lt;!here&gt; security review by Friday" in text
    coach.services.sessions = working
    with working() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0


def test_healthz_answers_once_the_database_is_reachable(coach: RunningCoach) -> None:
    response = http("GET", coach.url + "/healthz")
    assert response.status == 200 and response.json() == {"status": "ok"}


def test_a_malformed_timestamp_is_refused_over_http_and_nothing_happens(
    coach: RunningCoach,
) -> None:
    body = slash_body(coach)
    headers = inbound.signed_headers(SIGNING_SECRET, body) | {"X-Slack-Request-Timestamp": "1e30"}
    response = http("POST", coach.url + EVENTS_PATH, body, headers)
    assert response.status == 401
    coach.settle()
    assert coach.slack.calls("views.open") == []


def test_a_body_over_a_megabyte_is_refused_over_http(coach: RunningCoach) -> None:
    body = "payload=" + "x" * MAX_BODY_BYTES
    response = http(
        "POST", coach.url + EVENTS_PATH, body, inbound.signed_headers(SIGNING_SECRET, body)
    )
    assert response.status == 413


def test_an_unknown_path_is_a_404_over_http(coach: RunningCoach) -> None:
    assert http("GET", coach.url + "/.env").status == 404
