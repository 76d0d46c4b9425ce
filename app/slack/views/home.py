"""The App Home: the rep's commitment board, as Block Kit, section by section."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.domain.home import ESCALATED_LIMIT, NEEDS_YOU_LIMIT, Board, Owed, PlanStatus, Upcoming
from app.domain.metrics import FIGURES_DAYS
from app.domain.nudges import DueItem
from app.slack.views.export import ExportIds
from app.slack.views.figures import trend
from app.slack.views.formatting import escape, plural, slack_date, truncate
from app.slack.views.interaction_actions import InteractionIds, interaction_button
from app.slack.views.labels import KIND_LABELS
from app.slack.views.nudges import item_controls, item_what

HOME_BLOCKS_MAX = 100  # Slack's limit for a Home tab
ACCOUNT_MAX = 120


class HomeIds(enum.StrEnum):
    PLAN = "home_plan"  # value: the interaction id
    LOG_OUTCOME = "home_log_outcome"  # value: the interaction id
    PLAN_NEW = "home_plan_new"
    FIGURES = "home_figures"
    CALENDAR = "home_calendar"  # the calendar connected, or the form to connect one


PLAN_LABELS = {
    PlanStatus.STRONG: "✅ strong plan",
    PlanStatus.NEEDS_WORK: "⚠️ plan needs work",
    PlanStatus.NONE: "○ no plan yet",
}
METHOD = (
    "*Before* every meeting, call, email or text: write the commitment objective, the action "
    "the *customer* will agree to take, and by when.\n"
    "*Have a fallback*: the minimum commitment you would still accept.\n"
    "*Afterwards*, log what the customer actually agreed to, with its date, and follow it up."
)


def change_buttons(interaction_id: int) -> list[ButtonElement]:
    """Reschedule and Cancel, as any surface offers them for one interaction."""
    return [
        interaction_button(InteractionIds.RESCHEDULE, "Reschedule", interaction_id),
        interaction_button(InteractionIds.CANCEL, "Cancel", interaction_id),
    ]


def home_view(sections: Sequence[list[Block]]) -> View:
    """The sections in order, cut to Slack's 100 blocks (each section says what it left out)."""
    blocks: list[Block] = []
    for section in sections:
        blocks += section
    if len(blocks) > HOME_BLOCKS_MAX:
        cut = len(blocks) - HOME_BLOCKS_MAX + 1
        blocks = blocks[: HOME_BLOCKS_MAX - 1] + [
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"…and {cut} more {plural(cut, 'line')}: deal with the ones "
                        "above and the rest moves up."
                    )
                ]
            )
        ]
    return View(type="home", blocks=blocks)


def first_run_blocks() -> list[Block]:
    return [
        HeaderBlock(text="Commitment Coach"),
        SectionBlock(text="Every interaction should end with a closed deal or a dated commitment."),
        SectionBlock(text=METHOD),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Plan an interaction", action_id=HomeIds.PLAN_NEW, style="primary"
                ),
                calendar_button("Connect your calendar"),
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="With your calendar connected, I ask for the objective before each "
                    "customer meeting and for the outcome after it."
                )
            ]
        ),
    ]


def calendar_button(text: str = "Your calendar") -> ButtonElement:
    return ButtonElement(text=text, action_id=HomeIds.CALENDAR)


def board_blocks(board: Board, zone: str, now: datetime) -> list[Block]:
    """The rep's sections: Coming up, Customers owe you, Needs you, Your figures."""
    if board.first_run:
        return first_run_blocks()
    return [
        HeaderBlock(text="Your commitment board"),
        ActionsBlock(
            elements=[
                ButtonElement(text="Plan an interaction", action_id=HomeIds.PLAN_NEW),
                calendar_button(),
            ]
        ),
        *_coming_up(board, zone),
        *_owed(board, zone, now),
        *_needs_you(board.needs_you.shown, board.needs_you.escalated, zone, now),
        *_figures(board),
    ]


def _section(title: str) -> list[Block]:
    return [DividerBlock(), SectionBlock(text=f"*{title}*")]


def _more(count: int) -> list[Block]:
    if count <= 0:
        return []
    return [ContextBlock(elements=[MarkdownTextObject(text=f"…and {count} more.")])]


def _account(name: str) -> str:
    return escape(truncate(name, ACCOUNT_MAX))


def _coming_up(board: Board, zone: str) -> list[Block]:
    blocks = _section("Coming up: today and the next 7 days")
    if not board.coming_up:
        blocks.append(SectionBlock(text="Nothing planned this week yet."))
    last_day = None
    for item in board.coming_up:
        day = item.scheduled_at.astimezone(ZoneInfo(zone)).date()
        if day != last_day:
            # The weekday named, in each reader's own zone.
            blocks.append(
                ContextBlock(
                    elements=[
                        MarkdownTextObject(
                            text=slack_date(item.scheduled_at, zone, "{date_long_pretty}")
                        )
                    ]
                )
            )
            last_day = day
        blocks += _upcoming_blocks(item, zone)
    return blocks + _more(board.coming_up_total - len(board.coming_up))


def _upcoming_blocks(item: Upcoming, zone: str) -> list[Block]:
    kind = KIND_LABELS[item.kind]
    plan = "Plan" if item.plan is PlanStatus.NONE else "Edit plan"
    value = str(item.interaction_id)
    return [
        SectionBlock(
            text=f"*{_account(item.account_name)}* · {kind} "
            f"{slack_date(item.scheduled_at, zone, '{time}')} · {PLAN_LABELS[item.plan]}"
            + (" · 📅 from your calendar" if item.from_calendar else "")
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=plan,
                    action_id=HomeIds.PLAN,
                    value=value,
                    style="primary" if item.plan is PlanStatus.NONE else None,
                ),
                ButtonElement(text="Log outcome", action_id=HomeIds.LOG_OUTCOME, value=value),
                *change_buttons(item.interaction_id),
            ]
        ),
    ]


def _owed(board: Board, zone: str, now: datetime) -> list[Block]:
    blocks = _section("Customers owe you")
    if not board.owed:
        blocks.append(SectionBlock(text="No agreed next steps waiting."))
    for item in board.owed:
        blocks += _owed_blocks(item, zone, now)
    return blocks + _more(board.owed_total - len(board.owed))


def _owed_blocks(item: Owed, zone: str, now: datetime) -> list[Block]:
    due = slack_date(item.due_at, zone, "{date_long_pretty}")
    mark = "🔴 *overdue* · " if item.overdue(now) else ""
    agreed = slack_date(item.agreed_at, zone, "{date_short_pretty}")
    return [
        SectionBlock(
            text=f"{mark}*{_account(item.account_name)}* agreed on {agreed}: "
            f"“{escape(truncate(item.next_step, 500))}”, by {due}"
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Log what happened",
                    action_id=HomeIds.LOG_OUTCOME,
                    value=str(item.interaction_id),
                )
            ]
        ),
    ]


def _needs_you(
    shown: list[DueItem], escalated: list[DueItem], zone: str, now: datetime
) -> list[Block]:
    blocks = _section("Needs you")
    if not shown and not escalated:
        blocks.append(SectionBlock(text="Nothing: every interaction has its next step. 🎉"))
    for item in shown[:NEEDS_YOU_LIMIT]:
        blocks += _due_blocks(item, zone, now, None)
    for item in escalated[:ESCALATED_LIMIT]:
        note = "Went to your manager's summary after two reminders."
        blocks += _due_blocks(item, zone, now, note)
    left = len(shown[NEEDS_YOU_LIMIT:]) + len(escalated[ESCALATED_LIMIT:])
    return blocks + _more(left)


def _due_blocks(item: DueItem, zone: str, now: datetime, note: str | None) -> list[Block]:
    """An item as the morning DM shows it, with the DM's controls (and their listeners)."""
    headline, missing = item_what(item, zone)
    text = f"*{_account(item.account_name)}* · {headline}\n{missing}"
    if note:
        text += f"\n_{note}_"
    return [SectionBlock(text=text), ActionsBlock(elements=item_controls(item, now))]


def _figures(board: Board) -> list[Block]:
    current, previous = board.current.hit_rate, board.previous.hit_rate
    planned = board.current.planned_rate
    mark = trend(current, previous)
    return [
        *_section(f"Your figures, last {FIGURES_DAYS} days"),
        SectionBlock(
            text=f"Commitment hit rate: *{current}* {mark} (before: {previous})\n"
            f"Planned before they happened: {planned}"
        ),
        ActionsBlock(
            elements=[
                ButtonElement(text="Full figures", action_id=HomeIds.FIGURES),
                # What the person may see (a rep: their own), as a CSV in their DM.
                ButtonElement(text="Export (CSV)", action_id=ExportIds.EXPORT),
            ]
        ),
    ]
