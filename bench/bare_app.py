"""A bare Bolt app that acks /precall and opens a one-block modal, served like `coach serve`.

It is the yardstick for bench/roundtrip.py: the same gunicorn settings (workers, gthread, threads,
timeout, logging) and the same environment variables (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
SLACK_API_URL, PORT, WEB_CONCURRENCY), with none of the product's work behind the ack.

    python bench/bare_app.py
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

from app import server
from app.config import Settings

# Slack's Request URL path in manifest.yml; app.web is not imported, so the bare workers load
# none of the product's modules.
EVENTS_PATH = "/slack/events"
BARE_MODAL = {
    "type": "modal",
    "callback_id": "bare_precall",
    "title": {"type": "plain_text", "text": "Plan a call"},
    "close": {"type": "plain_text", "text": "Close"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Planning starts here."}}],
}


def create_bare_app(settings: Settings) -> Flask:
    """POST /slack/events (only /precall) and GET /healthz, nothing else."""
    bolt = App(
        signing_secret=settings.slack_signing_secret,
        client=WebClient(base_url=settings.slack_api_url, token=settings.slack_bot_token),
    )

    @bolt.command("/precall")
    def open_modal(ack: Ack, command: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=BARE_MODAL)

    handler = SlackRequestHandler(bolt)
    web = Flask(__name__)

    @web.post(EVENTS_PATH)
    def slack_events():
        return handler.handle(request)

    @web.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return web


class BareServer(server.CoachServer):
    """CoachServer's gunicorn application, loading the bare app in each worker instead."""

    def load(self):
        return create_bare_app(self.settings)


def main() -> None:
    settings = Settings()
    # Loopback only: the benchmark's client is on this machine.
    options = server.gunicorn_options(
        settings, port=settings.port, workers=settings.web_concurrency, host="127.0.0.1"
    )
    BareServer(settings, options).run()


if __name__ == "__main__":
    main()
