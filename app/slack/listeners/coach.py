"""/coach: the rep's own figures (`/coach me`), settings, channel summaries and help."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from app.db import session_scope
from app.domain.metrics import Metrics, metrics_by_rep
from app.slack.listeners.settings import handle_settings_command
from app.slack.listeners.summaries import handle_managers_command, handle_summary_command
from app.slack.services import requester
from app.slack.views.figures import figures_message

logger = logging.getLogger(__name__)

COMMAND = "/coach"
FIGURES_DAYS = 30
USAGE = (
    "*Commitment Coach*\n"
    "• `/precall [account] [when]`: plan an interaction and its commitment objective\n"
    "• `/postcall [account]`: log what the customer agreed to, and the next step's date\n"
    "• `/coach me`: your figures for the last 30 days, against the 30 days before\n"
    "• `/coach settings`: when your morning nudge comes, on which days, or pause it\n"
    "• `/coach summary`: set up a team summary in a channel (managers, admins); "
    "`/coach summary list` shows them, `/coach summary now` posts one at once\n"
    "• `/coach managers`: name the managers who may set up summaries (admins)"
)
FIGURES_FAILED = "Your figures are not available just now. Try again in a minute."


def register(app: App) -> None:
    app.command(COMMAND)(handle_coach_command)


def handle_coach_command(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
    """Dispatch on the first word; anything unknown gets the usage, saying so."""
    words = (command.get("text") or "").split()
    subcommand = words[0].lower() if words else "help"
    if subcommand == "me":
        answer_with_figures(ack, command, context)
    elif subcommand == "settings":
        handle_settings_command(ack, command, client, context)
    elif subcommand == "summary":
        handle_summary_command(ack, command, client, context, words[1:])
    elif subcommand == "managers":
        handle_managers_command(ack, command, client, context)
    elif subcommand == "help":
        ack(text=USAGE, response_type="ephemeral")
    else:
        unknown = f"I don't know `/coach {words[0]}`. Here is what I do know.\n\n"
        ack(text=unknown + USAGE, response_type="ephemeral")


def answer_with_figures(ack: Ack, command: dict, context: BoltContext) -> None:
    """Answer in the acknowledgement itself: two small aggregate queries, well within 3 s."""
    services, workspace, user_id = requester(context, command)
    now = services.now()
    period = timedelta(days=FIGURES_DAYS)
    try:
        with session_scope(services.sessions) as session:

            def figures_until(end):
                by_rep = metrics_by_rep(session, workspace, end - period, end, now, [user_id])
                return by_rep.get(user_id, Metrics())

            current, previous = figures_until(now), figures_until(now - period)
    except SQLAlchemyError as error:
        logger.error("could not compute figures for %s: %s", user_id, error)
        ack(text=FIGURES_FAILED, response_type="ephemeral")
        return
    text, blocks = figures_message(current, previous, FIGURES_DAYS)
    ack(text=text, blocks=blocks, response_type="ephemeral")
