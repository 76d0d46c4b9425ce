"""The app under test, acted on as Slack would: signed requests dispatched straight into the Bolt
app (the fast tier), or posted over HTTP to the app served for real (the end-to-end tier)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from app.config import Settings
from app.domain import company_domains, dates
from app.sandbox import inbound
from app.sandbox.slack_double import SlackDouble
from app.slack.bolt import build_app
from app.slack.client import make_slack_client
from app.slack.debounce import Debouncer
from app.slack.services import HOME_DEBOUNCE_SECONDS, Services
from app.web import EVENTS_PATH, LISTENER_THREADS, create_web_app
from tests.support.feeds import local_calendars

SIGNING_SECRET = "test-signing-secret"
# How often the served app's loop looks for a shutdown: werkzeug's default, 0.5 s, was paid in
# the teardown of every end-to-end test.
SHUTDOWN_POLL_SECONDS = 0.01


@dataclass
class HttpResponse:
    status: int
    body: str

    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}


def http(
    method: str,
    url: str,
    body: str | None = None,
    headers: dict | None = None,
    timeout: float = 10,
):
    """The answer to one request; a TimeoutError when none came within `timeout` seconds."""
    request = urllib.request.Request(
        url, data=body.encode() if body is not None else None, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResponse(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return HttpResponse(error.code, error.read().decode())


def pass_client(coach: Coach, timeout: float = 5) -> WebClient:
    """A client for running a scheduler pass against the coach's double: it retries nothing."""
    return WebClient(
        token=coach.slack.bot_token,
        base_url=coach.slack.api_url,
        timeout=timeout,  # type: ignore[arg-type]  # seconds, as urllib takes them
        retry_handlers=[],
    )


class WatchedExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting unfinished work so tests can wait for it to settle."""

    def __init__(self) -> None:
        super().__init__(max_workers=LISTENER_THREADS, thread_name_prefix="listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs):
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise AssertionError(f"{self._pending} listener(s) still running after {timeout}s")


@dataclass
class Coach:
    """The app and the Slack double it talks to, with helpers to act as Slack and a user; how a
    signed request reaches the app is up to the tier (`deliver`)."""

    slack: SlackDouble
    services: Services
    listeners: WatchedExecutor

    def deliver(self, body: str, headers: dict[str, str]) -> HttpResponse:
        raise NotImplementedError

    def settle(self) -> None:
        """Wait until the app has finished the work it does after acknowledging requests."""
        self.listeners.wait_idle()

    @property
    def team_id(self) -> str:
        return self.slack.team_id

    def set_now(self, now: datetime) -> None:
        self.services.clock = lambda: now

    def post_signed(self, body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None):
        return self.deliver(body, inbound.signed_headers(secret, body, timestamp))

    def slash(self, command: str, text: str, user_id: str, **fields) -> HttpResponse:
        body = inbound.slash_command_body(
            command=command, text=text, user_id=user_id, team_id=self.team_id, **fields
        )
        return self.post_signed(body)

    def submit(
        self, view: dict, values: dict, user_id: str, *, settle: bool = True
    ) -> HttpResponse:
        """Submit a form; by default wait, as a person would, for the work the app does after
        acking it (a checked plan or outcome is saved after the form has closed)."""
        payload = inbound.view_submission_payload(
            view=view, values=values, user_id=user_id, team_id=self.team_id
        )
        response = self.post_signed(inbound.interaction_body(payload))
        if settle:
            self.settle()
        return response

    def act_in_view(self, view: dict, action: dict, user_id: str) -> HttpResponse:
        payload = inbound.block_actions_payload(
            user_id=user_id, team_id=self.team_id, actions=[action], view=view
        )
        return self.post_signed(inbound.interaction_body(payload))

    def act_in_message(
        self, channel_id: str, message: dict, action: dict, user_id: str
    ) -> HttpResponse:
        """Click a button (or choose an option) in a message the app posted."""
        payload = inbound.block_actions_payload(
            user_id=user_id,
            team_id=self.team_id,
            actions=[action],
            channel_id=channel_id,
            message=message,
        )
        return self.post_signed(inbound.interaction_body(payload))

    def global_shortcut(self, callback_id: str, user_id: str) -> HttpResponse:
        """Choose a global shortcut from the shortcut menu."""
        payload = inbound.global_shortcut_payload(
            callback_id=callback_id, user_id=user_id, team_id=self.team_id
        )
        return self.post_signed(inbound.interaction_body(payload))

    def message_shortcut(
        self, callback_id: str, channel_id: str, message: dict, user_id: str
    ) -> HttpResponse:
        """Choose a message shortcut from a message's "more actions" menu."""
        payload = inbound.message_shortcut_payload(
            callback_id=callback_id,
            user_id=user_id,
            team_id=self.team_id,
            channel_id=channel_id,
            message=message,
        )
        return self.post_signed(inbound.interaction_body(payload))

    def send_event(self, event: dict) -> HttpResponse:
        """Deliver an Events API event, as JSON, signed like every request from Slack."""
        body = json.dumps(inbound.event_callback_payload(event=event, team_id=self.team_id))
        headers = inbound.signed_headers(SIGNING_SECRET, body) | {
            "Content-Type": "application/json"
        }
        return self.deliver(body, headers)

    def open_modal(self, command: str, text: str, user_id: str) -> dict:
        """Type a command and return its modal once the app has filled it in (views.update)."""
        updates_before = len(self.slack.calls("views.update"))
        response = self.slash(command, text, user_id)
        assert response.status == 200, response
        return self.slack.wait_for("views.update", count=updates_before + 1)[-1].response["view"]


@dataclass
class DispatchedCoach(Coach):
    """The Bolt app itself, built as the web app builds it, taking each signed request as
    Bolt's HTTP adapters hand it over: no server, no sockets, the same listeners and answers."""

    bolt: App

    def deliver(self, body: str, headers: dict[str, str]) -> HttpResponse:
        as_bolt: dict[str, str | Sequence[str]] = dict(headers)
        response = self.bolt.dispatch(BoltRequest(body=body, headers=as_bolt))
        return HttpResponse(response.status, response.body)


@dataclass
class RunningCoach(Coach):
    """The web app served over HTTP on a local port, as Slack reaches it in production."""

    url: str
    timeout: float = 10.0  # Slack's own is 3 s: a test of answering in time sets that

    def deliver(self, body: str, headers: dict[str, str]) -> HttpResponse:
        return http("POST", self.url + EVENTS_PATH, body, headers, timeout=self.timeout)


def coach_settings(slack: SlackDouble, database_url: str) -> Settings:
    """The app's settings for a test: the Slack double as Web API, the test signing secret."""
    return Settings(
        slack_bot_token=slack.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings' init-only option
    )


class StoppableTimers:
    """The Home's debounce timers, as in production, but cancelled when the test ends: a
    publish left pending would otherwise land in the next test's (shared) Slack double."""

    def __init__(self) -> None:
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()

    def call_later(self, delay: float, work: Callable[[], None]) -> None:
        timer = threading.Timer(delay, work)
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def stop(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
        for timer in timers:
            if timer.is_alive():
                timer.join(timeout=5)  # one already publishing finishes first


def coach_services(sessions: sessionmaker[Session]) -> tuple[Services, StoppableTimers]:
    timers = StoppableTimers()
    services = Services(
        sessions=sessions,
        calendars=local_calendars(),
        home_publishes=Debouncer(timers, HOME_DEBOUNCE_SECONDS),
    )
    return services, timers


@contextmanager
def dispatched_coach(
    database_url: str, sessions: sessionmaker[Session], slack: SlackDouble | None = None
) -> Iterator[DispatchedCoach]:
    """The fast tier: the Bolt app of `app.web`, requests dispatched into it in this thread."""
    with _double(slack) as double:
        settings = coach_settings(double, database_url)
        services, timers = coach_services(sessions)
        listeners = WatchedExecutor()
        bolt = build_app(
            settings.slack_signing_secret, make_slack_client(settings), services, listeners
        )
        dates.warm_up()  # as create_web_app does
        company_domains.suffixes()
        try:
            yield DispatchedCoach(double, services, listeners, bolt)
        finally:
            timers.stop()
            listeners.shutdown(wait=True)


@contextmanager
def running_coach(database_url: str, sessions: sessionmaker[Session]) -> Iterator[RunningCoach]:
    """The end-to-end tier: the web app served by a local HTTP server."""
    with SlackDouble() as slack:
        services, timers = coach_services(sessions)
        listeners = WatchedExecutor()
        web = create_web_app(coach_settings(slack, database_url), services, listeners)
        server = make_server("127.0.0.1", 0, web, threaded=True)
        thread = threading.Thread(
            target=server.serve_forever, args=(SHUTDOWN_POLL_SECONDS,), daemon=True
        )
        thread.start()
        try:
            yield RunningCoach(slack, services, listeners, f"http://127.0.0.1:{server.server_port}")
        finally:
            timers.stop()
            server.shutdown()
            listeners.shutdown(wait=True)
            thread.join(timeout=5)


@contextmanager
def _double(slack: SlackDouble | None) -> Iterator[SlackDouble]:
    """`slack` as given (its owner starts and stops it), or a new double for this use only."""
    if slack is not None:
        yield slack
        return
    with SlackDouble() as double:
        yield double
