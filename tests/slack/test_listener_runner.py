"""Slack's answer leaves the moment a listener acks, and the listener's work goes on after it."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.listener import thread_runner
from slack_bolt.listener.custom_listener import CustomListener
from slack_sdk import WebClient

from app.sandbox import inbound
from app.sandbox.slack_double import SlackDouble
from app.slack.bolt import build_app
from app.slack.errors import NOT_IN_TIME, TooLate
from app.slack.runner import (
    PromptAckRunner,
    SignallingAck,
    answer_on_ack,
    answer_sent_when,
)
from app.slack.services import Services

WAIT_S = 10.0


class _NoPolling:
    """Stands in for the `time` module of Bolt's runner: its 10 ms poll would fail the test."""

    time = staticmethod(time.time)

    @staticmethod
    def sleep(seconds: float) -> None:
        raise AssertionError(f"Bolt's runner polled for the ack ({seconds} s)")


@pytest.fixture
def no_polling(monkeypatch) -> None:
    monkeypatch.setattr(thread_runner, "time", _NoPolling)


@pytest.fixture
def bolt() -> Iterator[App]:
    """A plain Bolt app with the prompt runner, its requests dispatched directly."""
    with SlackDouble() as slack:
        app = answer_on_ack(
            App(
                signing_secret="secret",
                client=WebClient(base_url=slack.api_url, token=slack.bot_token),
                request_verification_enabled=False,
            )
        )
        yield app
        app.listener_runner.listener_executor.shutdown(wait=True)


def command_request(command: str = "/wait") -> BoltRequest:
    body = inbound.slash_command_body(command=command, text="", user_id="U0REP", team_id="T0TEAM")
    return BoltRequest(body=body, headers={})


def test_the_coach_runs_its_listeners_with_the_prompt_runner(sessions) -> None:
    with SlackDouble() as slack:
        client = WebClient(base_url=slack.api_url, token=slack.bot_token)
        app = build_app("secret", client, Services(sessions=sessions))
    assert type(app.listener_runner) is PromptAckRunner
    assert app.listener_runner.process_before_response is False


def test_the_answer_leaves_on_ack_while_the_listener_still_works(
    bolt: App, no_polling, monkeypatch
) -> None:
    """The listener acks only once the request thread waits, so a poll could not be skipped."""
    waiting, release, finished = threading.Event(), threading.Event(), threading.Event()
    wait_for_ack = SignallingAck.wait

    def wait_and_say_so(ack: SignallingAck, timeout: float) -> bool:
        waiting.set()
        return wait_for_ack(ack, timeout)

    monkeypatch.setattr(SignallingAck, "wait", wait_and_say_so)
    listener_threads: list[threading.Thread] = []

    @bolt.command("/wait")
    def acks_then_blocks(ack) -> None:
        listener_threads.append(threading.current_thread())
        assert waiting.wait(WAIT_S)
        ack(text="on it")
        if release.wait(WAIT_S):
            finished.set()

    response = bolt.dispatch(command_request())
    assert response.status == 200 and response.body == "on it"
    assert not release.is_set() and not finished.is_set()  # the work after the ack goes on
    release.set()
    assert finished.wait(WAIT_S)
    assert listener_threads != [threading.current_thread()]


def test_an_error_before_the_ack_is_answered_by_the_error_handler(bolt: App, no_polling) -> None:
    @bolt.command("/wait")
    def fails(ack) -> None:
        raise RuntimeError("boom")

    @bolt.error
    def explain(error):
        from slack_bolt import BoltResponse

        return BoltResponse(status=200, body=f"sorry: {error}")

    response = bolt.dispatch(command_request())
    assert (response.status, response.body) == (200, "sorry: boom")


def test_an_error_after_the_ack_leaves_the_answer_as_acked(bolt: App, no_polling) -> None:
    done = threading.Event()

    @bolt.command("/wait")
    def acks_then_fails(ack) -> None:
        ack(text="saved")
        raise RuntimeError("after the answer left")

    bolt.listener_runner.listener_completion_handler.handle = (  # type: ignore[method-assign]
        lambda request, response: done.set()
    )
    response = bolt.dispatch(command_request())
    assert response.body == "saved"
    assert done.wait(WAIT_S)


def test_a_listener_that_does_not_ack_in_time_is_answered_for_and_its_ack_refused(
    bolt: App, caplog
) -> None:
    release, late = threading.Event(), threading.Event()
    refused: list[Exception] = []

    def acks_too_late(ack) -> None:
        release.wait(WAIT_S)
        try:
            ack(text="saved")
        except TooLate as error:
            refused.append(error)
        late.set()

    listener = CustomListener(
        app_name=bolt.name,
        ack_function=acks_too_late,
        lazy_functions=[],
        matchers=[],
        middleware=[],
        ack_timeout=0.2,  # type: ignore[arg-type]  # Bolt's is 3 s; the wait is the same code
    )
    with caplog.at_level(logging.WARNING):
        answer = bolt.listener_runner.run(command_request(), None, "acks_too_late", listener)  # type: ignore[arg-type]
    release.set()
    assert answer is not None and answer.status == 200
    assert json.loads(answer.body) == {"response_type": "ephemeral", "text": NOT_IN_TIME}
    assert any(
        "acks_too_late" in r.getMessage() and "ack()" in r.getMessage() for r in caplog.records
    )
    assert late.wait(WAIT_S) and len(refused) == 1


def test_events_are_acknowledged_before_their_listener_runs(bolt: App, no_polling) -> None:
    release, finished = threading.Event(), threading.Event()

    @bolt.event("app_mention")
    def mentioned() -> None:
        if release.wait(WAIT_S):
            finished.set()

    body = inbound.event_callback_payload(
        event={"type": "app_mention", "user": "U0REP", "text": "hi", "channel": "C0", "ts": "1.2"},
        team_id="T0TEAM",
    )
    response = bolt.dispatch(
        BoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
    )
    assert response.status == 200 and not finished.is_set()
    release.set()
    assert finished.wait(WAIT_S)


def test_the_work_after_the_ack_waits_until_the_answer_is_sent(bolt: App, no_polling) -> None:
    """So that it does not hold the GIL while the request thread sends Slack the answer."""
    sent, finished = threading.Event(), threading.Event()
    resumed_after_sent: list[bool] = []

    @bolt.command("/wait")
    def acks_then_works(ack) -> None:
        ack()
        resumed_after_sent.append(sent.is_set())
        finished.set()

    with answer_sent_when(sent):
        response = bolt.dispatch(command_request())
    assert response.status == 200
    sent.set()  # as the web layer does once the response is written
    assert finished.wait(WAIT_S)
    assert resumed_after_sent == [True]


def test_without_a_web_layer_to_wait_for_the_work_goes_on_at_once(bolt: App) -> None:
    """Socket Mode, or a direct dispatch: nothing would tell the listener, so it does not wait."""
    acks: list[Ack] = []

    @bolt.command("/wait")
    def acks_then_works(ack) -> None:
        ack()
        acks.append(ack)

    assert bolt.dispatch(command_request()).status == 200
    bolt.listener_runner.listener_executor.shutdown(wait=True)
    assert [type(ack) for ack in acks] == [SignallingAck]
    assert not acks[0].waits_for_the_answer  # type: ignore[attr-defined]
