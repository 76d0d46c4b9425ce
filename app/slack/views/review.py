"""The coach's review of a commitment objective: a pushed view, and the checklist in DMs."""

from __future__ import annotations

import enum

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from app.domain.coaching import CRITERION_NAMES, Review
from app.slack.views.formatting import escape, quote, truncate


class ReviewIds(enum.StrEnum):
    CALLBACK = "precall_review"
    CHECKLIST_BLOCK = "review_checklist"
    REWRITE_BLOCK = "review_rewrite"


def checklist(review: Review) -> str:
    """One line per criterion: ✅ and its name, or ⚠️, its name and what to change."""
    lines = []
    for result in review.results:
        name = CRITERION_NAMES[result.criterion]
        if result.passed:
            lines.append(f"✅ *{name}*")
        else:
            lines.append(f"⚠️ *{name}*: {escape(result.suggestion or '')}")
    return truncate("\n".join(lines), 2900)


def checklist_blocks(review: Review) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(
            block_id=ReviewIds.CHECKLIST_BLOCK, text=f"*Coach's review*\n{checklist(review)}"
        )
    ]
    if review.rewrite:
        blocks.append(
            SectionBlock(
                block_id=ReviewIds.REWRITE_BLOCK,
                text=f"*For example:*\n{quote(review.rewrite, 1500)}",
            )
        )
    return blocks


def review_modal(objective: str, review: Review, private_metadata: str) -> View:
    """Pushed over the /precall form: closing it returns to the form with everything kept."""
    return View(
        type="modal",
        callback_id=ReviewIds.CALLBACK,
        title="Review your objective",
        submit="Save anyway",
        close="Back to edit",
        private_metadata=private_metadata,
        blocks=[
            SectionBlock(text=f"*Your commitment objective*\n{quote(objective, 1500)}"),
            *checklist_blocks(review),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="A strong objective is a customer action, specific and dated. "
                        "*Back to edit* keeps what you typed; *Save anyway* keeps the plan as is."
                    )
                ]
            ),
        ],
    )
