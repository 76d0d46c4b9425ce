"""The Bolt app: verification, the services middleware, every listener, and error handling."""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from app.slack.listeners import (
    coach,
    nudge_actions,
    postcall,
    precall,
    settings,
    summaries,
    users,
)
from app.slack.runner import answer_on_ack
from app.slack.services import SERVICES_KEY, Services
from app.slack.views.notices import failure_modal

logger = logging.getLogger(__name__)

KNOWN_COMMANDS = (precall.COMMAND, postcall.COMMAND, coach.COMMAND)
COMMAND_FAILED = "Something went wrong on our side and nothing was saved. Try again in a minute."


class _HideUnusedTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and, given `client` too, warns that the token goes
    unused; the client carries that very token, so the warning would only mislead an admin."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


get_bolt_logger(App).addFilter(_HideUnusedTokenWarning())


def build_app(
    signing_secret: str,
    client: WebClient,
    services: Services,
    listener_executor: Executor | None = None,
) -> App:
    """A Bolt app verifying requests with `signing_secret`, calling Slack through `client`."""
    app = answer_on_ack(
        App(
            signing_secret=signing_secret,
            client=client,
            # Ack first, work after: the HTTP response leaves as soon as a listener acks.
            process_before_response=False,
            # Bolt's default pool (None) unless the caller wants to watch the work after acks.
            listener_executor=listener_executor,
        )
    )

    @app.middleware
    def provide_services(context: BoltContext, next) -> None:  # noqa: A002 (Bolt's name)
        context[SERVICES_KEY] = services
        next()

    precall.register(app)
    postcall.register(app)
    coach.register(app)
    settings.register(app)
    nudge_actions.register(app)
    users.register(app)
    summaries.register(app)

    @app.command(re.compile(r"^/.+"))
    def handle_unknown_command(ack, command) -> None:
        """A command from an older manifest, or a typo'd name in a custom one."""
        known = ", ".join(f"`{name}`" for name in KNOWN_COMMANDS)
        ack(text=f"I don't know `{command.get('command')}`. Try {known}.")

    @app.error
    def handle_error(error: Exception, request: BoltRequest) -> BoltResponse:
        """Never a 500 to Slack: explain to the user in the place they are."""
        logger.exception("unhandled error in a listener", exc_info=error)
        body = request.body or {}
        if body.get("type") == "view_submission":
            return BoltResponse(
                status=200,
                body={"response_action": "push", "view": failure_modal().to_dict()},
            )
        if body.get("command"):
            return BoltResponse(
                status=200, body={"response_type": "ephemeral", "text": COMMAND_FAILED}
            )
        return BoltResponse(status=200, body="")

    return app
