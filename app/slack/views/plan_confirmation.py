"""The DM that confirms a saved plan by restating it."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.coaching import Review
from app.models import Interaction
from app.slack.views.formatting import escape, quote, slack_date, truncate
from app.slack.views.interaction_actions import InteractionIds, interaction_button
from app.slack.views.labels import KIND_LABELS, STAGE_LABELS
from app.slack.views.review import checklist_blocks

HEADER_MAX = 150


def plan_confirmation(
    interaction: Interaction, review: Review, zone: str, *, updated: bool
) -> tuple[str, list[Block]]:
    """Notification text and blocks restating the plan and the coach's checklist."""
    account = interaction.account.name
    when_token = slack_date(interaction.scheduled_at, zone)
    verb = "updated" if updated else "saved"
    text = f"Plan {verb} for {escape(account)}, {when_token}"
    fields = [
        MarkdownTextObject(text=f"*When*\n{when_token}"),
        MarkdownTextObject(text=f"*Kind*\n{KIND_LABELS[interaction.kind]}"),
    ]
    if interaction.stage:
        fields.append(MarkdownTextObject(text=f"*Stage*\n{STAGE_LABELS[interaction.stage]}"))
    if interaction.decision_maker:
        decider = escape(truncate(interaction.decision_maker, 200))
        fields.append(MarkdownTextObject(text=f"*Decision maker*\n{decider}"))
    minimum = interaction.minimum_commitment
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Plan {verb}: {account}", HEADER_MAX)),
        SectionBlock(fields=fields),
        SectionBlock(text=f"*Commitment objective*\n{quote(interaction.objective or '')}"),
        SectionBlock(
            text="*Minimum acceptable commitment*\n"
            + (quote(minimum) if minimum else "_None set: decide your fallback before you go in._")
        ),
        *checklist_blocks(review),
        ActionsBlock(
            elements=[
                interaction_button(InteractionIds.EDIT_PLAN, "Edit plan", interaction.id),
                interaction_button(
                    InteractionIds.LOG_OUTCOME, "Log outcome", interaction.id, style="primary"
                ),
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Afterwards, log what the customer agreed to here or with `/postcall`."
                )
            ]
        ),
    ]
    return text, blocks
