"""The /postcall modal: the outcome against the plan, with the next step and its date."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, replace

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from app.domain import when
from app.domain.outcomes import NOTES_MAX
from app.domain.plans import FIELD_LIMITS, OBJECTIVE_MAX, PlanField
from app.models import WHEN_TEXT_MAX, Interaction
from app.slack.views.formatting import quote, short_moment, truncate
from app.slack.views.labels import KIND_LABELS, RESULT_LABELS
from app.slack.views.nudge import NudgeItemRef

NOT_PLANNED = "not_planned"
OPTION_TEXT_MAX = 75


class PostcallIds(enum.StrEnum):
    CALLBACK = "postcall_outcome"
    INTERACTION_BLOCK = "postcall_interaction"
    PLAN_BLOCK = "postcall_plan"
    ACCOUNT_BLOCK = "postcall_account"
    WHEN_BLOCK = "postcall_when"
    KIND_BLOCK = "postcall_kind"
    RESULT_BLOCK = "postcall_result"
    NEXT_STEP_BLOCK = "postcall_next_step"
    NEXT_STEP_WHEN_BLOCK = "postcall_next_when"
    NOTES_BLOCK = "postcall_notes"
    INPUT = "value"
    CHOOSE_INTERACTION = "postcall_choose"
    READ_NEXT_STEP_WHEN = "postcall_read_when"


# The key of the inputs of an interaction with nothing logged yet, and of "Not planned".
FRESH_INPUTS = "new"


def inputs_key(selected: Interaction | None) -> str:
    """The key the form's input block ids carry for `selected`.

    Slack keeps what was typed in an input whose block_id and action_id survive a views.update
    (and then ignores its new initial value). Interactions with nothing logged share one key, so
    choosing another of them keeps what the rep typed; a logged outcome's inputs have a key of
    their own, so its saved values show, not what was typed for another interaction.
    """
    if selected is not None and selected.outcome is not None:
        return str(selected.id)
    return FRESH_INPUTS


@dataclass(frozen=True)
class PostcallMetadata:
    """Carried in the modal: the rep's zone, the account the command named, which interaction
    the form is about and the key of its inputs."""

    zone: str
    named_account: str = ""  # offered with its open interactions, prefilled when not planned
    selected: str = NOT_PLANNED  # an interaction id, or NOT_PLANNED
    inputs: str = FRESH_INPUTS
    nudge: NudgeItemRef | None = None  # opened by a nudge item's Log outcome

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> PostcallMetadata | None:
        try:
            data = json.loads(raw or "")
            return cls(
                zone=str(data["zone"]),
                named_account=str(data.get("named_account", "")),
                selected=str(data["selected"]),
                # A form opened before input keys existed keyed its inputs by the interaction.
                inputs=str(data.get("inputs", data["selected"])),
                nudge=NudgeItemRef.from_json(data.get("nudge")),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def about(self, selected: Interaction | None) -> PostcallMetadata:
        """The same form, about `selected` (None: an interaction that was not planned)."""
        return replace(
            self,
            selected=str(selected.id) if selected else NOT_PLANNED,
            inputs=inputs_key(selected),
        )

    @property
    def interaction_id(self) -> int | None:
        return interaction_id_of(self.selected)


def interaction_id_of(choice: str) -> int | None:
    """The interaction a "Which interaction" option names (None: not planned)."""
    return int(choice) if choice.isdigit() else None


def keyed(block_id: PostcallIds, metadata: PostcallMetadata) -> str:
    """An input's block id, with the key of the inputs the form shows (see inputs_key)."""
    return f"{block_id}.{metadata.inputs}"


def choice_label(interaction: Interaction, zone: str) -> str:
    moment = short_moment(interaction.scheduled_at, zone)
    mark = " ✓" if interaction.outcome else ""
    suffix = f" · {moment}{mark}"
    return truncate(interaction.account.name, OPTION_TEXT_MAX - len(suffix)) + suffix


def loading_modal(message: str = "Looking up your recent interactions…") -> View:
    """Opened at once, while the rep's interactions are looked up (or when that failed)."""
    return View(
        type="modal",
        callback_id=PostcallIds.CALLBACK,
        title="Log an outcome",
        close="Cancel",
        blocks=[SectionBlock(text=message)],
    )


def _text_input(
    block_id: str,
    label: str,
    *,
    limit: int,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    **element_options,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
        # Slack sends an element's actions only when its input block asks for them.
        dispatch_action="dispatch_action_config" in element_options,
        element=PlainTextInputElement(
            action_id=element_options.pop("action_id", PostcallIds.INPUT),
            initial_value=initial or None,
            max_length=limit,
            **element_options,
        ),
    )


def _interaction_choice(choices: list[Interaction], metadata: PostcallMetadata) -> InputBlock:
    not_planned = Option(value=NOT_PLANNED, label="Not planned: log one without a /precall")
    options = [Option(value=str(i.id), label=choice_label(i, metadata.zone)) for i in choices]
    options.append(not_planned)
    initial = next((o for o in options if o.value == metadata.selected), not_planned)
    return InputBlock(
        block_id=PostcallIds.INTERACTION_BLOCK,
        label="Which interaction",
        dispatch_action=True,
        element=StaticSelectElement(
            action_id=PostcallIds.CHOOSE_INTERACTION,
            options=options,
            initial_option=initial,
        ),
        hint=PlainTextObject(text="Your recent interactions; ✓ marks those already logged."),
    )


def _plan_blocks(interaction: Interaction) -> list[Block]:
    if not interaction.objective:
        return [
            ContextBlock(
                block_id=PostcallIds.PLAN_BLOCK,
                elements=[
                    MarkdownTextObject(text="No commitment objective was planned for this one.")
                ],
            )
        ]
    text = f"*You planned:*\n{quote(interaction.objective, 1400)}"
    if interaction.minimum_commitment:
        text += f"\n*Minimum acceptable:*\n{quote(interaction.minimum_commitment, 1400)}"
    return [SectionBlock(block_id=PostcallIds.PLAN_BLOCK, text=text)]


def _unplanned_blocks(metadata: PostcallMetadata) -> list[Block]:
    return [
        _text_input(
            keyed(PostcallIds.ACCOUNT_BLOCK, metadata),
            "Account or prospect",
            limit=FIELD_LIMITS[PlanField.ACCOUNT],
            initial=metadata.named_account,
            placeholder="e.g. Acme Corp",
        ),
        _text_input(
            keyed(PostcallIds.WHEN_BLOCK, metadata),
            "When did it happen",
            limit=WHEN_TEXT_MAX,
            optional=True,
            placeholder="e.g. today 10am, yesterday 3pm (blank: just now)",
        ),
        InputBlock(
            block_id=keyed(PostcallIds.KIND_BLOCK, metadata),
            label="Kind of interaction",
            element=RadioButtonsElement(
                action_id=PostcallIds.INPUT,
                options=[Option(value=k.value, label=label) for k, label in KIND_LABELS.items()],
                initial_option=Option(value="meeting", label=KIND_LABELS["meeting"]),
            ),
        ),
    ]


def _result_options() -> list[Option]:
    return [
        Option(value=result.value, label=label, description=description)
        for result, (label, description) in RESULT_LABELS.items()
    ]


def postcall_modal(
    choices: list[Interaction],
    selected: Interaction | None,
    metadata: PostcallMetadata,
    *,
    next_step_hint: str | None = None,
) -> View:
    """The outcome form for `selected` (None: an interaction that was not planned)."""
    metadata = metadata.about(selected)
    outcome = selected.outcome if selected else None
    blocks: list[Block] = [_interaction_choice(choices, metadata)]
    blocks += _plan_blocks(selected) if selected else _unplanned_blocks(metadata)
    if outcome:
        label = RESULT_LABELS[outcome.result][0]
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Already logged as *{label}*: saving updates it "
                        "(and moves its follow-up)."
                    )
                ]
            )
        )
    result_options = _result_options()
    initial_result = next(
        (o for o in result_options if outcome and o.value == outcome.result.value), None
    )
    blocks += [
        InputBlock(
            block_id=keyed(PostcallIds.RESULT_BLOCK, metadata),
            label="Outcome",
            element=RadioButtonsElement(
                action_id=PostcallIds.INPUT, options=result_options, initial_option=initial_result
            ),
        ),
        _text_input(
            keyed(PostcallIds.NEXT_STEP_BLOCK, metadata),
            "Next step: what the customer agreed to do",
            limit=OBJECTIVE_MAX,
            initial=outcome.next_step if outcome else None,
            optional=True,
            multiline=True,
            placeholder="e.g. Dana books the security review with their IT lead",
            # Slack marks it "(optional)" and cannot require it for some outcomes only.
            hint="Required for Advanced and Minimum. Won may note one (e.g. the kickoff); "
            "Continuation and Lost have none.",
        ),
        _text_input(
            keyed(PostcallIds.NEXT_STEP_WHEN_BLOCK, metadata),
            "When",
            limit=WHEN_TEXT_MAX,
            initial=outcome.next_step_when_text if outcome else None,
            optional=True,
            action_id=PostcallIds.READ_NEXT_STEP_WHEN,
            placeholder="e.g. next Tuesday 3pm, 12/15, EOW",
            hint=next_step_hint
            or f"Required for Advanced and Minimum. In your time zone, {metadata.zone}.",
            dispatch_action_config=DispatchActionConfig(
                trigger_actions_on=["on_enter_pressed", "on_character_entered"]
            ),
        ),
        _text_input(
            keyed(PostcallIds.NOTES_BLOCK, metadata),
            "Notes",
            limit=NOTES_MAX,
            initial=outcome.notes if outcome else None,
            optional=True,
            multiline=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=PostcallIds.CALLBACK,
        title="Log an outcome",
        submit="Save outcome",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=blocks,
    )


def reading_hint(reading: when.WhenReading) -> str:
    """What the product understood, shown under the field while the rep types."""
    if reading.ok and reading.at:
        return f"→ {when.describe(reading.at)}"
    return f"⚠ {reading.problem}"
