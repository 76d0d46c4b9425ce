"""The Cancel modal: why the interaction will not happen."""

from __future__ import annotations

import enum
from typing import Any

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from app.models import CancelReason
from app.slack.forms.fields import form_modal, options, radio
from app.slack.forms.metadata import InteractionFormMetadata
from app.slack.forms.state import submitted_value
from app.slack.views.formatting import escape, slack_date, truncate

CANCEL_REASON_LABELS = {
    CancelReason.CUSTOMER: "The customer cancelled",
    CancelReason.US: "We cancelled",
    CancelReason.NOT_NEEDED: "No longer needed",
}


class CancelIds(enum.StrEnum):
    CALLBACK = "interaction_cancel_form"
    REASON_BLOCK = "cancel_reason"


class CancelMetadata(InteractionFormMetadata):
    v: int = 1


def cancel_modal(metadata: CancelMetadata) -> View:
    when = slack_date(metadata.scheduled_at, metadata.zone, "{date_long_pretty} at {time}")
    return form_modal(
        CancelIds.CALLBACK,
        "Cancel interaction",
        submit="Cancel it",
        close="Keep it",
        metadata=metadata,
        blocks=[
            SectionBlock(
                text=f"*{escape(truncate(metadata.account, 120))}*, {when}. A cancelled "
                "interaction is not chased and does not count as lost."
            ),
            radio(CancelIds.REASON_BLOCK, "Why?", options(CANCEL_REASON_LABELS)),
        ],
    )


def read(state_values: dict[str, Any]) -> CancelReason | None:
    value = submitted_value(state_values, CancelIds.REASON_BLOCK, "value")
    return CancelReason(value) if value in set(CancelReason) else None
