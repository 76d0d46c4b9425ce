"""/coach: the rep's own figures (`/coach me`), settings, channel summaries and help."""

from __future__ import annotations

from datetime import timedelta

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app.domain.metrics import Metrics, metrics_by_rep
from app.slack.errors import handled
from app.slack.services import Requester
from app.slack.subcommands import Subcommand, Subcommands
from app.slack.views.figures import figures_message

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
    "• `/coach export [from] [to]`: a CSV of your interactions (managers: their team's; "
    "admins: the workspace's) as a file in your DM\n"
    "• `/coach managers`: name the managers who may set up summaries (admins)"
)


def register(app: App, subcommands: Subcommands) -> None:
    def handle_coach_command(
        ack: Ack, command: dict, client: WebClient, fast_client: WebClient, requester: Requester
    ) -> None:
        """Dispatch on the first word; anything unknown gets the usage, saying so."""
        words = (command.get("text") or "").split()
        word = words[0].lower() if words else "help"
        handler = subcommands.get(word)
        if word == "me":
            answer_with_figures(ack, requester)
        elif handler is not None:
            handler(Subcommand(ack, command, client, fast_client, requester, words[1:]))
        elif word == "help":
            ack(text=USAGE, response_type="ephemeral")
        else:
            unknown = f"I don't know `/coach {words[0]}`. Here is what I do know.\n\n"
            ack(text=unknown + USAGE, response_type="ephemeral")

    app.command(COMMAND)(handled(handle_coach_command))


def answer_with_figures(ack: Ack, requester: Requester) -> None:
    """Answer in the acknowledgement itself: two small aggregate queries, well within 3 s."""
    _, workspace, user_id = requester
    now = requester.now()
    period = timedelta(days=FIGURES_DAYS)
    with requester.session() as session:

        def figures_until(end):
            by_rep = metrics_by_rep(session, workspace, end - period, end, now, [user_id])
            return by_rep.get(user_id, Metrics())

        current, previous = figures_until(now), figures_until(now - period)
    text, blocks = figures_message(current, previous, FIGURES_DAYS)
    ack(text=text, blocks=blocks, response_type="ephemeral")
