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
