"""Showing what was done about a nudge item in the nudge DM itself, in place of its buttons.

Snooze and Mark lost have the message at hand (Slack sends it with the click); a form opened
from Log outcome or Plan it carries a NudgeItemRef instead, and the message is read back once
the form is saved. Either way this is feedback only: a failure is logged and changes nothing.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.db import session_scope
from app.domain import nudges
from app.domain.workspace import Workspace
from app.slack.services import Services
from app.slack.views.nudges import NudgeItemRef, with_item_status

logger = logging.getLogger(__name__)


def show_item_status(
    client: WebClient, ref: NudgeItemRef, status: str, message: dict | None = None
) -> None:
    """Replace the item's buttons in the nudge DM with `status`; `message` is the DM as Slack
    last sent it, read from the conversation when not given."""
    try:
        message = message or _read_message(client, ref)
        if message is None:
            logger.info("nudge message %s in %s is gone; its item not updated", ref.ts, ref.channel)
            return
        blocks = message.get("blocks") or []
        updated = with_item_status(blocks, ref.key, status)
        if updated == blocks:  # already showing a status (a double submit, a retry)
            return
        client.chat_update(
            channel=ref.channel, ts=ref.ts, text=message.get("text") or status, blocks=updated
        )
    except SlackApiError as error:
        logger.info("could not update a nudge message: %s", error.response.get("error"))
    except OSError as error:  # no connection, a timeout
        logger.warning("could not update a nudge message: %s", error)


def show_status_if_item_handled(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    ref: NudgeItemRef,
    status: str,
) -> None:
    """`status` in the item's place once what was saved resolved the item; an item still due
    (the rep planned another account, say) keeps its buttons."""
    key = ref.item_key
    if key is None:
        return
    try:
        with session_scope(services.sessions) as session:
            still_due = nudges.open_item(session, workspace, user_id, key, services.now())
    except SQLAlchemyError as error:
        logger.warning("could not check nudge item %s: %s", ref.key, error)
        return
    if still_due is None:
        show_item_status(client, ref, status)


def _read_message(client: WebClient, ref: NudgeItemRef) -> dict | None:
    history = client.conversations_history(
        channel=ref.channel, latest=ref.ts, inclusive=True, limit=1
    )
    # The newest message up to ts: another one when the DM was deleted.
    found = next(iter(history.get("messages") or []), None)
    return found if found and found.get("ts") == ref.ts else None
