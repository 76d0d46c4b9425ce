"""The web layer itself: the health check tells a load balancer whether the database answers."""

from __future__ import annotations

import logging

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


def test_starting_logs_no_warning_about_the_bot_token(
    database_url: str, monkeypatch, caplog
) -> None:
    """Bolt reads SLACK_BOT_TOKEN too; an admin must not read that their token goes unused."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    with SlackDouble() as slack, caplog.at_level(logging.WARNING):
        web_client(slack, database_url)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")] == []
