"""The /precall modal: plan an interaction and its commitment objective."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject
from slack_sdk.models.views import View

from app.domain.plans import FIELD_LIMITS, PlanField, PlanForm, PlanPrefill
from app.models import InteractionKind
from app.slack.forms.fields import (
    INPUT,
    block_errors,
    form_modal,
    options,
    radio,
    select,
    text_input,
)
from app.slack.forms.metadata import FormMetadata, SlackId, ZoneName
from app.slack.forms.state import submitted_value
from app.slack.views.formatting import escape
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
    ZONE_BLOCK = "precall_zone"
    HISTORY_BLOCK = "precall_history"
    INPUT = INPUT  # the one element of every input block


BLOCK_FOR_FIELD = {
    PlanField.ACCOUNT: PrecallIds.ACCOUNT_BLOCK,
    PlanField.KIND: PrecallIds.KIND_BLOCK,
    PlanField.WHEN: PrecallIds.WHEN_BLOCK,
    PlanField.STAGE: PrecallIds.STAGE_BLOCK,
    PlanField.OBJECTIVE: PrecallIds.OBJECTIVE_BLOCK,
    PlanField.MINIMUM: PrecallIds.MINIMUM_BLOCK,
}

OBJECTIVE_HINT = (
    "The specific, concrete action you want the customer to agree to, and when. "
    "Good: “Dana (CFO) agrees to a 30-minute pricing review on Tuesday.” "
    "Not: “Move the deal forward.”"
)


class PrecallMetadata(FormMetadata):
    """What the submission handler needs to know about the modal it receives."""

    zone: ZoneName | None = None
    channel_id: SlackId | None = None
    nudge: NudgeItemRef | None = None  # opened by a nudge item's Plan it


def precall_modal(
    prefill: PlanPrefill,
    metadata: PrecallMetadata,
    zone_text: str | None = None,
    history: str | None = None,
) -> View:
    """The planning form, pre-filled from the command text; `zone_text` once the zone is known,
    and `history` (the last outcome with this account, as mrkdwn) once the account is."""
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
    blocks: list[Block] = [
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
            PrecallIds.KIND_BLOCK,
            "Kind of interaction",
            options(KIND_LABELS),
            initial=prefill.kind or InteractionKind.MEETING,
        ),
        text_input(
            PrecallIds.WHEN_BLOCK,
            "When",
            initial=prefill.when_text,
            limit=FIELD_LIMITS[PlanField.WHEN],
            placeholder="e.g. tomorrow 2pm, Tue 10am, 12/15 3pm",
        ),
        ContextBlock(block_id=PrecallIds.ZONE_BLOCK, elements=[MarkdownTextObject(text=zone_note)]),
        select(
            PrecallIds.STAGE_BLOCK,
            "Stage of the sale",
            options(STAGE_LABELS),
            initial=prefill.stage,
            placeholder="Choose a stage",
        ),
        text_input(
            PrecallIds.OBJECTIVE_BLOCK,
            "Commitment objective",
            limit=FIELD_LIMITS[PlanField.OBJECTIVE],
            multiline=True,
            placeholder="What will the customer agree to do, and when?",
            hint=OBJECTIVE_HINT,
        ),
        text_input(
            PrecallIds.MINIMUM_BLOCK,
            "Minimum acceptable commitment",
            limit=FIELD_LIMITS[PlanField.MINIMUM],
            multiline=True,
            placeholder="Your fallback if the objective is out of reach",
            optional=True,
        ),
    ]
    return form_modal(
        PrecallIds.CALLBACK,
        "Plan an interaction",
        submit="Save plan",
        metadata=metadata,
        blocks=blocks,
    )


def read(state_values: dict[str, Any]) -> PlanForm:
    """The plan as submitted."""

    def value(block_id: PrecallIds) -> str | None:
        return submitted_value(state_values, block_id, PrecallIds.INPUT)

    return PlanForm(
        account=value(PrecallIds.ACCOUNT_BLOCK),
        kind=value(PrecallIds.KIND_BLOCK),
        when_text=value(PrecallIds.WHEN_BLOCK),
        stage=value(PrecallIds.STAGE_BLOCK),
        objective=value(PrecallIds.OBJECTIVE_BLOCK),
        minimum_commitment=value(PrecallIds.MINIMUM_BLOCK),
    )


def errors(field_errors: Mapping[PlanField, str]) -> dict[str, str]:
    """The check's problems, each at its input block."""
    return block_errors(BLOCK_FOR_FIELD, field_errors)
