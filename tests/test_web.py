"""The web layer itself: the health check tells a load balancer whether the database answers."""

from __future__ import annotations

from app.config import Settings
from app.sandbox.slack_double import SlackDouble
from app.web import create_web_app


def web_client(slack: SlackDouble, database_url: str):
    settings = Settings(
        slack_bot_token=slack.bot_token,
        slack_signing_secret="secret",
        slack_api_url=slack.api_url,
        database_url=database_url,
        _env_file=None,
    )
    return create_web_app(settings).test_client()


def test_healthz_is_503_while_the_database_is_unreachable(tmp_path) -> None:
    with SlackDouble() as slack:
        response = web_client(slack, f"sqlite:///{tmp_path}/no-such-dir/coach.db").get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "database unreachable"}


def test_unsigned_requests_are_refused(database_url: str) -> None:
    with SlackDouble() as slack:
        response = web_client(slack, database_url).post("/slack/events", data="command=/precall")
    assert response.status_code == 401
