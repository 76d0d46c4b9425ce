"""The /coach managers modal: who may set up channel summaries."""

from __future__ import annotations

import enum
from typing import Any

from slack_sdk.models.views import View

from app.slack.forms.fields import INPUT, form_modal, users_select
from app.slack.forms.state import submitted_users


class ManagerIds(enum.StrEnum):
    CALLBACK = "summary_managers"
    USERS_BLOCK = "managers_users"
    INPUT = INPUT


def managers_modal(manager_ids: list[str]) -> View:
    return form_modal(
        ManagerIds.CALLBACK,
        "Managers",
        blocks=[
            users_select(
                ManagerIds.USERS_BLOCK,
                "Managers",
                initial=manager_ids,
                placeholder="Choose people",
                optional=True,  # removing everyone is a choice
                hint="Managers may set up channel summaries for the reps they choose.",
            )
        ],
    )


def read(state_values: dict[str, Any]) -> list[str]:
    """The people chosen as managers."""
    return submitted_users(state_values, ManagerIds.USERS_BLOCK, ManagerIds.INPUT)
