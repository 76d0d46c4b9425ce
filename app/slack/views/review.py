"""The coach's checklist of a commitment objective: in the pushed review and in the DMs."""

from __future__ import annotations

import enum

from slack_sdk.models.blocks import Block, SectionBlock

from app.domain.coaching import CRITERION_NAMES, Review
from app.slack.views.formatting import escape, quote, truncate


class ChecklistIds(enum.StrEnum):
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
            block_id=ChecklistIds.CHECKLIST_BLOCK, text=f"*Coach's review*\n{checklist(review)}"
        )
    ]
    if review.rewrite:
        blocks.append(
            SectionBlock(
                block_id=ChecklistIds.REWRITE_BLOCK,
                text=f"*For example:*\n{quote(review.rewrite, 1500)}",
            )
        )
    return blocks
