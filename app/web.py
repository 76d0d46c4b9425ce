"""The HTTP face of the app: Slack's Request URL and a health check, as a WSGI application."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import Executor

from flask import Flask, Request, abort, jsonify, request
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from werkzeug.exceptions import HTTPException

from app.config import Settings
from app.db import database_is_reachable, make_engine, make_session_factory
from app.domain import company_domains, when
from app.domain.calendar import CalendarSetup
from app.slack.bolt import build_app
from app.slack.client import make_slack_client
from app.slack.runner import answer_sent_when
from app.slack.services import Services

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack's requests are a few kilobytes; anything this large is refused unread.
MAX_BODY_BYTES = 1024 * 1024
# What Slack sends, and all that SignatureVerifier is safe with: int() alone would take " 1_0 ",
# and compare_digest raises on non-ASCII text.
TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)


def is_signed_by_slack(verifier: SignatureVerifier, incoming: Request) -> bool:
    """The request bears a valid signature and a timestamp within 5 minutes. The headers are
    checked before the body is read; the body is read (at most MAX_BODY_BYTES) but not parsed."""
    timestamp = incoming.headers.get("X-Slack-Request-Timestamp", "")
    signature = incoming.headers.get("X-Slack-Signature", "")
    if not TIMESTAMP.fullmatch(timestamp) or not SIGNATURE.fullmatch(signature):
        return False
    try:
        body = incoming.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        return False  # Slack signs text; Bolt would read these bytes otherwise than signed
    return verifier.is_valid(body, timestamp, signature)


def create_web_app(
    settings: Settings,
    services: Services | None = None,
    listener_executor: Executor | None = None,
) -> Flask:
    """The Flask app served by gunicorn: POST /slack/events and GET /healthz."""
    engine = make_engine(settings.sqlalchemy_url)
    services = services or Services(
        sessions=make_session_factory(engine), calendars=CalendarSetup.from_settings(settings)
    )
    bolt = build_app(
        settings.slack_signing_secret, make_slack_client(settings), services, listener_executor
    )
    handler = SlackRequestHandler(bolt)
    when.warm_up()  # the first /postcall must not pay dateparser's cold start
    company_domains.suffixes()  # nor the first calendar check the Public Suffix List's

    verifier = SignatureVerifier(settings.slack_signing_secret)

    web = Flask(__name__)
    # A body of unknown length is cut off here, as it is read.
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @web.post(EVENTS_PATH)
    def slack_events():
        if (request.content_length or 0) > MAX_BODY_BYTES:
            abort(413)
        # Verified here, before Bolt parses anything of the body; Bolt verifies again.
        if not is_signed_by_slack(verifier, request):
            logger.info("refused a request without a valid Slack signature")
            return jsonify(error="invalid request"), 401
        # The listener's work after its ack waits until the answer is written (see the runner).
        sent = threading.Event()
        try:
            with answer_sent_when(sent):
                response = handler.handle(request)
        except BaseException:
            sent.set()
            raise
        response.call_on_close(sent.set)
        return response

    @web.get("/healthz")
    def healthz():
        if database_is_reachable(engine):
            return jsonify(status="ok")
        return jsonify(status="database unreachable"), 503

    @web.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A stray path or method (scanners, a mistyped URL) is routine: the access log has it.
        if error.code == 413:
            logger.warning("refused a request body over %d bytes", MAX_BODY_BYTES)
        else:
            logger.debug("%s %s answered %s", request.method, request.path, error.code)
        response = error.get_response()  # keeps headers such as a 405's Allow
        response.data = web.json.dumps({"error": error.name})
        response.content_type = "application/json"
        return response

    @web.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Bolt answers Slack itself; this only catches what breaks before Bolt sees the request.
        logger.exception("unhandled error in the web layer", exc_info=error)
        return jsonify(error="bad request"), 400

    return web
