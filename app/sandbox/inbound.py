"""What Slack sends to the app: slash commands and interactions, shaped and signed like Slack's."""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

DEFAULT_APP_ID = "A0COACH"
DEFAULT_TEAM_DOMAIN = "acme"
# Slack still sends the deprecated verification token in every payload; Bolt ignores it.
VERIFICATION_TOKEN = "verification-token"

_sequence = itertools.count(1)


def new_trigger_id(user_id: str) -> str:
    """A unique trigger id that names its user, so the Slack double can keep a view stack per user.

    Real trigger ids look like "13345224609.738474920.8088930838d88f008e0"; the middle part here
    is the user id.
    """
    return f"{int(time.time())}{next(_sequence):03d}.{user_id}.{secrets.token_hex(10)}"


def trigger_user(trigger_id: str) -> str | None:
    """The user a trigger id from `new_trigger_id` was issued for; None for any other trigger id."""
    parts = trigger_id.split(".")
    if len(parts) == 3 and parts[1][:1] in ("U", "W"):
        return parts[1]
    return None


def signed_headers(signing_secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with `body`: a v0 signature over the timestamp and the body."""
    timestamp_text = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(
        timestamp=timestamp_text, body=body
    )
    assert signature is not None, "slack_sdk signs whenever it has a timestamp and a body"
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp_text,
        "X-Slack-Signature": signature,
    }


def slash_command_body(
    *,
    command: str,
    text: str,
    user_id: str,
    team_id: str,
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    trigger_id: str | None = None,
    enterprise_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    response_url: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
    is_enterprise_install: bool = False,
) -> str:
    """The form body of a slash command invocation, field for field as Slack posts it."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or _handle(user_id),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "true" if is_enterprise_install else "false",
        "response_url": response_url or _response_url("commands", team_id),
        "trigger_id": trigger_id or new_trigger_id(user_id),
    }
    if enterprise_id is not None:
        fields |= {"enterprise_id": enterprise_id, "enterprise_name": f"{enterprise_id} Org"}
    return urlencode(fields)


def interaction_body(payload: dict) -> str:
    """The form body Slack posts for any interaction: `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload)})


def view_submission_payload(
    *,
    view: dict,
    values: dict[str, dict[str, dict]],
    user_id: str,
    team_id: str,
    trigger_id: str | None = None,
    enterprise_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict:
    """A view_submission of `view` (as views.open returned it) with `values` as its state.

    `values` maps block_id -> action_id -> a value built with the `*_value` helpers below.
    """
    return {
        "type": "view_submission",
        **_origin(user_id, team_id, enterprise_id, user_name, team_domain, api_app_id),
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "view": _submitted_view(view, values, team_id, api_app_id),
        "response_urls": [],
    }


def view_closed_payload(
    *,
    view: dict,
    user_id: str,
    team_id: str,
    is_cleared: bool = False,
    enterprise_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict:
    """A view_closed: the user dismissed `view` (sent only when it has notify_on_close)."""
    return {
        "type": "view_closed",
        **_origin(user_id, team_id, enterprise_id, user_name, team_domain, api_app_id),
        "view": _submitted_view(view, {}, team_id, api_app_id),
        "is_cleared": is_cleared,
    }


def block_actions_payload(
    *,
    user_id: str,
    team_id: str,
    actions: list[dict],
    view: dict | None = None,
    channel_id: str | None = None,
    channel_name: str = "directmessage",
    message: dict | None = None,
    ephemeral_message_ts: str | None = None,
    trigger_id: str | None = None,
    enterprise_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
    values: dict[str, dict[str, dict]] | None = None,
) -> dict:
    """A block_actions from a view (pass `view`) or from a message in `channel_id`.

    For a message pass `message` (as chat.postMessage answered it), or for an ephemeral one,
    which Slack does not echo back, its `ephemeral_message_ts` (chat.postEphemeral's message_ts).
    `values` is the state of the view's or message's inputs at the time of the action.
    """
    if (view is None) == (channel_id is None):
        raise ValueError("block actions come from either a view or a channel's message")
    if channel_id is not None and (message is None) == (ephemeral_message_ts is None):
        raise ValueError("a message's block actions need its message or its ephemeral_message_ts")
    payload = {
        "type": "block_actions",
        **_origin(user_id, team_id, enterprise_id, user_name, team_domain, api_app_id),
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "actions": actions,
    }
    if view is not None:
        submitted = _submitted_view(view, values or {}, team_id, api_app_id)
        return payload | {
            "container": {"type": "view", "view_id": submitted["id"]},
            "view": submitted,
        }
    container = {
        "type": "message",
        "message_ts": message["ts"] if message else ephemeral_message_ts,
        "channel_id": channel_id,
        "is_ephemeral": message is None,
    }
    payload |= {
        "container": container,
        "channel": {"id": channel_id, "name": channel_name},
        "state": {"values": values or {}},
        "response_url": _response_url("actions", team_id),
    }
    if message is not None:
        payload["message"] = message
    return payload


def global_shortcut_payload(
    *,
    callback_id: str,
    user_id: str,
    team_id: str,
    trigger_id: str | None = None,
    enterprise_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict:
    """A global shortcut chosen from the shortcut menu: a trigger id, no channel."""
    return {
        "type": "shortcut",
        **_origin(user_id, team_id, enterprise_id, user_name, team_domain, api_app_id),
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "action_ts": f"{time.time():.6f}",
    }


def message_shortcut_payload(
    *,
    callback_id: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    message: dict,
    channel_name: str = "directmessage",
    trigger_id: str | None = None,
    enterprise_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict:
    """A message shortcut chosen from a message's "more actions" menu: the message (as Slack
    stores it), its channel and a response_url besides the trigger id."""
    return {
        "type": "message_action",
        **_origin(user_id, team_id, enterprise_id, user_name, team_domain, api_app_id),
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "action_ts": f"{time.time():.6f}",
        "message_ts": message["ts"],
        "message": message,
        "channel": {"id": channel_id, "name": channel_name},
        "response_url": _response_url("app", team_id),
    }


def event_callback_payload(
    *,
    event: dict,
    team_id: str,
    api_app_id: str = DEFAULT_APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    bot_user_id: str = "U0COACHBOT",
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
) -> dict:
    """An Events API delivery of `event` (send it as JSON, signed like any request)."""
    grid = {"enterprise_id": enterprise_id} if enterprise_id else {}
    return grid | {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": event_time or int(time.time()),
        "authorizations": [
            {
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": is_enterprise_install,
                **grid,
            }
        ],
        "is_enterprise_install": is_enterprise_install,
        "is_ext_shared_channel": False,
    }


def block_action(
    action_id: str, block_id: str, value: str | None = None, type: str = "button", **extra: Any
) -> dict:
    """One entry of a block_actions payload's `actions`; `extra` adds e.g. selected_option."""
    action = {
        "type": type,
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
        **extra,
    }
    if value is not None:
        action["value"] = value
    return action


# The values of input elements in `view.state.values`, shaped as Slack sends them.


def plain_text_value(text: str | None) -> dict:
    return {"type": "plain_text_input", "value": text}


def number_value(number: str | None) -> dict:
    return {"type": "number_input", "value": number}


def static_select_value(value: str | None, text: str | None = None) -> dict:
    return {"type": "static_select", "selected_option": _option(value, text)}


def multi_static_select_value(values: Iterable[str]) -> dict:
    return {"type": "multi_static_select", "selected_options": _options(values)}


def radio_value(value: str | None, text: str | None = None) -> dict:
    return {"type": "radio_buttons", "selected_option": _option(value, text)}


def checkboxes_value(values: Iterable[str]) -> dict:
    return {"type": "checkboxes", "selected_options": _options(values)}


def users_select_value(user: str | None) -> dict:
    return {"type": "users_select", "selected_user": user}


def multi_users_select_value(users: Sequence[str]) -> dict:
    return {"type": "multi_users_select", "selected_users": list(users)}


def conversations_select_value(channel: str | None) -> dict:
    return {"type": "conversations_select", "selected_conversation": channel}


def channels_select_value(channel: str | None) -> dict:
    return {"type": "channels_select", "selected_channel": channel}


def datepicker_value(date: str | None) -> dict:
    """`date` as Slack sends it: "YYYY-MM-DD"."""
    return {"type": "datepicker", "selected_date": date}


def timepicker_value(time_of_day: str | None, timezone: str | None = None) -> dict:
    """`time_of_day` as Slack sends it: "HH:mm"; `timezone` is set only if the element sets one."""
    value = {"type": "timepicker", "selected_time": time_of_day}
    if timezone is not None:
        value["timezone"] = timezone
    return value


def _option(value: str | None, text: str | None) -> dict | None:
    return None if value is None else _choice(value, text)


def _choice(value: str, text: str | None) -> dict:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def _options(values: Iterable[str]) -> list[dict]:
    return [_choice(value, None) for value in values]


def _origin(
    user_id: str,
    team_id: str,
    enterprise_id: str | None,
    user_name: str | None,
    team_domain: str,
    api_app_id: str,
) -> dict:
    """Who and where an interaction comes from: the fields every interaction payload shares."""
    team: dict[str, Any] = {"id": team_id, "domain": team_domain}
    enterprise = None
    if enterprise_id is not None:
        enterprise = {"id": enterprise_id, "name": f"{enterprise_id} Org"}
        team |= {"enterprise_id": enterprise_id, "enterprise_name": enterprise["name"]}
    handle = user_name or _handle(user_id)
    return {
        "team": team,
        "user": {"id": user_id, "username": handle, "name": handle, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "is_enterprise_install": False,
        "enterprise": enterprise,
    }


def _submitted_view(view: dict, values: dict, team_id: str, api_app_id: str) -> dict:
    """`view` with the fields Slack adds to a view it echoes back, and `values` as its state."""
    view_id = view.get("id") or f"V{secrets.token_hex(5).upper()}"
    defaults = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "private_metadata": "",
        "callback_id": "",
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "clear_on_close": False,
        "notify_on_close": False,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": api_app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": None,
    }
    return defaults | view | {"state": {"values": values}}


def _response_url(kind: str, team_id: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{next(_sequence)}/{secrets.token_hex(12)}"


def _handle(user_id: str) -> str:
    return user_id.lower()
