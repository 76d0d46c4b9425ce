"""What the calendar pass tells a rep: their feed stopped answering, and how to fix it."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from app.domain.calendar.links import Failing
from app.domain.calendar.policy import FeedPolicy
from app.domain.calendar.problems import FeedProblem
from app.slack.forms.calendar import CalendarIds, problem_text

CALENDAR_FAILING_EVENT = "coach_calendar_failing"


def failing_message(failing: Failing, policy: FeedPolicy) -> tuple[str, list[Block]]:
    text = "I can no longer read your calendar."
    said = problem_text(FeedProblem(failing.problem), policy)
    return text, [
        SectionBlock(
            text=f"*{text}* {said}\n"
            "The meetings already brought in stay as they are; new ones and changes wait until "
            "I can read it again. To connect it again, open your calendar and paste its address."
        ),
        ActionsBlock(
            elements=[ButtonElement(text="Open my calendar settings", action_id=CalendarIds.OPEN)]
        ),
    ]
