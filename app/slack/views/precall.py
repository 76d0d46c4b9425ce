"""The /precall modal: plan an interaction and its commitment objective."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from app.domain.plans import FIELD_LIMITS, PlanField, PlanForm, PlanPrefill
from app.models import InteractionKind
from app.slack.views.labels import KIND_LABELS, STAGE_LABELS
from app.slack.views.nudge import NudgeItemRef


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
    INPUT = "value"  # the one element of every input block


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


@dataclass(frozen=True)
class PrecallMetadata:
    """What the submission handler needs to know about the modal it receives."""

    zone: str | None = None
    channel_id: str | None = None
    nudge: NudgeItemRef | None = None  # opened by a nudge item's Plan it

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> PrecallMetadata:
        try:
            data = json.loads(raw or "{}")
            return cls(
                zone=data.get("zone"),
                channel_id=data.get("channel_id"),
                nudge=NudgeItemRef.from_json(data.get("nudge")),
            )
        except (ValueError, AttributeError):
            return cls()


@dataclass(frozen=True)
class ReviewMetadata:
    """Carried by the pushed review view: the whole form, so "Save anyway" can save it."""

    zone: str
    channel_id: str | None
    form: PlanForm
    nudge: NudgeItemRef | None = None

    def to_json(self) -> str:
        # Unescaped text keeps the largest plan within private_metadata's 3,000 characters.
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> ReviewMetadata | None:
        try:
            data = json.loads(raw or "")
            return cls(
                data["zone"],
                data.get("channel_id"),
                PlanForm(**data["form"]),
                NudgeItemRef.from_json(data.get("nudge")),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _options(labels: dict) -> list[Option]:
    return [Option(value=member.value, label=label) for member, label in labels.items()]


def _option_for(labels: dict, member) -> Option | None:
    return Option(value=member.value, label=labels[member]) if member else None


def _text_input(
    block_id: str, label: str, *, initial: str | None, limit: int, **element_options
) -> dict:
    return {
        "block_id": block_id,
        "label": label,
        "element": PlainTextInputElement(
            action_id=PrecallIds.INPUT,
            initial_value=initial or None,
            max_length=limit,
            **element_options,
        ),
    }


def precall_modal(
    prefill: PlanPrefill,
    metadata: PrecallMetadata,
    zone_text: str | None = None,
    history: str | None = None,
) -> View:
    """The planning form, pre-filled from the command text; `zone_text` once the zone is known,
    and `history` (the last outcome with this account) once the account is."""
    zone_note = (
        f"Times are read in your Slack time zone, *{zone_text}*."
        if zone_text
        else "Times are read in your Slack time zone."
    )
    blocks = [
        InputBlock(
            **_text_input(
                PrecallIds.ACCOUNT_BLOCK,
                "Account or prospect",
                initial=prefill.account,
                limit=FIELD_LIMITS[PlanField.ACCOUNT],
                placeholder="e.g. Acme Corp",
                dispatch_action_config=DispatchActionConfig(
                    trigger_actions_on=["on_enter_pressed"]
                ),
            ),
            dispatch_action=True,
        ),
        *(
            [
                ContextBlock(
                    block_id=PrecallIds.HISTORY_BLOCK, elements=[MarkdownTextObject(text=history)]
                )
            ]
            if history
            else []
        ),
        InputBlock(
            block_id=PrecallIds.KIND_BLOCK,
            label="Kind of interaction",
            element=RadioButtonsElement(
                action_id=PrecallIds.INPUT,
                options=_options(KIND_LABELS),
                initial_option=_option_for(KIND_LABELS, prefill.kind or InteractionKind.MEETING),
            ),
        ),
        InputBlock(
            **_text_input(
                PrecallIds.WHEN_BLOCK,
                "When",
                initial=prefill.when_text,
                limit=FIELD_LIMITS[PlanField.WHEN],
                placeholder="e.g. tomorrow 2pm, Tue 10am, 12/15 3pm",
            ),
        ),
        ContextBlock(block_id=PrecallIds.ZONE_BLOCK, elements=[MarkdownTextObject(text=zone_note)]),
        InputBlock(
            block_id=PrecallIds.STAGE_BLOCK,
            label="Stage of the sale",
            element=StaticSelectElement(
                action_id=PrecallIds.INPUT,
                placeholder="Choose a stage",
                options=_options(STAGE_LABELS),
                initial_option=_option_for(STAGE_LABELS, prefill.stage),
            ),
        ),
        InputBlock(
            **_text_input(
                PrecallIds.OBJECTIVE_BLOCK,
                "Commitment objective",
                initial=None,
                limit=FIELD_LIMITS[PlanField.OBJECTIVE],
                multiline=True,
                placeholder="What will the customer agree to do, and when?",
            ),
            hint=PlainTextObject(text=OBJECTIVE_HINT),
        ),
        InputBlock(
            **_text_input(
                PrecallIds.MINIMUM_BLOCK,
                "Minimum acceptable commitment",
                initial=None,
                limit=FIELD_LIMITS[PlanField.MINIMUM],
                multiline=True,
                placeholder="Your fallback if the objective is out of reach",
            ),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=PrecallIds.CALLBACK,
        title="Plan an interaction",
        submit="Save plan",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=blocks,
    )
