"""Reading submitted values out of a view's state, whatever the input element."""

from __future__ import annotations

from typing import Any


def submitted_value(state_values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    """The value of one input: typed text, or the chosen option's value, user or channel."""
    element = (state_values.get(block_id) or {}).get(action_id) or {}
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        return (element.get("selected_option") or {}).get("value")
    if kind == "users_select":
        return element.get("selected_user")
    if kind in ("conversations_select", "channels_select"):
        return element.get("selected_conversation") or element.get("selected_channel")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    value = element.get("value")
    return value if isinstance(value, str) else None


def submitted_choices(state_values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """The values of the options chosen in checkboxes or a multi-select."""
    element = (state_values.get(block_id) or {}).get(action_id) or {}
    return [option.get("value") for option in element.get("selected_options") or []]


def submitted_users(state_values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """The users chosen in a multi users select."""
    element = (state_values.get(block_id) or {}).get(action_id) or {}
    return [user for user in element.get("selected_users") or [] if isinstance(user, str)]


def clicked_value(body: dict[str, Any]) -> str:
    """The value of the button a block_actions payload is about ("" when it has none)."""
    actions = body.get("actions") or [{}]
    value = actions[0].get("value") if isinstance(actions[0], dict) else None
    return value if isinstance(value, str) else ""
