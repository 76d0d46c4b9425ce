"""The HTTP face of the app: Slack's Request URL and a health check, as a WSGI application."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from flask import Flask, jsonify, request
from slack_bolt.adapter.flask import SlackRequestHandler

from app.config import Settings
from app.db import database_is_reachable, make_engine, make_session_factory
from app.domain import when
from app.slack.bolt import build_app
from app.slack.client import make_slack_client
from app.slack.services import Services

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def create_web_app(
    settings: Settings,
    services: Services | None = None,
    listener_executor: Executor | None = None,
) -> Flask:
    """The Flask app served by gunicorn: POST /slack/events and GET /healthz."""
    engine = make_engine(settings.sqlalchemy_url)
    services = services or Services(sessions=make_session_factory(engine))
    bolt = build_app(
        settings.slack_signing_secret, make_slack_client(settings), services, listener_executor
    )
    handler = SlackRequestHandler(bolt)
    when.warm_up()  # the first /postcall must not pay dateparser's cold start

    web = Flask(__name__)

    @web.post(EVENTS_PATH)
    def slack_events():
        return handler.handle(request)

    @web.get("/healthz")
    def healthz():
        if database_is_reachable(engine):
            return jsonify(status="ok")
        return jsonify(status="database unreachable"), 503

    @web.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Bolt answers Slack itself; this only catches what breaks before Bolt sees the request.
        logger.exception("unhandled error in the web layer", exc_info=error)
        return jsonify(error="bad request"), 400

    return web
