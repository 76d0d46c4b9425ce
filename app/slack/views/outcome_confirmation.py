"""The DM that restates plan against outcome, and the next step with its date."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.outcomes import ENDS_CHAIN
from app.models import Interaction, Outcome, Result
from app.slack.views.formatting import escape, quote, slack_date, truncate
from app.slack.views.interaction_actions import InteractionIds, interaction_button
from app.slack.views.labels import RESULT_LABELS

HEADER_MAX = 150
CLOSING_NOTES = {
    Result.WON: "Deal closed. Well done.",
    Result.LOST: "This account's chain ends here; nothing more will be chased.",
    Result.CONTINUATION: ("No dated commitment yet: the morning nudge will remind you to get one."),
}
# A won deal's next step (the kickoff, say) is noted, but the chain is closed.
WON_NEXT_STEP_NOTE = (
    "Deal closed. Well done. The next step is noted here; nothing is chased after a win."
)


def outcome_confirmation(
    interaction: Interaction, outcome: Outcome, zone: str, *, updated: bool
) -> tuple[str, list[Block]]:
    """Notification text and blocks: "You planned … · Outcome: Advanced", then the next step."""
    account = interaction.account.name
    label = RESULT_LABELS[outcome.result][0]
    verb = "updated" if updated else "logged"
    planned = (
        f"*You planned:*\n{quote(interaction.objective, 1200)}"
        if interaction.objective
        else "*You planned:* nothing: next time, set a commitment objective with `/precall`."
    )
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Outcome {verb}: {account}", HEADER_MAX)),
        SectionBlock(text=f"{planned}\n*Outcome:* {label}"),
    ]
    text = f"Outcome {verb} for {escape(account)}: {label}"
    if outcome.next_step:
        next_step = f"*Next step:*\n{quote(outcome.next_step, 1200)}"
        if outcome.next_step_at:
            when_token = slack_date(outcome.next_step_at, zone)
            next_step += f"\n*When:* {when_token}"
            text += f". Next step {when_token}"
        blocks.append(SectionBlock(text=next_step))
    if outcome.notes:
        blocks.append(SectionBlock(text=f"*Notes:*\n{quote(outcome.notes, 2000)}"))
    closing_note = (
        WON_NEXT_STEP_NOTE
        if outcome.result is Result.WON and outcome.next_step
        else CLOSING_NOTES.get(outcome.result)
    )
    if closing_note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=closing_note)]))
    if outcome.result not in ENDS_CHAIN:
        blocks.append(
            ActionsBlock(
                elements=[
                    interaction_button(
                        InteractionIds.PLAN_NEXT_STEP,
                        "Plan the next step",
                        interaction.id,
                        style="primary",
                    )
                ]
            )
        )
    return text, blocks
