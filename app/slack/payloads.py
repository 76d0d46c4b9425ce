"""Reading what a payload carries where Slack's shapes may not hold (a crafted payload, an
older client): the right type or nothing, never an exception from deep in a listener."""

from __future__ import annotations

import re
from typing import Any

# Slack's ids: a capital letter, then capitals and digits (U0123ABCD, T0001, C0GENERAL, W...).
SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}", re.ASCII)


def slack_id(value: object) -> str | None:
    """`value` if it has the shape of a Slack id, else None."""
    return value if isinstance(value, str) and SLACK_ID.fullmatch(value) else None


def first_action(body: dict) -> dict[str, Any]:
    """The payload's first action; {} when `actions` is not a list of objects."""
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return actions[0]
    return {}


# Where Slack puts an object, a string or a list of objects in an interaction's payload.
_OBJECTS = ("user", "team", "channel", "container", "view", "message", "enterprise", "state")
_STRINGS = ("type", "trigger_id", "response_url", "api_app_id")
_ACTION_STRINGS = ("action_id", "block_id", "value", "action_ts", "type")


def has_slacks_shape(body: dict) -> bool:
    """Whether an interaction's payload (block actions, a view submission) has Slack's shape
    where the app reads it: objects where Slack sends objects, strings where strings, a user
    with a Slack id, actions as a list of objects with string ids. Commands and events are not
    interactions and pass as they are."""
    if body.get("type") not in ("block_actions", "view_submission", "view_closed"):
        return True
    if any(body.get(name) is not None and not isinstance(body[name], dict) for name in _OBJECTS):
        return False
    if any(body.get(name) is not None and not isinstance(body[name], str) for name in _STRINGS):
        return False
    user = body.get("user") or {}
    if slack_id(user.get("id")) is None:
        return False
    if body["type"] != "block_actions" and not isinstance(body.get("view"), dict):
        return False
    actions = body.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        return False
    if body["type"] == "block_actions" and not actions:  # Bolt reads the first one
        return False
    return all(
        isinstance(action.get(name), str)
        for action in actions
        for name in _ACTION_STRINGS
        if name in action or name == "action_id"
    )
