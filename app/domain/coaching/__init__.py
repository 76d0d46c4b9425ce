"""The coach's review of a commitment objective: the customer's own observable, dated act.

The parts, in reading order: words (splitting), lexicon (the rules file), typos, tokens, parse
(who does what, read once and never changed), criteria and time_bound (one function per
criterion), rewrite (the example in the rep's words), results (what a review says).
"""

from __future__ import annotations

from app.domain.coaching import criteria, time_bound
from app.domain.coaching.lexicon import FALLBACK_STAGES
from app.domain.coaching.parse import parse
from app.domain.coaching.results import (
    CRITERION_NAMES,
    MAX_SCAN,
    REQUIRED,
    STEP_BACK_TIP,
    Criterion,
    CriterionResult,
    Review,
)
from app.domain.coaching.rewrite import rewrite
from app.domain.enums import Stage

__all__ = [
    "CRITERION_NAMES",
    "MAX_SCAN",
    "REQUIRED",
    "Criterion",
    "CriterionResult",
    "Review",
    "review_objective",
]


def review_objective(
    objective: str,
    stage: Stage | None,
    minimum_commitment: str | None = None,
    account: str | None = None,
) -> Review:
    """Review an objective against the six criteria, with an example rewrite when it falls short.
    The `account` (the company the plan is with) names a company wherever the objective names it:
    "Initech signs" names nobody who commits."""
    read = parse(objective[:MAX_SCAN], account)
    timed = time_bound.timed_sentence(read)
    verdicts = {
        Criterion.CUSTOMER_ACTION: criteria.customer_action(read),
        Criterion.SPECIFIC: criteria.specific(read),
        Criterion.TIME_BOUND: time_bound.time_bound(read, timed),
        Criterion.DECISION_MAKER: criteria.decision_maker(read),
        Criterion.STAGE_FIT: criteria.stage_fit(read, stage),
        Criterion.FALLBACK: criteria.fallback(objective, minimum_commitment),
    }
    results = tuple(
        CriterionResult(criterion, suggestion is None, suggestion)
        for criterion, suggestion in verdicts.items()
    )
    passed = {result.criterion: result.passed for result in results}
    return Review(results, rewrite(read, passed, stage, timed), _holds(verdicts, stage))


def _holds(verdicts: dict[Criterion, str | None], stage: Stage | None) -> tuple[Criterion, ...]:
    """The failures that hold the plan for a review: any required one, rushing the close (not an
    opening meeting late on), and no fallback from the stage where one is expected."""
    held = {criterion for criterion in REQUIRED if verdicts[criterion] is not None}
    if verdicts[Criterion.STAGE_FIT] not in (None, STEP_BACK_TIP):
        held.add(Criterion.STAGE_FIT)
    if verdicts[Criterion.FALLBACK] is not None and stage in FALLBACK_STAGES:
        held.add(Criterion.FALLBACK)
    return tuple(criterion for criterion in Criterion if criterion in held)
