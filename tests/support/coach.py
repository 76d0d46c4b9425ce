"""The app under test, running for real: a local HTTP server, the Slack double, signed requests."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from app.config import Settings
from app.sandbox import inbound
from app.sandbox.slack_double import SlackDouble
from app.slack.services import Services
from app.web import EVENTS_PATH, create_web_app

SIGNING_SECRET = "test-signing-secret"


@dataclass
class HttpResponse:
    status: int
    body: str

    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}


def http(method: str, url: str, body: str | None = None, headers: dict | None = None):
    request = urllib.request.Request(
        url, data=body.encode() if body is not None else None, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return HttpResponse(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return HttpResponse(error.code, error.read().decode())


class WatchedExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting unfinished work so tests can wait for it to settle."""

    def __init__(self) -> None:
        super().__init__(max_workers=10, thread_name_prefix="listener")
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
class RunningCoach:
    """A running app and the Slack double it talks to, with helpers to act as Slack and a user."""

    url: str
    slack: SlackDouble
    services: Services
    listeners: WatchedExecutor

    def settle(self) -> None:
        """Wait until the app has finished the work it does after acknowledging requests."""
        self.listeners.wait_idle()

    @property
    def team_id(self) -> str:
        return self.slack.team_id

    def set_now(self, now: datetime) -> None:
        self.services.clock = lambda: now

    def post_signed(self, body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None):
        headers = inbound.signed_headers(secret, body, timestamp)
        return http("POST", self.url + EVENTS_PATH, body, headers)

    def slash(self, command: str, text: str, user_id: str, **fields) -> HttpResponse:
        body = inbound.slash_command_body(
            command=command, text=text, user_id=user_id, team_id=self.team_id, **fields
        )
        return self.post_signed(body)

    def submit(self, view: dict, values: dict, user_id: str) -> HttpResponse:
        payload = inbound.view_submission_payload(
            view=view, values=values, user_id=user_id, team_id=self.team_id
        )
        return self.post_signed(inbound.interaction_body(payload))

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

    def send_event(self, event: dict) -> HttpResponse:
        """Deliver an Events API event, as JSON, signed like every request from Slack."""
        body = json.dumps(inbound.event_callback_payload(event=event, team_id=self.team_id))
        headers = inbound.signed_headers(SIGNING_SECRET, body) | {
            "Content-Type": "application/json"
        }
        return http("POST", self.url + EVENTS_PATH, body, headers)

    def open_modal(self, command: str, text: str, user_id: str) -> dict:
        """Type a command and return its modal once the app has filled it in (views.update)."""
        updates_before = len(self.slack.calls("views.update"))
        response = self.slash(command, text, user_id)
        assert response.status == 200, response
        return self.slack.wait_for("views.update", count=updates_before + 1)[-1].response["view"]


@contextmanager
def running_coach(database_url: str, sessions: sessionmaker[Session]) -> Iterator[RunningCoach]:
    with SlackDouble() as slack:
        settings = Settings(
            slack_bot_token=slack.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.api_url,
            database_url=database_url,
            _env_file=None,
        )
        services = Services(sessions=sessions)
        listeners = WatchedExecutor()
        web = create_web_app(settings, services, listeners)
        server = make_server("127.0.0.1", 0, web, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield RunningCoach(f"http://127.0.0.1:{server.server_port}", slack, services, listeners)
        finally:
            server.shutdown()
            listeners.shutdown(wait=True)
            thread.join(timeout=5)
