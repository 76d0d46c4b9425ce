"""Reading submitted values out of a view's state, whatever the input element; an element of
another shape than Slack's (a crafted payload) reads as nothing chosen, never as an error."""

from __future__ import annotations

from typing import Any

from app.slack.payloads import first_action, slack_id


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _element(state_values: object, block_id: str, action_id: str) -> dict[str, Any]:
    return _object(_object(_object(state_values).get(block_id)).get(action_id))


def state_values(view: object) -> dict[str, Any]:
    """A view's submitted state, block by block ({} when a payload gives none of that shape)."""
    return _object(_object(_object(view).get("state")).get("values"))


def submitted_value(state_values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    """The value of one input: typed text, or the chosen option's value, user or channel."""
    element = _element(state_values, block_id, action_id)
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        return _text(_object(element.get("selected_option")).get("value"))
    if kind == "users_select":
        return slack_id(element.get("selected_user"))
    if kind in ("conversations_select", "channels_select"):
        return slack_id(element.get("selected_conversation") or element.get("selected_channel"))
    if kind == "datepicker":
        return _text(element.get("selected_date"))
    if kind == "timepicker":
        return _text(element.get("selected_time"))
    return _text(element.get("value"))


def submitted_choices(state_values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """The values of the options chosen in checkboxes or a multi-select (a string where
    Slack sends a list is nothing chosen, not a list of its characters)."""
    options = _element(state_values, block_id, action_id).get("selected_options")
    if not isinstance(options, list):
        return []
    values = [_text(_object(option).get("value")) for option in options]
    return [value for value in values if value is not None]


def submitted_users(state_values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """The users chosen in a multi users select: ids of Slack's shape only."""
    users = _element(state_values, block_id, action_id).get("selected_users")
    if not isinstance(users, list):
        return []
    return [user for user in map(slack_id, users) if user]


def clicked_value(body: dict[str, Any]) -> str:
    """The value of the button a block_actions payload is about ("" when it has none)."""
    value = first_action(body).get("value")
    return value if isinstance(value, str) else ""
