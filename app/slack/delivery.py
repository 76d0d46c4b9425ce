"""Sending messages once: claim in the database, post, then record the outcome."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from app.db import session_scope
from app.domain import deliveries
from app.domain.workspace import Workspace
from app.slack.services import Services

logger = logging.getLogger(__name__)

# Errors after which sending again cannot help.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_blocks",
        "msg_too_long",
    }
)


def send_once(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    *,
    kind: str,
    key: str,
    channel: str,
    text: str,
    blocks: Sequence[Block],
) -> str | None:
    """Post the message unless one with this kind and key was already claimed; its ts if sent."""
    with session_scope(services.sessions) as session:
        claim = deliveries.claim(session, workspace, kind, key, channel, services.now())
    if claim is None:
        return None
    try:
        response = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackApiError as error:
        code = str(error.response.get("error") or error.response.status_code)
        retry_after = error.response.headers.get("Retry-After") if error.response.headers else None
        not_before = (
            services.now() + timedelta(seconds=int(retry_after))
            if retry_after and str(retry_after).isdigit()
            else None
        )
        logger.warning("could not send %s %s to %s: %s", kind, key, channel, code)
        with session_scope(services.sessions) as session:
            deliveries.mark_failed(
                session,
                claim,
                code,
                services.now(),
                retry_not_before=not_before,
                give_up=code in PERMANENT_ERRORS,
            )
        return None
    except OSError as error:  # timeouts and dropped connections: worth another try later
        logger.warning("could not send %s %s to %s: %s", kind, key, channel, error)
        with session_scope(services.sessions) as session:
            deliveries.mark_failed(session, claim, f"network: {error}", services.now())
        return None
    with session_scope(services.sessions) as session:
        deliveries.mark_sent(
            session, claim, response.get("channel"), response.get("ts"), services.now()
        )
    return response.get("ts")
