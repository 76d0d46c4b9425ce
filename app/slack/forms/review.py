"""The coach's review, pushed over the /precall form when it holds the plan (see Review.holds)."""

from __future__ import annotations

import enum
from dataclasses import asdict, fields

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.domain.coaching import Review
from app.domain.plans import PlanForm
from app.slack.forms.fields import form_modal
from app.slack.forms.metadata import FormMetadata, RowId, SlackId, ZoneName
from app.slack.forms.plan import PrecallMetadata
from app.slack.views.formatting import quote
from app.slack.views.nudges import NudgeItemRef
from app.slack.views.review import checklist_blocks


class ReviewIds(enum.StrEnum):
    CALLBACK = "precall_review"  # submitted by "Back to edit"
    ACTIONS_BLOCK = "precall_review_actions"
    SAVE_ANYWAY = "precall_review_save_anyway"


PLAN_FIELDS = {field.name for field in fields(PlanForm)}


class ReviewMetadata(FormMetadata):
    """The whole form the review is about, so that "Save anyway" can check and save it."""

    zone: ZoneName
    locale: str | None = None  # the rep's Slack locale: the order of a numeric date
    channel_id: SlackId | None = None
    nudge: NudgeItemRef | None = None
    interaction_id: RowId | None = None  # the plan edited (see PrecallMetadata)
    offered: bool = False
    account: str | None = None
    kind: str | None = None
    when_text: str | None = None
    stage: str | None = None
    objective: str | None = None
    minimum_commitment: str | None = None
    decision_maker: str | None = None

    @classmethod
    def of(
        cls, zone: str, form: PlanForm, precall: PrecallMetadata, locale: str | None = None
    ) -> ReviewMetadata:
        return cls(
            zone=zone,
            locale=locale,
            channel_id=precall.channel_id,
            nudge=precall.nudge,
            interaction_id=precall.interaction_id,
            offered=precall.offered,
            **asdict(form),
        )

    @property
    def form(self) -> PlanForm:
        return PlanForm(**self.model_dump(include=PLAN_FIELDS))


def review_modal(objective: str, review: Review, metadata: ReviewMetadata) -> View:
    """Pushed over the /precall form. Going back to edit is the primary button (submitting it
    returns to the form with everything kept); "Save anyway" is the secondary one, a button in
    the review."""
    return form_modal(
        ReviewIds.CALLBACK,
        "Review your objective",
        submit="Back to edit",
        close="Cancel",
        metadata=metadata,
        blocks=[
            SectionBlock(text=f"*Your commitment objective*\n{quote(objective, 1500)}"),
            *checklist_blocks(review),
            ActionsBlock(
                block_id=ReviewIds.ACTIONS_BLOCK,
                elements=[ButtonElement(text="Save anyway", action_id=ReviewIds.SAVE_ANYWAY)],
            ),
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


def saved_anyway_modal() -> View:
    """What the review becomes once saved anyway: closing it closes the form below too."""
    return View(
        type="modal",
        title="Plan saved",
        close="Done",
        clear_on_close=True,
        blocks=[SectionBlock(text="Your plan is saved. The coach's review is in your DMs.")],
    )
