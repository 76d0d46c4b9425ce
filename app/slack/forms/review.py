"""The coach's review, pushed over the /precall form when the objective is weak."""

from __future__ import annotations

import enum
from dataclasses import asdict, fields

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from app.domain.coaching import Review
from app.domain.plans import PlanForm
from app.slack.forms.fields import form_modal
from app.slack.forms.metadata import FormMetadata, SlackId, ZoneName
from app.slack.views.formatting import quote
from app.slack.views.nudges import NudgeItemRef
from app.slack.views.review import checklist_blocks


class ReviewIds(enum.StrEnum):
    CALLBACK = "precall_review"


PLAN_FIELDS = {field.name for field in fields(PlanForm)}


class ReviewMetadata(FormMetadata):
    """The whole form the review is about, so that "Save anyway" can check and save it."""

    zone: ZoneName
    channel_id: SlackId | None = None
    nudge: NudgeItemRef | None = None
    account: str | None = None
    kind: str | None = None
    when_text: str | None = None
    stage: str | None = None
    objective: str | None = None
    minimum_commitment: str | None = None

    @classmethod
    def of(
        cls, zone: str, channel_id: str | None, form: PlanForm, nudge: NudgeItemRef | None
    ) -> ReviewMetadata:
        return cls(zone=zone, channel_id=channel_id, nudge=nudge, **asdict(form))

    @property
    def form(self) -> PlanForm:
        return PlanForm(**self.model_dump(include=PLAN_FIELDS))


def review_modal(objective: str, review: Review, metadata: ReviewMetadata) -> View:
    """Pushed over the /precall form: closing it returns to the form with everything kept."""
    return form_modal(
        ReviewIds.CALLBACK,
        "Review your objective",
        submit="Save anyway",
        close="Back to edit",
        metadata=metadata,
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
