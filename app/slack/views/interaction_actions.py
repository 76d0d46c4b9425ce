"""The buttons every surface shows on one interaction, by one action id each whatever the
surface: the handler finds the interaction by the button's value, its id."""

from __future__ import annotations

import enum

from slack_sdk.models.blocks import ButtonElement

from app.domain.text import row_id


class InteractionIds(enum.StrEnum):
    EDIT_PLAN = "interaction_edit_plan"
    LOG_OUTCOME = "interaction_log_outcome"
    PLAN_NEXT_STEP = "interaction_plan_next_step"
    RESCHEDULE = "interaction_reschedule"
    CANCEL = "interaction_cancel"


def interaction_button(
    action: InteractionIds, text: str, interaction_id: int, *, style: str | None = None
) -> ButtonElement:
    """A button on the interaction `interaction_id` (its value: the id as a decimal string)."""
    return ButtonElement(text=text, action_id=action, value=str(interaction_id), style=style)


def interaction_id_of(value: object) -> int | None:
    """The interaction a button names; None for anything but a row id (a crafted value)."""
    return row_id(value)
