"""The export: `/coach export [from] [to] [@rep]` and the `export_data` button (the Home's)."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.domain import export
from app.slack.directory import role_for
from app.slack.errors import handled
from app.slack.flows import export as flows_export
from app.slack.services import Requester
from app.slack.subcommands import Subcommand, Subcommands
from app.slack.views import export as views
from app.slack.views.export import ExportIds

logger = logging.getLogger(__name__)


def register(app: App, subcommands: Subcommands) -> None:
    subcommands.add("export", handle_export_command)
    app.action(ExportIds.EXPORT)(handled(handle_export_action))


def handle_export_command(asked: Subcommand) -> None:
    """Read the dates, check who may see what, ack, then build and share the file."""
    requester = asked.requester
    services, workspace, user_id = requester
    if asked.words and asked.words[0].lower() == "help":
        asked.ack(text=views.USAGE, response_type="ephemeral")
        return
    person, role = role_for(asked.fast_client, services, workspace, user_id)
    request = flows_export.read_request(asked.words, requester, person.zone or "UTC")
    if isinstance(request, str):
        asked.ack(text=f"{request}\n{views.USAGE}", response_type="ephemeral")
        return
    flows_export.check_allowed(requester, role, request.rep_user_id)
    asked.ack(text=views.PREPARING, response_type="ephemeral")
    respond = Respond(response_url=asked.command.get("response_url"))

    def tell(text: str) -> None:
        respond(text=text, response_type="ephemeral", replace_original=False)

    flows_export.deliver_export(asked.client, requester, role, request, tell)


def handle_export_action(
    ack: Ack, body: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """The button: the last 90 days of what the clicker may see (or of the rep it names)."""
    ack()
    services, workspace, user_id = requester
    value = ((body.get("actions") or [{}])[0]).get("value")
    rep = flows_export.rep_from_button(value)
    person, role = role_for(fast_client, services, workspace, user_id)
    flows_export.check_allowed(requester, role, rep)
    request = flows_export.ExportRequest(
        export.default_range(requester.now(), person.zone or "UTC"), rep
    )

    def tell(text: str) -> None:
        try:
            client.chat_postMessage(channel=user_id, text=text)
        except SlackApiError as error:
            logger.info(
                "could not tell %s about an export: %s", user_id, error.response.get("error")
            )

    flows_export.deliver_export(client, requester, role, request, tell)
