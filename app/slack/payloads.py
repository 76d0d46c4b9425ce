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


def slack_ids(value: object) -> list[str]:
    """The Slack ids in a list of them; [] for anything else (a string is not a list of its
    characters), and items of another shape left out."""
    if not isinstance(value, list):
        return []
    return [item for item in map(slack_id, value) if item]


def object_at(body: object, name: str) -> dict[str, Any]:
    """The object `body` has at `name`; {} when either is absent or of another type."""
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, dict) else {}


def text_at(body: object, name: str) -> str | None:
    """The string `body` has at `name`; None when either is absent or of another type."""
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def has_slacks_shape(body: dict) -> bool:
    """Whether a payload has Slack's shape where the app (or Bolt) reads it: objects where
    Slack sends objects, strings where strings, ids of a Slack id's shape. A slash command,
    an Events API delivery and an interaction each have theirs; what is none of them (a URL
    verification, an ssl_check) Bolt answers by itself."""
    if "command" in body:  # as Bolt tells a slash command
        return _is_command(body)
    kind = body.get("type")
    if kind == "event_callback":
        return _is_event_delivery(body)
    if kind in _INTERACTIONS:
        return _is_interaction(body)
    return True


# A slash command's form: the fields the app reads, text where Slack sends text. Who typed it
# and where are checked by the middleware, which answers the person (see `command_ids`).
_COMMAND_STRINGS = ("command", "trigger_id", "response_url", "team_id", "user_id", "channel_id")
_COMMAND_IDS = ("user_id", "channel_id")


def _is_command(body: dict) -> bool:
    if not all(isinstance(body.get(name), str) for name in _COMMAND_STRINGS):
        return False
    return all(isinstance(body.get(name, ""), str) for name in ("text", "enterprise_id"))


def names_slack_ids(body: dict) -> bool:
    """Whether a slash command names who typed it and where by Slack ids (a channel id goes
    into the metadata of the form it opens). Anything else passes as it is."""
    return "command" not in body or all(slack_id(body.get(name)) for name in _COMMAND_IDS)


# What an authorization says of the installation an event is for (Bolt reads the first one).
_GRANT_IDS = ("team_id", "enterprise_id", "user_id")


def _is_event_delivery(body: dict) -> bool:
    """An Events API envelope: an event object of a named type, the team and enterprise as
    ids, the authorizations as a list of objects; the event's user, if it names one, as an id
    (or, as in user_change, an object with one)."""
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return False
    if not _is_grant_id(body.get("team_id")) or not _is_grant_id(body.get("enterprise_id")):
        return False
    authorizations = body.get("authorizations") or []
    if not isinstance(authorizations, list) or not all(
        isinstance(grant, dict) and all(_is_grant_id(grant.get(name)) for name in _GRANT_IDS)
        for grant in authorizations
    ):
        return False
    user = event.get("user")
    return _is_id_or_none(user.get("id") if isinstance(user, dict) else user)


def _is_id_or_none(value: object) -> bool:
    return value is None or slack_id(value) is not None


def _is_grant_id(value: object) -> bool:
    """An id in an event's envelope, or none ("": an org-wide install's name no team)."""
    return value == "" or _is_id_or_none(value)


# The interactions the app answers, where Slack puts an object, a string or a list of objects
# in their payloads, and the objects whose id the app reads as a Slack id.
_INTERACTIONS = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")
_OBJECTS = ("user", "team", "channel", "container", "view", "message", "enterprise", "state")
_STRINGS = ("type", "trigger_id", "response_url", "api_app_id", "callback_id")
_IDS = (("user", "id"), ("team", "id"), ("channel", "id"), ("container", "channel_id"))
# What a person clicked or chose: its listener may open a modal with the trigger id.
_TRIGGERED = ("block_actions", "shortcut", "message_action")
_ACTION_STRINGS = ("action_id", "block_id", "value", "action_ts", "type")


def _is_interaction(body: dict) -> bool:
    """Block actions, a view submission or closing, a shortcut: a user with a Slack id; for
    actions, a list of objects with string ids and, for a chosen option, a string value."""
    if any(body.get(name) is not None and not isinstance(body[name], dict) for name in _OBJECTS):
        return False
    if any(body.get(name) is not None and not isinstance(body[name], str) for name in _STRINGS):
        return False
    if slack_id(object_at(body, "user").get("id")) is None:
        return False
    if body["type"] in _TRIGGERED and not isinstance(body.get("trigger_id"), str):
        return False
    if not all(_is_id_or_none(object_at(body, name).get(key)) for name, key in _IDS):
        return False
    # Block actions come from a view (a modal, the Home) or a message, as their container says.
    container = object_at(body, "container").get("type")
    if body["type"] == "block_actions" and container not in ("view", "message"):
        return False
    from_view = body["type"] in ("view_submission", "view_closed") or container == "view"
    if from_view and slack_id(object_at(body, "view").get("id")) is None:
        return False
    actions = body.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        return False
    if body["type"] == "block_actions" and not actions:  # Bolt reads the first one
        return False
    return all(_is_action(action) for action in actions)


def _is_action(action: dict) -> bool:
    if not all(
        isinstance(action.get(name), str)
        for name in _ACTION_STRINGS
        if name in action or name == "action_id"
    ):
        return False
    option = action.get("selected_option")
    return option is None or isinstance(object_at(action, "selected_option").get("value"), str)
