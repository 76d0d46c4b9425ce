"""A rate-limited Slack never makes a wrong answer: the real one, or "try again", in time.

users.info answers 429 with Retry-After: 4 below. Slack gives an app 3 s to answer; every
request here is sent with a 3 s timeout of its own, so a late answer fails the test.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

from sqlalchemy import update

from app.models import Rep
from app.sandbox import inbound
from app.slack.errors import TRY_AGAIN
from app.slack.forms.summary import SummaryIds
from app.slack.listeners.summaries import ADMINS_ONLY
from app.web import EVENTS_PATH
from tests.support.coach import SIGNING_SECRET, HttpResponse, RunningCoach
from tests.support.summaries import (  # noqa: F401 (the fixture)
    ADMIN,
    MANAGER,
    TEAM,
    add_summary,
    summary_values,
    team,
)
from tests.support.workspace import NOW, REP_NY

SLACK_DEADLINE_SECONDS = 3


def within_deadline(coach: RunningCoach, body: str) -> HttpResponse:
    """POST a signed request as Slack does, giving up (an error) after Slack's 3 s."""
    request = urllib.request.Request(
        coach.url + EVENTS_PATH,
        data=body.encode(),
        method="POST",
        headers=inbound.signed_headers(SIGNING_SECRET, body),
    )
    with urllib.request.urlopen(request, timeout=SLACK_DEADLINE_SECONDS) as response:
        return HttpResponse(response.status, response.read().decode())


def slash(coach: RunningCoach, command: str, text: str, user_id: str) -> HttpResponse:
    body = inbound.slash_command_body(
        command=command, text=text, user_id=user_id, team_id=coach.team_id
    )
    return within_deadline(coach, body)


def rate_limit_users_info(coach: RunningCoach, times: int = 1) -> None:
    coach.slack.fail_next("users.info", status=429, retry_after=4, times=times)


def forget_roles(coach: RunningCoach) -> None:
    with coach.services.sessions.begin() as session:
        session.execute(update(Rep).values(roles_checked_at=None))


def test_summary_list_while_users_info_is_rate_limited_says_try_again(
    team: RunningCoach,  # noqa: F811
) -> None:
    add_summary(team)
    rate_limit_users_info(team)
    answer = slash(team, "/coach", "summary list", MANAGER).json()
    assert answer == {"response_type": "ephemeral", "text": TRY_AGAIN}
    # Slack answers again: the real list, and the manager's role is now cached...
    assert f"<#{TEAM}>" in str(slash(team, "/coach", "summary list", MANAGER).json())
    # ...so a rate-limited Slack no longer stands in the way.
    rate_limit_users_info(team)
    calls = len(team.slack.calls("users.info"))
    assert f"<#{TEAM}>" in str(slash(team, "/coach", "summary list", MANAGER).json())
    assert len(team.slack.calls("users.info")) == calls


def test_a_cached_role_older_than_a_day_is_asked_for_again(team: RunningCoach) -> None:  # noqa: F811
    add_summary(team)
    assert f"<#{TEAM}>" in str(slash(team, "/coach", "summary list", MANAGER).json())
    team.set_now(NOW + timedelta(days=1, minutes=1))
    rate_limit_users_info(team)
    assert slash(team, "/coach", "summary list", MANAGER).json()["text"] == TRY_AGAIN


def test_managers_while_users_info_is_rate_limited(team: RunningCoach) -> None:  # noqa: F811
    rate_limit_users_info(team)
    assert slash(team, "/coach", "managers", ADMIN).json()["text"] == TRY_AGAIN
    # With the role cached, a manager is refused and an admin gets the modal, even now.
    assert slash(team, "/coach", "managers", ADMIN).body == ""
    assert slash(team, "/coach", "managers", MANAGER).json()["text"] != TRY_AGAIN
    rate_limit_users_info(team, times=2)
    assert slash(team, "/coach", "managers", ADMIN).body == ""
    assert slash(team, "/coach", "managers", MANAGER).json()["text"] == ADMINS_ONLY


def test_precall_with_a_stale_zone_opens_the_form_at_once(coach: RunningCoach) -> None:
    coach.open_modal("/precall", "", REP_NY)  # REP_NY's zone cached...
    coach.settle()
    coach.set_now(NOW + timedelta(days=2))  # ...and now two days old
    rate_limit_users_info(coach)
    updates = len(coach.slack.calls("views.update"))
    response = slash(coach, "/precall", "Acme", REP_NY)
    assert (response.status, response.body) == (200, "")
    view = coach.slack.wait_for("views.update", count=updates + 1, timeout=10)[-1]
    assert json.loads(view.args["view"]["private_metadata"])["zone"] == "America/New_York"


def test_a_summary_submitted_while_users_info_is_rate_limited(team: RunningCoach) -> None:  # noqa: F811
    view = team.open_modal("/coach", "summary", MANAGER)
    forget_roles(team)  # the role must come from Slack, which now refuses
    rate_limit_users_info(team)
    payload = inbound.view_submission_payload(
        view=view, values=summary_values(), user_id=MANAGER, team_id=team.team_id
    )
    answer = within_deadline(team, inbound.interaction_body(payload)).json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [TRY_AGAIN]
    assert next(iter(answer["errors"])) == SummaryIds.CHANNEL_BLOCK
    # Slack is back: the same submission is saved.
    answer = within_deadline(team, inbound.interaction_body(payload)).json()
    assert answer["response_action"] == "update"


def test_a_slow_users_info_gets_try_again_not_another_commands_answer(
    team: RunningCoach,  # noqa: F811
) -> None:
    team.slack.fail_next("users.info", delay=2.5)  # past the fast client's patience
    answer = slash(team, "/coach", "summary list", MANAGER).json()
    assert answer == {"response_type": "ephemeral", "text": TRY_AGAIN}
