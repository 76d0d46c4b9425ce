"""Channel summaries for managers: who may set them up, when they are due, and their figures."""

from __future__ import annotations

from app.domain.summaries.access import Person, Role, may_manage, may_set_up_summaries, role_of
from app.domain.summaries.due import DueSummaries, DueSummary, StuckSummary, find_due
from app.domain.summaries.figures import (
    MAX_WEAKEST,
    CoachingMoment,
    OpenItems,
    RepFigures,
    TeamSummary,
    compute_summary,
    open_items_by_rep,
)
from app.domain.summaries.managers import manager_ids, set_managers
from app.domain.summaries.periods import (
    DAYS_IN_PERIOD,
    POST_NOW_REPEAT,
    Period,
    claim_post_now,
    on_demand_key,
    period_before,
    scheduled_key,
    today_so_far,
)
from app.domain.summaries.subscriptions import (
    DEFAULT_MINUTE,
    LATE_POST_GRACE,
    REPS_NEEDED,
    Subscription,
    SummaryField,
    SummaryForm,
    SummarySettings,
    check_summary_form,
    disable_subscription,
    find_subscription,
    manageable_subscriptions,
    remove_subscription,
    save_subscription,
)

__all__ = [
    "Role",
    "Person",
    "role_of",
    "may_set_up_summaries",
    "may_manage",
    "manager_ids",
    "set_managers",
    "LATE_POST_GRACE",
    "DEFAULT_MINUTE",
    "SummarySettings",
    "Subscription",
    "SummaryField",
    "SummaryForm",
    "REPS_NEEDED",
    "check_summary_form",
    "save_subscription",
    "find_subscription",
    "manageable_subscriptions",
    "remove_subscription",
    "disable_subscription",
    "POST_NOW_REPEAT",
    "DAYS_IN_PERIOD",
    "Period",
    "period_before",
    "scheduled_key",
    "today_so_far",
    "on_demand_key",
    "claim_post_now",
    "DueSummary",
    "StuckSummary",
    "DueSummaries",
    "find_due",
    "MAX_WEAKEST",
    "OpenItems",
    "RepFigures",
    "CoachingMoment",
    "TeamSummary",
    "compute_summary",
    "open_items_by_rep",
]
