"""What a review says: the six criteria, a verdict and a suggestion for each, the tips."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.domain.coaching.words import shortened

# Only this much of an objective is read: the /precall field holds 500 characters
# (plans.OBJECTIVE_MAX), and the cap keeps a review bounded whatever a caller passes.
MAX_SCAN = 500


class Criterion(enum.StrEnum):
    CUSTOMER_ACTION = "customer_action"
    SPECIFIC = "specific"
    TIME_BOUND = "time_bound"
    DECISION_MAKER = "decision_maker"
    STAGE_FIT = "stage_fit"
    FALLBACK = "fallback"


CRITERION_NAMES: dict[Criterion, str] = {
    Criterion.CUSTOMER_ACTION: "Customer action",
    Criterion.SPECIFIC: "Specific",
    Criterion.TIME_BOUND: "Time-bound",
    Criterion.DECISION_MAKER: "Decision maker",
    Criterion.STAGE_FIT: "Stage fit",
    Criterion.FALLBACK: "Fallback",
}
REQUIRED: tuple[Criterion, ...] = (
    Criterion.CUSTOMER_ACTION,
    Criterion.SPECIFIC,
    Criterion.TIME_BOUND,
)

CUSTOMER_ACTION_EXAMPLE = "e.g. 'Dana agrees to review the proposal with her CFO by Friday'"
CUSTOMER_ACTION_TIP = (
    f"Write what the customer will do, not what you will do: {CUSTOMER_ACTION_EXAMPLE}"
)
DENIED_ACTION_TIP = (
    f"Write what the customer will do, not what they won't: {CUSTOMER_ACTION_EXAMPLE}"
)
SPECIFIC_TIP = (
    "Name an observable action: schedule, book, attend, sign, approve, introduce, start a pilot…"
)
TIME_BOUND_TIP = "Say when: 'by Friday', 'on the 3rd', 'within 2 weeks'"
DECISION_MAKER_TIP = "Name who commits: a person or a role (the CFO, the head of IT, Dana)"
RUSH_TIP = "Don't rush the close: aim for the commitment that earns the right to close"
STEP_BACK_TIP = (
    "You are at the close: ask for the decision (the signature, the PO), not an opening meeting"
)
FALLBACK_TIP = "Set a minimum acceptable commitment: your fallback if the objective is out of reach"
SAME_FALLBACK_TIP = (
    "Make the fallback a smaller step than the objective: the least you would still accept"
)
NAME_PLACEHOLDER = "[Name (role)]"
WHEN_PLACEHOLDER = "by [Friday]"


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    passed: bool
    suggestion: str | None  # concrete, for a failed criterion; None when passed


@dataclass(frozen=True)
class Review:
    results: tuple[CriterionResult, ...]  # one per criterion, in Criterion order
    rewrite: str | None  # an example in the rep's own words; None when strong with nothing to add
    # The failed criteria worth a second look before the plan is saved: a required one, a rushed
    # close, or no fallback once the sale is at a proposal or later.
    holds: tuple[Criterion, ...] = ()

    @property
    def strong(self) -> bool:
        return all(self.result(criterion).passed for criterion in REQUIRED)

    @property
    def held(self) -> bool:
        """Whether the review is shown over the form before the plan is saved."""
        return bool(self.holds)

    def result(self, criterion: Criterion) -> CriterionResult:
        return next(result for result in self.results if result.criterion == criterion)


def quote(text: str) -> str:
    return f"'{shortened(text, 40)}'"
