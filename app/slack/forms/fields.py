"""What every form builds the same way: its modal, and inputs of text, choices, people, channels."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from app.domain import dates
from app.slack.forms.metadata import FormMetadata

F = TypeVar("F", bound=enum.StrEnum)
INPUT = "value"  # the action id of an input block's one element, unless it dispatches actions


def form_modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = "Save",
    close: str = "Cancel",
    metadata: FormMetadata | None = None,
) -> View:
    """A form's modal: submitted to `callback_id`'s listener with `metadata` (if any)."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=close,
        private_metadata=metadata.to_metadata() if metadata else None,
        blocks=blocks,
    )


def options(labels: Mapping[Any, str]) -> list[Option]:
    """One option per (value, label), in order."""
    return [Option(value=str(value), label=label) for value, label in labels.items()]


def _chosen(choices: list[Option], value: str | None) -> Option | None:
    return next((option for option in choices if option.value == value), None)


def _input(
    block_id: str,
    label: str,
    element,
    *,
    optional: bool = False,
    hint: str | None = None,
    dispatch: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=element,
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
        # Slack sends an element's actions only when its input block asks for them.
        dispatch_action=dispatch,
    )


def text_input(
    block_id: str,
    label: str,
    *,
    limit: int,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    action_id: str = INPUT,
    dispatch_on: list[str] | None = None,
) -> InputBlock:
    """A text input; `dispatch_on` names the moments its action is sent (e.g. on enter)."""
    element = PlainTextInputElement(
        action_id=action_id,
        initial_value=initial or None,
        max_length=limit,
        multiline=multiline or None,
        placeholder=placeholder,
        dispatch_action_config=DispatchActionConfig(trigger_actions_on=dispatch_on)
        if dispatch_on
        else None,
    )
    return _input(
        block_id, label, element, optional=optional, hint=hint, dispatch=bool(dispatch_on)
    )


def select(
    block_id: str,
    label: str,
    choices: list[Option],
    *,
    initial: str | None = None,
    placeholder: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    action_id: str = INPUT,
    dispatch: bool = False,
) -> InputBlock:
    """A static select of `choices`, `initial` chosen (by value) if given."""
    element = StaticSelectElement(
        action_id=action_id,
        placeholder=placeholder,
        options=choices,
        initial_option=_chosen(choices, initial),
    )
    return _input(block_id, label, element, optional=optional, hint=hint, dispatch=dispatch)


def radio(
    block_id: str,
    label: str,
    choices: list[Option],
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    dispatch: bool = False,
) -> InputBlock:
    """Radio buttons of `choices`, `initial` chosen (by value) if given; `dispatch` sends an
    action on every choice (for a form that changes with it)."""
    element = RadioButtonsElement(
        action_id=INPUT, options=choices, initial_option=_chosen(choices, initial)
    )
    return _input(block_id, label, element, optional=optional, hint=hint, dispatch=dispatch)


def checkboxes(
    block_id: str,
    label: str,
    choices: list[Option],
    *,
    initial: set[str],
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    element = CheckboxesElement(
        action_id=INPUT,
        options=choices,
        initial_options=[option for option in choices if option.value in initial] or None,
    )
    return _input(block_id, label, element, optional=optional, hint=hint)


def users_select(
    block_id: str,
    label: str,
    *,
    initial: list[str] | None,
    placeholder: str,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    """A multi users select."""
    element = UserMultiSelectElement(
        action_id=INPUT, placeholder=placeholder, initial_users=initial or None
    )
    return _input(block_id, label, element, optional=optional, hint=hint)


def channel_select(
    block_id: str, label: str, *, initial: str | None, placeholder: str, hint: str | None = None
) -> InputBlock:
    """A public or private channel (no DMs with bots)."""
    element = ConversationSelectElement(
        action_id=INPUT,
        placeholder=placeholder,
        initial_conversation=initial,
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    return _input(block_id, label, element, hint=hint)


def block_errors(block_for_field: Mapping[F, str], field_errors: Mapping[F, str]) -> dict[str, str]:
    """A check's field errors as Slack's `errors` answer, keyed by input block id."""
    return {block_for_field[name]: message for name, message in field_errors.items()}


def reading_hint(reading: dates.WhenReading) -> str:
    """What the product understood, shown under a When field while the rep types: the month in
    words, so a numeric date shows which way it was read."""
    if reading.ok and reading.at:
        return f"→ {dates.describe(reading.at)}"
    return f"⚠ {reading.problem}"
