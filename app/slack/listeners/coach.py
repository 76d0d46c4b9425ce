"""/coach: the rep's own figures (`/coach me`), settings, channel summaries and help."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app.domain.metrics import FIGURES_DAYS, own_figures
from app.slack.errors import handled
from app.slack.services import Requester
from app.slack.subcommands import Subcommand, Subcommands
from app.slack.views.figures import figures_message

COMMAND = "/coach"
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
    "• `/coach managers`: name the managers who may set up summaries (admins)\n"
    "• `/coach delete my data`: delete what the app keeps about you\n"
    "• `/coach retention [days|off]`: erase objectives and notes after a period (admins)\n"
    "• `/coach calendar`: connect your calendar, so your customer meetings come to you\n"
    "• `/coach domains`: the company's own email domains, which tell customers from "
    "colleagues in calendars (admins)"
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
    with requester.session() as session:
        current, previous = own_figures(session, workspace, user_id, requester.now())
    text, blocks = figures_message(current, previous, FIGURES_DAYS)
    ack(text=text, blocks=blocks, response_type="ephemeral")
