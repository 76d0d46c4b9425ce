"""A person's data: `/coach delete my data` (with a confirmation saying what goes) and the
admins' `/coach retention [days|off]`, after which texts are erased and counts stay."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from app.domain import data_rights, installs
from app.domain.summaries import Role
from app.domain.text import whole_number
from app.slack.directory import role_for
from app.slack.errors import NotAllowed, handled
from app.slack.services import Requester
from app.slack.subcommands import Subcommand, Subcommands
from app.slack.views.data_rights import (
    CANCELLED,
    NOTHING_KEPT,
    DataRightsIds,
    delete_confirmation,
    deleted_text,
    retention_text,
)

DELETE_USAGE = "To delete what the app keeps about you, type `/coach delete my data`."
ADMINS_ONLY = "Only workspace admins and owners can set how long texts are kept."
RETENTION_USAGE = "`/coach retention 365` erases texts after 365 days; `/coach retention off`."
MAX_RETENTION_DAYS = 36500


def register(app: App, subcommands: Subcommands) -> None:
    subcommands.add("delete", handle_delete_command)
    subcommands.add("retention", handle_retention_command)
    app.action(DataRightsIds.DELETE)(handled(handle_delete_action))
    app.action(DataRightsIds.CANCEL)(handled(handle_cancel_action))


def handle_delete_command(asked: Subcommand) -> None:
    """Say what would go, and ask; nothing is deleted until the button is clicked."""
    if [word.lower() for word in asked.words] != ["my", "data"]:
        asked.ack(text=DELETE_USAGE, response_type="ephemeral")
        return
    services, workspace, user_id = asked.requester
    with asked.requester.session() as session:
        data = data_rights.rep_data(session, workspace, user_id)
    if not data.anything:
        asked.ack(text=NOTHING_KEPT, response_type="ephemeral")
        return
    text, blocks = delete_confirmation(data)
    asked.ack(text=text, blocks=blocks, response_type="ephemeral")


def handle_delete_action(ack: Ack, requester: Requester, respond: Respond) -> None:
    """Delete the clicker's own data (whoever's message the button was in), and say so."""
    ack()
    _, workspace, user_id = requester
    with requester.session() as session:
        gone = data_rights.delete_rep_data(session, workspace, user_id)
    respond(text=deleted_text(gone))


def handle_cancel_action(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text=CANCELLED)


def handle_retention_command(asked: Subcommand) -> None:
    """Admins and owners: show or set the retention period of texts."""
    services, workspace, user_id = asked.requester
    words = [word.lower() for word in asked.words]
    if words:
        _, role = role_for(asked.fast_client, services, workspace, user_id)
        if role is not Role.ADMIN:
            raise NotAllowed(ADMINS_ONLY)
    asked_days = whole_number(words[0], MAX_RETENTION_DAYS) if len(words) == 1 else None
    if words == ["off"]:
        days = None
    elif asked_days:
        days = asked_days
    elif words:
        asked.ack(text=RETENTION_USAGE, response_type="ephemeral")
        return
    with asked.requester.session() as session:
        if words:
            installs.set_text_retention(session, workspace, days, asked.requester.now())
        days = installs.text_retention(session, workspace)
    asked.ack(text=retention_text(days), response_type="ephemeral")
