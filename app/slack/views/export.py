"""The export's Slack face: its action id, the button the Home offers, and what the requester
is told."""

from __future__ import annotations

import enum

from slack_sdk.models.blocks import ButtonElement

from app.domain.export import ExportRange


class ExportIds(enum.StrEnum):
    EXPORT = "export_data"  # the button (the Home's): its value may name one rep


USAGE = (
    "`/coach export [from] [to]` sends you a CSV of the interactions you may see, one row "
    "each (dates as YYYY-MM-DD in your zone; without them, the last 90 days). Add `@rep` for "
    "one rep of your team."
)
PREPARING = "Preparing your export… it comes as a file in your DM with me."
NOT_YOUR_TEAM = (
    "You can export your own interactions, and managers those of the reps in the summaries they "
    "own. That rep is not in your scope, so nothing was exported."
)
RATE_LIMITED = (
    "Slack is rate limiting file uploads just now, so your export was not delivered. Try "
    "again in a minute."
)


def export_button(text: str = "Export CSV", rep_user_id: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=ExportIds.EXPORT, value=rep_user_id or "all")


def _days(period: ExportRange) -> str:
    return f"{period.first.isoformat()} to {period.last.isoformat()} ({period.zone})"


def file_name(period: ExportRange) -> str:
    return f"commitment-coach-{period.first.isoformat()}-to-{period.last.isoformat()}.csv"


def delivered_comment(count: int, period: ExportRange, whose: str) -> str:
    noun = "interaction" if count == 1 else "interactions"
    return f"Your export: {count} {noun} of {whose}, {_days(period)}."


def empty_text(period: ExportRange, whose: str) -> str:
    return f"No interactions of {whose} from {_days(period)}: nothing to export."


def failed_text(code: str) -> str:
    return (
        f"Your export could not be delivered: Slack refused the file (`{code}`). Nothing was "
        "shared. Try again in a minute."
    )
