"""The Web API client every process uses: Slack's base URL, timeout and retry policy; and the
calls every surface makes alike: opening a modal on a trigger, and replacing an open one."""

from __future__ import annotations

import logging
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from app.config import Settings

SLACK_TIMEOUT_SECONDS = 10
# What a call made before ack() may take: Slack wants the ack within 3 s of its request.
FAST_TIMEOUT_SECONDS = 1.5


def make_slack_client(
    settings: Settings, *, scheduler: bool = False, oauth: bool = False
) -> WebClient:
    """The client of the web app, or (`scheduler`) of the sweeps, which retry nothing Slack
    may already have posted and handle 429s themselves (they pace every send). With `oauth`
    it has no token: each request or piece of work brings its installation's."""
    client = WebClient(
        token=None if oauth else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
    )
    if scheduler:
        # A URLError means the request never reached Slack: the one failure safe to repeat.
        client.retry_handlers = [ConnectionErrorRetryHandler(error_types=[URLError])]
        return client
    # slack_sdk retries only connection errors by default; one polite retry on 429 as well.
    client.retry_handlers = [
        ConnectionErrorRetryHandler(),
        RateLimitErrorRetryHandler(max_retry_count=1),
    ]
    return client


def make_fast_client(client: WebClient) -> WebClient:
    """The client for calls made before ack(): a short timeout and no retry, so a 429 or a
    slow Slack raises at once and the listener can still answer in time."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        # slack_sdk types the timeout as int, but hands it to urllib, which takes seconds.
        timeout=FAST_TIMEOUT_SECONDS,  # type: ignore[arg-type]
        headers=client.headers,
        # An org-wide token names the workspace on every call (Bolt sets it per request).
        team_id=client.default_params.get("team_id"),
        retry_handlers=[],
    )


def open_modal(client: WebClient, trigger_id: str, view: Any, what: str) -> dict | None:
    """The opened view, or None when Slack refused it (an expired trigger: Slack shows the
    person nothing, so there is nobody to tell)."""
    try:
        return client.views_open(trigger_id=trigger_id, view=view)["view"]
    except SlackApiError as error:
        logging.getLogger(__name__).warning(
            "views.open failed for %s: %s", what, error.response.get("error")
        )
        return None


def update_modal(client: WebClient, view: dict, modal: Any, what: str) -> None:
    """Replace the open `view` with `modal`, unless the person changed it meanwhile."""
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
    except SlackApiError as error:  # hash_conflict: a newer update already landed
        logging.getLogger(__name__).info(
            "%s modal not updated: %s", what, error.response.get("error")
        )
