"""How the product names its choices to people, in every view and message."""

from __future__ import annotations

from app.domain.enums import InteractionKind, Result, Stage
from app.models import FollowThrough, LostReason

KIND_LABELS = {
    InteractionKind.MEETING: "Meeting",
    InteractionKind.CALL: "Call",
    InteractionKind.EMAIL: "Email",
    InteractionKind.TEXT: "Text message",
}
STAGE_LABELS = {
    Stage.DISCOVERY: "First meeting / discovery",
    Stage.DEMO: "Demo / evaluation",
    Stage.PROPOSAL: "Proposal",
    Stage.NEGOTIATION: "Negotiation",
    Stage.CLOSING: "Closing",
}
RESULT_LABELS = {
    Result.WON: ("Won", "The deal closed."),
    Result.ADVANCED: ("Advanced", "They agreed to the commitment objective, or a stronger one."),
    Result.MINIMUM: ("Minimum", "Only the minimum acceptable commitment."),
    Result.CONTINUATION: ("Continuation", "No specific commitment: “let's talk again sometime”."),
    Result.LOST: ("Lost", "Lost or disqualified."),
}
LOST_REASON_LABELS = {
    LostReason.PRICE: "Price",
    LostReason.TIMING: "Timing",
    LostReason.COMPETITOR: "Competitor",
    LostReason.NO_DECISION: "No decision",
    LostReason.OTHER: "Other",
}
FOLLOW_THROUGH_LABELS = {
    FollowThrough.ON_TIME: "Yes, on time",
    FollowThrough.LATE: "Yes, late",
    FollowThrough.NO: "No",
}
