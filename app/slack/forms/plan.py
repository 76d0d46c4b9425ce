"""The /precall modal: plan an interaction and its commitment objective."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.domain.enums import InteractionKind
from app.domain.plans import FIELD_LIMITS, PlanField, PlanForm, PlanPrefill
from app.models import Interaction
from app.slack.forms.fields import (
    INPUT,
    block_errors,
    form_modal,
    options,
    radio,
    select,
    text_input,
)
from app.slack.forms.metadata import FormMetadata, RowId, SlackId, ZoneName
from app.slack.forms.state import submitted_value
from app.slack.views.formatting import escape, short_moment, truncate
from app.slack.views.labels import KIND_LABELS, STAGE_LABELS
from app.slack.views.nudges import NudgeItemRef


class PrecallIds(enum.StrEnum):
    CALLBACK = "precall_plan"
    ACCOUNT_BLOCK = "precall_account"
    KIND_BLOCK = "precall_kind"
    WHEN_BLOCK = "precall_when"
    STAGE_BLOCK = "precall_stage"
    OBJECTIVE_BLOCK = "precall_objective"
    MINIMUM_BLOCK = "precall_minimum"
    DECISION_MAKER_BLOCK = "precall_decision_maker"  # typed
    DECISION_MAKER_CHOICE_BLOCK = "precall_decision_maker_choice"  # a meeting's attendees
    ZONE_BLOCK = "precall_zone"
    HISTORY_BLOCK = "precall_history"
    INTERACTION_BLOCK = "precall_interaction"
    INPUT = INPUT  # the one element of every input block
    CHOOSE_INTERACTION = "precall_choose"
    PAST_BLOCK = "precall_past"
    LOG_OUTCOME_INSTEAD = "precall_log_outcome_instead"  # value: the account typed


# The "Which interaction" option of a plan for a new interaction; also the key of its inputs.
NEW_PLAN = "new"


BLOCK_FOR_FIELD = {
    PlanField.ACCOUNT: PrecallIds.ACCOUNT_BLOCK,
    PlanField.KIND: PrecallIds.KIND_BLOCK,
    PlanField.WHEN: PrecallIds.WHEN_BLOCK,
    PlanField.STAGE: PrecallIds.STAGE_BLOCK,
    PlanField.OBJECTIVE: PrecallIds.OBJECTIVE_BLOCK,
    PlanField.MINIMUM: PrecallIds.MINIMUM_BLOCK,
    PlanField.DECISION_MAKER: PrecallIds.DECISION_MAKER_BLOCK,
}

OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150  # Slack's limit on an option's value

OBJECTIVE_HINT = (
    "The specific, concrete action you want the customer to agree to, and when. "
    "Good: “Dana (CFO) agrees to a 30-minute pricing review on Tuesday.” "
    "Not: “Move the deal forward.”"
)


class PrecallMetadata(FormMetadata):
    """What the submission handler needs to know about the modal it receives."""

    zone: ZoneName | None = None
    locale: str | None = None  # the rep's Slack locale: the order of a numeric date
    channel_id: SlackId | None = None
    nudge: NudgeItemRef | None = None  # opened by a nudge item's Plan it
    # The interaction whose plan the form edits (Edit plan, or an upcoming one chosen in the
    # form); None: a plan for a new interaction.
    interaction_id: RowId | None = None
    # True when the form chose it itself, as the account's upcoming interaction: a plan for
    # another account is then a plan for a new interaction (see plans.save_plan).
    offered: bool = False

    @property
    def inputs(self) -> str:
        """The key of the plan's inputs: Slack keeps what was typed in an input whose block id
        survives a views.update, so each interaction's plan shows in inputs of its own."""
        return str(self.interaction_id) if self.interaction_id is not None else NEW_PLAN


def keyed(block_id: str, metadata: PrecallMetadata) -> str:
    """An input's block id for the interaction the form is about (plain for a new plan)."""
    if block_id is PrecallIds.ACCOUNT_BLOCK or metadata.interaction_id is None:
        return block_id
    return f"{block_id}.{metadata.inputs}"


def _interaction_choice(
    choices: list[Interaction], metadata: PrecallMetadata, zone: str
) -> InputBlock:
    """The account's upcoming interactions, so a second plan for one updates it."""
    options_ = [
        Option(value=str(interaction.id), label=_choice_label(interaction, zone))
        for interaction in choices
    ]
    options_.append(Option(value=NEW_PLAN, label="Plan a new one"))
    return select(
        PrecallIds.INTERACTION_BLOCK,
        "Which interaction",
        options_,
        initial=metadata.inputs,
        action_id=PrecallIds.CHOOSE_INTERACTION,
        dispatch=True,
        hint="You already have these coming up with this account: saving updates the one chosen.",
    )


def _choice_label(interaction: Interaction, zone: str) -> str:
    status = "planned" if interaction.objective else "no plan yet"
    suffix = f" · {KIND_LABELS[interaction.kind].lower()} · {status}"
    return truncate(short_moment(interaction.scheduled_at, zone) + suffix, OPTION_TEXT_MAX)


def precall_modal(
    prefill: PlanPrefill,
    metadata: PrecallMetadata,
    zone_text: str | None = None,
    history: str | None = None,
    when_hint: str | None = None,
    choices: list[Interaction] | None = None,
    past: bool = False,
) -> View:
    """The planning form, pre-filled from the command text or a saved plan; `zone_text` once
    the zone is known, `history` (the last outcome with this account, as mrkdwn) once the
    account is, `when_hint`: what was read from When as the rep typed it, `choices`: the
    account's upcoming interactions, offered before a new one, and `past`: When reads as a time
    gone by, so the form offers to log the outcome instead.

    The offer is a button under When, put there by the read-back as the rep types: a
    submission's inline errors cannot carry one, and the error that refuses a past plan names
    it ("Log the outcome instead"), so the refusal and the way out show together."""
    zone_note = (
        f"Times are read in your Slack time zone, *{escape(zone_text)}*."
        if zone_text
        else "Times are read in your Slack time zone."
    )
    history_blocks: list[Block] = (
        [
            ContextBlock(
                block_id=PrecallIds.HISTORY_BLOCK, elements=[MarkdownTextObject(text=history)]
            )
        ]
        if history
        else []
    )
    choice_blocks: list[Block] = (
        [_interaction_choice(choices, metadata, metadata.zone or "UTC")] if choices else []
    )
    blocks: list[Block] = [
        *choice_blocks,
        text_input(
            PrecallIds.ACCOUNT_BLOCK,
            "Account or prospect",
            initial=prefill.account,
            limit=FIELD_LIMITS[PlanField.ACCOUNT],
            placeholder="e.g. Acme Corp",
            dispatch_on=["on_enter_pressed"],
        ),
        *history_blocks,
        radio(
            keyed(PrecallIds.KIND_BLOCK, metadata),
            "Kind of interaction",
            options(KIND_LABELS),
            initial=prefill.kind or InteractionKind.MEETING,
        ),
        text_input(
            keyed(PrecallIds.WHEN_BLOCK, metadata),
            "When",
            initial=prefill.when_text,
            limit=FIELD_LIMITS[PlanField.WHEN],
            placeholder="e.g. tomorrow 2pm, Tue 10am, 12/15 3pm",
            hint=when_hint,
            # What was understood is shown as the rep types (handle_when_typed).
            dispatch_on=["on_enter_pressed", "on_character_entered"],
        ),
        *([_log_outcome_instead(prefill.account)] if past else []),
        ContextBlock(block_id=PrecallIds.ZONE_BLOCK, elements=[MarkdownTextObject(text=zone_note)]),
        select(
            keyed(PrecallIds.STAGE_BLOCK, metadata),
            "Stage of the sale",
            options(STAGE_LABELS),
            initial=prefill.stage,
            placeholder="Choose a stage",
        ),
        text_input(
            keyed(PrecallIds.OBJECTIVE_BLOCK, metadata),
            "Commitment objective",
            initial=prefill.objective,
            limit=FIELD_LIMITS[PlanField.OBJECTIVE],
            multiline=True,
            placeholder="What will the customer agree to do, and when?",
            hint=OBJECTIVE_HINT,
        ),
        text_input(
            keyed(PrecallIds.MINIMUM_BLOCK, metadata),
            "Minimum acceptable commitment",
            initial=prefill.minimum_commitment,
            limit=FIELD_LIMITS[PlanField.MINIMUM],
            multiline=True,
            placeholder="Your fallback if the objective is out of reach",
            optional=True,
        ),
        _decision_maker(prefill, metadata),
    ]
    editing = metadata.interaction_id is not None and prefill.objective
    return form_modal(
        PrecallIds.CALLBACK,
        "Edit the plan" if editing else "Plan an interaction",
        submit="Save plan",
        metadata=metadata,
        blocks=blocks,
    )


def _decision_maker(prefill: PlanPrefill, metadata: PrecallMetadata) -> InputBlock:
    """Who decides on the customer's side: one of a calendar meeting's external attendees,
    otherwise typed. Blocks of their own, so Slack never keeps one's state for the other."""
    label, placeholder = "Decision maker", "Who decides on their side?"
    if prefill.decision_makers:
        offered = list(prefill.decision_makers)
        if prefill.decision_maker and prefill.decision_maker not in offered:
            offered.append(prefill.decision_maker)
        return select(
            keyed(PrecallIds.DECISION_MAKER_CHOICE_BLOCK, metadata),
            label,
            [
                Option(
                    value=truncate(name, OPTION_VALUE_MAX), label=truncate(name, OPTION_TEXT_MAX)
                )
                for name in offered
            ],
            initial=prefill.decision_maker,
            placeholder=placeholder,
            optional=True,
            hint="The meeting's attendees from outside the company.",
        )
    return text_input(
        keyed(PrecallIds.DECISION_MAKER_BLOCK, metadata),
        label,
        initial=prefill.decision_maker,
        limit=FIELD_LIMITS[PlanField.DECISION_MAKER],
        placeholder=f"{placeholder} e.g. Dana Wu (CFO)",
        optional=True,
    )


def _log_outcome_instead(account: str | None) -> ActionsBlock:
    return ActionsBlock(
        block_id=PrecallIds.PAST_BLOCK,
        elements=[
            ButtonElement(
                text="Log the outcome instead",
                action_id=PrecallIds.LOG_OUTCOME_INSTEAD,
                value=account or None,
                style="primary",
            )
        ],
    )


def loading_modal() -> View:
    """Opened at once where the form's account must be looked up first (a message's)."""
    return form_modal(
        PrecallIds.CALLBACK,
        "Plan an interaction",
        submit=None,
        blocks=[SectionBlock(text="Looking up the account…")],
    )


def read(state_values: dict[str, Any], metadata: PrecallMetadata) -> PlanForm:
    """The plan as submitted, from the inputs the form showed (see PrecallMetadata.inputs)."""

    def value(block_id: PrecallIds) -> str | None:
        return submitted_value(state_values, keyed(block_id, metadata), PrecallIds.INPUT)

    return PlanForm(
        account=value(PrecallIds.ACCOUNT_BLOCK),
        kind=value(PrecallIds.KIND_BLOCK),
        when_text=value(PrecallIds.WHEN_BLOCK),
        stage=value(PrecallIds.STAGE_BLOCK),
        objective=value(PrecallIds.OBJECTIVE_BLOCK),
        minimum_commitment=value(PrecallIds.MINIMUM_BLOCK),
        decision_maker=value(PrecallIds.DECISION_MAKER_CHOICE_BLOCK)
        or value(PrecallIds.DECISION_MAKER_BLOCK),
    )


def errors(field_errors: Mapping[PlanField, str], metadata: PrecallMetadata) -> dict[str, str]:
    """The check's problems, each at its input block as the form keyed it."""
    return {
        keyed(block, metadata): message
        for block, message in block_errors(BLOCK_FOR_FIELD, field_errors).items()
    }
