"""The Bolt app: verification, the services middleware, every listener, and error handling."""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient

from app.slack.context import NOT_INSTALLED, installation_check, request_middleware
from app.slack.errors import render_error
from app.slack.listeners import (
    calendar,
    coach,
    company_domains,
    data_rights,
    export,
    home,
    installs,
    nudge_settings,
    nudges,
    postcall,
    precall,
    shortcuts,
    summaries,
    users,
)
from app.slack.runner import answer_on_ack
from app.slack.services import Services
from app.slack.subcommands import Subcommands

logger = logging.getLogger(__name__)

KNOWN_COMMANDS = (precall.COMMAND, postcall.COMMAND, coach.COMMAND)
# Any command but the app's own: a declared command whose listener is slow must never fall
# through to "I don't know" (Bolt tries the next listener when one does not ack in time).
UNKNOWN_COMMAND = re.compile(
    r"^(?!(?:" + "|".join(re.escape(name) for name in KNOWN_COMMANDS) + r")$)/.+"
)


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
    *,
    oauth_flow: OAuthFlow | None = None,
    uninstall_retention_days: int = 0,
) -> App:
    """A Bolt app verifying requests with `signing_secret`, calling Slack through `client`
    with its token, or, given `oauth_flow`, with the token of each request's installation."""
    app = answer_on_ack(
        App(
            signing_secret=signing_secret,
            client=client,
            # Ack first, work after: the HTTP response leaves as soon as a listener acks.
            process_before_response=False,
            # Bolt's default pool (None) unless the caller wants to watch the work after acks.
            listener_executor=listener_executor,
            oauth_flow=oauth_flow,
            before_authorize=(
                installation_check(oauth_flow.settings.installation_store) if oauth_flow else None
            ),
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
    )

    app.middleware(request_middleware(services))

    subcommands = Subcommands()
    precall.register(app)
    postcall.register(app)
    coach.register(app, subcommands)
    nudge_settings.register(app, subcommands)
    nudges.register(app)
    users.register(app)
    home.register(app)
    summaries.register(app, subcommands)
    installs.register(app, oauth_flow, uninstall_retention_days)
    data_rights.register(app, subcommands)
    shortcuts.register(app)
    calendar.register(app, subcommands)
    company_domains.register(app, subcommands)
    export.register(app, subcommands)

    @app.command(UNKNOWN_COMMAND)
    def handle_unknown_command(ack, command) -> None:
        """A command from an older manifest, or a typo'd name in a custom one."""
        known = ", ".join(f"`{name}`" for name in KNOWN_COMMANDS)
        ack(text=f"I don't know `{command.get('command')}`. Try {known}.")

    @app.error
    def handle_error(
        error: Exception, body: dict, context: BoltContext, response: BoltResponse | None
    ) -> BoltResponse | None:
        """Never a 500 to Slack: explain to the user in the place they are."""
        return render_error(error, body or {}, context, response)

    return app
