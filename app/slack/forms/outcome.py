"""The /postcall modal: the outcome against the plan, with the next step and its date."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.domain.outcomes import (
    NOTES_MAX,
    Need,
    OutcomeField,
    OutcomeForm,
    asks_follow_through,
    next_step_need,
    promise_of,
)
from app.domain.plans import FIELD_LIMITS, OBJECTIVE_MAX, PlanField
from app.domain.text import member, row_id
from app.models import WHEN_TEXT_MAX, Interaction, InteractionKind, Outcome, Result
from app.slack.forms.fields import INPUT, form_modal, options, radio, select, text_input
from app.slack.forms.metadata import FormMetadata, ZoneName
from app.slack.forms.state import submitted_value
from app.slack.views.formatting import escape, quote, short_moment, slack_date, truncate
from app.slack.views.labels import (
    FOLLOW_THROUGH_LABELS,
    KIND_LABELS,
    LOST_REASON_LABELS,
    RESULT_LABELS,
)
from app.slack.views.nudges import NudgeItemRef

NOT_PLANNED = "not_planned"
PROMISE_DATE = "{date_long_pretty}"  # with its weekday: "by Tuesday, December 8th"
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
    LOST_REASON_BLOCK = "postcall_lost_reason"
    FOLLOW_THROUGH_BLOCK = "postcall_follow_through"
    INPUT = INPUT
    CHOOSE_INTERACTION = "postcall_choose"
    READ_NEXT_STEP_WHEN = "postcall_read_when"


BLOCK_FOR_FIELD = {
    OutcomeField.ACCOUNT: PostcallIds.ACCOUNT_BLOCK,
    OutcomeField.WHEN: PostcallIds.WHEN_BLOCK,
    OutcomeField.RESULT: PostcallIds.RESULT_BLOCK,
    OutcomeField.NEXT_STEP: PostcallIds.NEXT_STEP_BLOCK,
    OutcomeField.NEXT_STEP_WHEN: PostcallIds.NEXT_STEP_WHEN_BLOCK,
    OutcomeField.NOTES: PostcallIds.NOTES_BLOCK,
    OutcomeField.LOST_REASON: PostcallIds.LOST_REASON_BLOCK,
    OutcomeField.FOLLOW_THROUGH: PostcallIds.FOLLOW_THROUGH_BLOCK,
}
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


class PostcallMetadata(FormMetadata):
    """Carried in the modal: the rep's zone, the account the command named, which interaction
    the form is about and the key of its inputs."""

    zone: ZoneName
    locale: str | None = None  # the rep's Slack locale: the order of a numeric date
    named_account: str = ""  # offered with its open interactions, prefilled when not planned
    selected: str = NOT_PLANNED  # an interaction id, or NOT_PLANNED
    inputs: str = FRESH_INPUTS
    nudge: NudgeItemRef | None = None  # opened by a nudge item's Log outcome

    def about(self, selected: Interaction | None) -> PostcallMetadata:
        """The same form, about `selected` (None: an interaction that was not planned)."""
        return self.model_copy(
            update={
                "selected": str(selected.id) if selected else NOT_PLANNED,
                "inputs": inputs_key(selected),
            }
        )

    @property
    def interaction_id(self) -> int | None:
        return interaction_id_of(self.selected)


def interaction_id_of(choice: str) -> int | None:
    """The interaction a "Which interaction" option names (None: not planned)."""
    return row_id(choice)


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
    return form_modal(
        PostcallIds.CALLBACK,
        "Log an outcome",
        submit=None,
        blocks=[SectionBlock(text=message)],
    )


def _interaction_choice(choices: list[Interaction], metadata: PostcallMetadata) -> InputBlock:
    options_ = [Option(value=str(i.id), label=choice_label(i, metadata.zone)) for i in choices]
    options_.append(Option(value=NOT_PLANNED, label="Not planned: log one without a /precall"))
    chosen = metadata.selected if any(o.value == metadata.selected for o in options_) else None
    return select(
        PostcallIds.INTERACTION_BLOCK,
        "Which interaction",
        options_,
        initial=chosen or NOT_PLANNED,
        action_id=PostcallIds.CHOOSE_INTERACTION,
        dispatch=True,
        hint="Your recent interactions; ✓ marks those already logged.",
    )


def _plan_blocks(interaction: Interaction, zone: str) -> list[Block]:
    """The plan the outcome is against; for a follow-up, the customer's promise it is about."""
    promise = promise_of(interaction)
    parts = []
    if promise:
        by = f", by {slack_date(promise.due_at, zone, PROMISE_DATE)}" if promise.due_at else ""
        parts.append(f"*They agreed:* {escape(truncate(promise.next_step, 900))}{by}")
    if interaction.objective:
        parts.append(f"*You planned:*\n{quote(interaction.objective, 900)}")
        if interaction.minimum_commitment:
            parts.append(f"*Minimum acceptable:*\n{quote(interaction.minimum_commitment, 900)}")
    if not parts:
        return [
            ContextBlock(
                block_id=PostcallIds.PLAN_BLOCK,
                elements=[
                    MarkdownTextObject(text="No commitment objective was planned for this one.")
                ],
            )
        ]
    if promise and not interaction.objective:
        parts.append("Did they do it? Log what happened.")
    return [SectionBlock(block_id=PostcallIds.PLAN_BLOCK, text="\n".join(parts))]


def _unplanned_blocks(metadata: PostcallMetadata) -> list[Block]:
    return [
        text_input(
            keyed(PostcallIds.ACCOUNT_BLOCK, metadata),
            "Account or prospect",
            limit=FIELD_LIMITS[PlanField.ACCOUNT],
            initial=metadata.named_account,
            placeholder="e.g. Acme Corp",
        ),
        text_input(
            keyed(PostcallIds.WHEN_BLOCK, metadata),
            "When did it happen",
            limit=WHEN_TEXT_MAX,
            optional=True,
            placeholder="e.g. today 10am, yesterday 3pm (blank: just now)",
        ),
        radio(
            keyed(PostcallIds.KIND_BLOCK, metadata),
            "Kind of interaction",
            options(KIND_LABELS),
            initial=InteractionKind.MEETING,
        ),
    ]


def _result_options() -> list[Option]:
    return [
        Option(value=result.value, label=label, description=description)
        for result, (label, description) in RESULT_LABELS.items()
    ]


def _follow_through_and_reason(selected: Interaction | None, metadata: PostcallMetadata):
    """The customer's follow-through (a follow-up only) and why a deal was lost (optional)."""
    outcome = selected.outcome if selected else None
    blocks: list[Block] = []
    if selected is not None and asks_follow_through(selected):
        answer = outcome.follow_through if outcome else None
        blocks.append(
            radio(
                keyed(PostcallIds.FOLLOW_THROUGH_BLOCK, metadata),
                "Did they do what they agreed?",
                options(FOLLOW_THROUGH_LABELS),
                initial=answer.value if answer else None,
                optional=True,
                hint="What the customer agreed to at the interaction before this one.",
            )
        )
    reason = outcome.lost_reason if outcome else None
    blocks.append(
        radio(
            keyed(PostcallIds.LOST_REASON_BLOCK, metadata),
            "If lost, why?",
            options(LOST_REASON_LABELS),
            initial=reason.value if reason else None,
            optional=True,
        )
    )
    return blocks


def postcall_modal(
    choices: list[Interaction],
    selected: Interaction | None,
    metadata: PostcallMetadata,
    *,
    next_step_hint: str | None = None,
    result: str | None = None,
    notes: str | None = None,
) -> View:
    """The outcome form for `selected` (None: an interaction that was not planned); `result`:
    the outcome chosen so far (else the logged one), which decides what else the form asks;
    `notes`: what the notes open with when nothing is logged (a message's text)."""
    metadata = metadata.about(selected)
    outcome = selected.outcome if selected else None
    chosen = member(Result, result) or (outcome.result if outcome else None)
    blocks: list[Block] = [_interaction_choice(choices, metadata)]
    blocks += _plan_blocks(selected, metadata.zone) if selected else _unplanned_blocks(metadata)
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
    blocks.append(
        radio(
            keyed(PostcallIds.RESULT_BLOCK, metadata),
            "Outcome",
            _result_options(),
            initial=chosen.value if chosen else None,
            dispatch=True,  # the form shows what the chosen outcome needs (next_step_blocks)
        )
    )
    blocks += _follow_through_and_reason(selected, metadata)
    blocks += _next_step_blocks(chosen, outcome, metadata, next_step_hint)
    blocks.append(
        text_input(
            keyed(PostcallIds.NOTES_BLOCK, metadata),
            "Notes",
            limit=NOTES_MAX,
            initial=outcome.notes if outcome else truncate(notes or "", NOTES_MAX),
            optional=True,
            multiline=True,
        )
    )
    return form_modal(
        PostcallIds.CALLBACK,
        "Log an outcome",
        submit="Save outcome",
        metadata=metadata,
        blocks=blocks,
    )


# Under the next step, what it is for with the outcome chosen.
NEXT_STEP_HINTS = {
    Need.REQUIRED: "The dated customer action they agreed to: it becomes your follow-up.",
    Need.OPTIONAL: "Required for Advanced and Minimum. Won may note one (e.g. the kickoff); "
    "it is kept, not chased.",
}


def _next_step_blocks(
    result: Result | None,
    outcome: Outcome | None,
    metadata: PostcallMetadata,
    next_step_hint: str | None,
) -> list[Block]:
    """The next step and its date, required exactly when the chosen outcome needs them."""
    need = next_step_need(result)
    if need is Need.NONE:
        return []
    optional = need is not Need.REQUIRED
    date_hint = f"In your time zone, {metadata.zone}."
    if optional:
        date_hint = f"Required for Advanced and Minimum. {date_hint}"
    return [
        text_input(
            keyed(PostcallIds.NEXT_STEP_BLOCK, metadata),
            "Next step: what the customer agreed to do",
            limit=OBJECTIVE_MAX,
            initial=outcome.next_step if outcome else None,
            optional=optional,
            multiline=True,
            placeholder="e.g. Dana books the security review with their IT lead",
            hint=NEXT_STEP_HINTS[need],
        ),
        text_input(
            keyed(PostcallIds.NEXT_STEP_WHEN_BLOCK, metadata),
            "When",
            limit=WHEN_TEXT_MAX,
            initial=outcome.next_step_when_text if outcome else None,
            optional=optional,
            action_id=PostcallIds.READ_NEXT_STEP_WHEN,
            placeholder="e.g. next Tuesday 3pm, 12/15, EOW",
            hint=next_step_hint or date_hint,
            dispatch_on=["on_enter_pressed", "on_character_entered"],
        ),
    ]


def read(state_values: dict[str, Any], metadata: PostcallMetadata) -> OutcomeForm:
    """The outcome as submitted, from the inputs the form showed (see inputs_key)."""

    def value(block_id: PostcallIds, action_id: str = PostcallIds.INPUT) -> str | None:
        return submitted_value(state_values, keyed(block_id, metadata), action_id)

    return OutcomeForm(
        interaction_id=metadata.interaction_id,
        result=value(PostcallIds.RESULT_BLOCK),
        next_step=value(PostcallIds.NEXT_STEP_BLOCK),
        next_step_when=value(PostcallIds.NEXT_STEP_WHEN_BLOCK, PostcallIds.READ_NEXT_STEP_WHEN),
        notes=value(PostcallIds.NOTES_BLOCK),
        account=value(PostcallIds.ACCOUNT_BLOCK),
        when_text=value(PostcallIds.WHEN_BLOCK),
        kind=value(PostcallIds.KIND_BLOCK),
        lost_reason=value(PostcallIds.LOST_REASON_BLOCK),
        follow_through=value(PostcallIds.FOLLOW_THROUGH_BLOCK),
    )


def errors(field_errors: Mapping[OutcomeField, str], metadata: PostcallMetadata) -> dict[str, str]:
    """The check's problems, each at its input block as the form keyed it."""
    return {keyed(BLOCK_FOR_FIELD[name], metadata): text for name, text in field_errors.items()}
