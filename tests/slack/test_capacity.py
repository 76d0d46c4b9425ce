"""Capacity: a slow Slack does not starve the acks of the requests that follow."""

from __future__ import annotations

import threading
import time

from app.sandbox import inbound
from tests.support.coach import RunningCoach
from tests.support.workspace import REP_NY, REP_TOKYO

SLACK_DELAY_S = 0.8  # every Web API call, as when Slack is having a bad day
RATE_PER_S = 10
REQUESTS = 30
SLACK_DEADLINE_S = 3.0


def test_every_ack_is_within_3_s_at_10_requests_a_second_with_slack_at_0_8_s_a_call(
    http_coach: RunningCoach,
) -> None:
    coach = http_coach
    for method in ("views.open", "views.update", "users.info", "chat.postMessage"):
        coach.slack.fail_next(method, delay=SLACK_DELAY_S, times=10 * REQUESTS)
    coach.timeout = SLACK_DEADLINE_S  # no answer by then is a failure, as it is on Slack
    answers: list[object] = []

    def precall(index: int) -> None:
        user = (REP_NY, REP_TOKYO)[index % 2]
        body = inbound.slash_command_body(
            command="/precall", text="Acme demo tomorrow 2pm", user_id=user, team_id=coach.team_id
        )
        try:
            answers.append(coach.post_signed(body).status)
        except OSError as error:  # the answer did not come within Slack's deadline
            answers.append(error)

    threads = [threading.Thread(target=precall, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:  # a steady rate, each request on its own connection, as Slack sends
        thread.start()
        time.sleep(1 / RATE_PER_S)
    for thread in threads:
        thread.join()
    assert answers == [200] * REQUESTS
    coach.settle()
    assert len(coach.slack.calls("views.open")) == REQUESTS  # and every modal opened
