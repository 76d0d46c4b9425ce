"""The HTTP face of the app: Slack's Request URL and a health check, as a WSGI application."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Flask, Request, abort, jsonify, request
from slack_bolt import BoltRequest
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.pool import NullPool
from werkzeug.exceptions import HTTPException

from app import clock
from app.config import Settings
from app.db import database_is_reachable, make_engine, make_session_factory
from app.domain import company_domains, dates
from app.domain.calendar import CalendarSetup
from app.server import THREADS_PER_WORKER
from app.slack import installs
from app.slack.bolt import build_app
from app.slack.client import make_slack_client
from app.slack.payloads import has_slacks_shape
from app.slack.runner import answer_sent_when
from app.slack.services import Services
from app.slack.views import install_pages

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack's requests are a few kilobytes; anything this large is refused unread.
MAX_BODY_BYTES = 1024 * 1024
# What Slack sends, and all that SignatureVerifier is safe with: int() alone would take " 1_0 ",
# and compare_digest raises on non-ASCII text.
TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)
# Bolt's listener threads per process (Bolt's default is 5). Every request thread waits for its
# listener's ack on one of these; the listener then goes on, on the same thread, with the work
# after the ack: Slack calls (a second each when Slack is slow), or a hung database until its
# deadlines. With only as many as request threads, that work leaves the next ack queued behind
# it; four times as many keep acks flowing while post-ack work piles up (docs/benchmarks.md).
LISTENER_THREADS = 4 * THREADS_PER_WORKER
# A health check answers within this, whatever the database does (a load balancer's probe
# must not hang with it); the check itself goes on in the background, on a connection of its own.
HEALTHZ_TIMEOUT_S = 1.0
HEALTHZ_STATEMENT_TIMEOUT_S = 0.5


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


# What Bolt raises reading a body that is no Slack payload.
UNREADABLE = (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError)


def as_slack_payload(incoming: Request) -> BoltRequest | None:
    """The request as Bolt reads it, or None when its body is no Slack payload (not JSON, not an
    object, nested past Python's limit, fields Bolt cannot read, or an interaction not of
    Slack's shape): such a body is refused here, rather than raising in Bolt or a listener
    with a traceback in the log."""
    try:
        parsed = to_bolt_request(incoming)
    except UNREADABLE:
        return None
    if not isinstance(parsed.body, dict) or not has_slacks_shape(parsed.body):
        return None
    return parsed


def create_web_app(
    settings: Settings,
    services: Services | None = None,
    listener_executor: Executor | None = None,
) -> Flask:
    """The Flask app served by gunicorn: POST /slack/events and GET /healthz."""
    clock.shift(settings.clock_offset_seconds)
    # A connection for each listener thread; one more waits POOL_TIMEOUT_S, then gives up.
    engine = make_engine(
        settings.sqlalchemy_url,
        pool_size=THREADS_PER_WORKER,
        max_overflow=LISTENER_THREADS - THREADS_PER_WORKER,
    )
    services = services or Services(
        sessions=make_session_factory(engine), calendars=CalendarSetup.from_settings(settings)
    )
    listener_executor = listener_executor or ThreadPoolExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="listener"
    )
    client = make_slack_client(settings, oauth=settings.oauth_enabled)
    flow = (
        installs.oauth_flow(settings, engine, services, client) if settings.oauth_enabled else None
    )
    bolt = build_app(
        settings.slack_signing_secret,
        client,
        services,
        listener_executor,
        oauth_flow=flow,
        uninstall_retention_days=settings.uninstall_retention_days,
    )
    dates.warm_up()  # the first /postcall must not pay dateparser's cold start
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
        incoming = as_slack_payload(request)
        if incoming is None:
            logger.info("refused a signed request whose body is not a Slack payload")
            return jsonify(error="bad request"), 400
        # The listener's work after its ack waits until the answer is written (see the runner).
        sent = threading.Event()
        try:
            with answer_sent_when(sent):
                response = to_flask_response(bolt.dispatch(incoming))
        except BaseException:
            sent.set()
            raise
        response.call_on_close(sent.set)
        return response

    if flow is not None:
        # Installs through OAuth: Bolt's flow answers both (state, cookie, oauth.v2.access).
        oauth_handler = SlackRequestHandler(bolt)

        @web.get(installs.INSTALL_PATH)
        @web.get(installs.REDIRECT_PATH)
        def oauth():
            return oauth_handler.handle(request)

        @web.get(install_pages.PRIVACY_PATH)
        def privacy():
            return install_pages.privacy_page(installs.privacy_text())

    # Its own connections (none kept), so a full or hung pool does not hide a database that
    # answers again, and two threads at most, however long a hung check takes to time out.
    health_engine = make_engine(
        settings.sqlalchemy_url,
        statement_timeout_s=HEALTHZ_STATEMENT_TIMEOUT_S,
        poolclass=NullPool,
    )
    health_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")

    @web.get("/healthz")
    def healthz():
        check = health_checks.submit(database_is_reachable, health_engine)
        try:
            if check.result(timeout=HEALTHZ_TIMEOUT_S):
                return jsonify(status="ok")
        except FutureTimeout:
            pass
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
