"""The app in OAuth mode, acted on as Slack and its admins would: installs through the browser
flow (install page, Slack's authorize step, redirect), then signed requests from each workspace,
all through the web app's own routes (Flask's test client: no sockets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient
from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.models import slack_installations
from app.sandbox import inbound
from app.sandbox.slack_double import SlackDouble
from app.sandbox.slack_double.installs import add_to_slack_link
from app.slack.installs import INSTALL_PATH, REDIRECT_PATH
from app.slack.services import Services
from app.web import EVENTS_PATH, create_web_app
from tests.support.coach import SIGNING_SECRET, WatchedExecutor

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(slack: SlackDouble, database_url: str, **overrides) -> Settings:
    return Settings(
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        _env_file=None,  # type: ignore[call-arg]
        **overrides,
    )


@dataclass(frozen=True)
class Team:
    """A workspace as its requests name it: an org-wide install's workspaces name their org."""

    team_id: str
    enterprise_id: str | None = None
    org_wide: bool = False


@dataclass
class Started:
    """An install begun on the install page: Slack's authorize URL, its state and cookie."""

    authorize_url: str
    state: str
    cookie: str | None


@dataclass
class OAuthCoach:
    slack: SlackDouble
    services: Services
    listeners: WatchedExecutor
    web: FlaskClient

    def set_now(self, now: datetime) -> None:
        self.services.clock = lambda: now

    def settle(self) -> None:
        self.listeners.wait_idle()

    # ----- installing

    def start_install(self) -> Started:
        page = self.web.get(INSTALL_PATH)
        assert page.status_code == 200, page.status_code
        url = add_to_slack_link(page.get_data(as_text=True))
        cookie = self.web.get_cookie(STATE_COOKIE)
        return Started(url, parse_qs(urlsplit(url).query)["state"][0], cookie and cookie.value)

    def finish_install(self, started: Started, code: str | None = None, **query: str):
        """Come back from Slack to the redirect URL, with the browser's cookie (if any)."""
        args = {"state": started.state} | ({"code": code} if code else {}) | query
        return self.web.get(REDIRECT_PATH, query_string=args)

    def install(self, team: Team, installer: str, *, rotating: bool = False):
        started = self.start_install()
        code = self.slack.authorize(
            None if team.org_wide else team.team_id,
            user_id=installer,
            enterprise_id=team.enterprise_id,
            rotating=rotating,
        )
        response = self.finish_install(started, code)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    def installations(self, session: Session) -> int:
        return session.execute(select(func.count()).select_from(slack_installations)).scalar_one()

    # ----- requests from a workspace

    def post_signed(self, body: str, content_type: str = "application/x-www-form-urlencoded"):
        headers = inbound.signed_headers(SIGNING_SECRET, body) | {"Content-Type": content_type}
        return self.web.post(EVENTS_PATH, data=body, headers=headers)

    def slash(self, team: Team, command: str, text: str, user_id: str, **fields):
        body = inbound.slash_command_body(
            command=command,
            text=text,
            user_id=user_id,
            team_id=team.team_id,
            enterprise_id=team.enterprise_id,
            is_enterprise_install=team.org_wide,
            **fields,
        )
        return self.post_signed(body)

    def event(self, team: Team | None, event: dict, *, enterprise_id: str | None = None):
        payload = inbound.event_callback_payload(
            event=event,
            team_id=team.team_id if team else "",
            enterprise_id=team.enterprise_id if team else enterprise_id,
            is_enterprise_install=team.org_wide if team else bool(enterprise_id),
        )
        response = self.post_signed(json.dumps(payload), "application/json")
        self.settle()  # the listener runs after the ack
        return response

    def slack_client(self) -> WebClient:
        """The worker's tokenless client: each workspace's pass brings its installation's."""
        return WebClient(base_url=self.slack.api_url, timeout=5, retry_handlers=[])

    def tokens_used(self, method: str) -> list[str | None]:
        return [call.token for call in self.slack.calls(method)]


@contextmanager
def oauth_coach(
    database_url: str, sessions: sessionmaker[Session], slack: SlackDouble, **overrides
) -> Iterator[OAuthCoach]:
    slack.oauth_client_id, slack.oauth_client_secret = CLIENT_ID, CLIENT_SECRET
    services = Services(sessions=sessions)
    listeners = WatchedExecutor()
    web = create_web_app(oauth_settings(slack, database_url, **overrides), services, listeners)
    try:
        yield OAuthCoach(slack, services, listeners, web.test_client())
    finally:
        listeners.shutdown(wait=True)
        slack.oauth_client_id = slack.oauth_client_secret = None
