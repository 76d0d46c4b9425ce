"""The DMs before and after a meeting from the rep's calendar: who, when, and one button."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.calendar.prompts import DuePrompt
from app.models import DeliveryKind
from app.slack.views.formatting import escape, plural, slack_date, truncate
from app.slack.views.home import HomeIds

MEETING_PROMPT_EVENT = "coach_meeting_prompt"
ATTENDEES_SHOWN = 6
TITLE_MAX = 150
# A weekday: "Tuesday, December 8th at 2:00 PM" in the reader's own zone.
WHEN_TOKEN = "{date_long_pretty} at {time}"


def prompt_message(prompt: DuePrompt) -> tuple[str, list[Block]]:
    account = escape(truncate(prompt.account_name, 80))
    when = slack_date(prompt.starts_at, prompt.zone, WHEN_TOKEN)
    if prompt.kind is DeliveryKind.MEETING_BEFORE:
        text = f"Your meeting with {prompt.account_name} has no plan yet."
        lead = (
            f"Your meeting with *{account}* has no plan yet ({when}). What will the customer "
            "agree to do, and by when? Two minutes now make the meeting end with a commitment."
        )
        button = ButtonElement(
            text="Plan it",
            action_id=HomeIds.PLAN,
            value=str(prompt.interaction_id),
            style="primary",
        )
    else:
        text = f"How did the meeting with {prompt.account_name} go?"
        lead = (
            f"How did the meeting with *{account}* go? ({when}) Log what the customer agreed "
            "to while it is fresh."
        )
        button = ButtonElement(
            text="Log outcome",
            action_id=HomeIds.LOG_OUTCOME,
            value=str(prompt.interaction_id),
            style="primary",
        )
    details = []
    if prompt.title:
        details.append(f"📅 {escape(truncate(prompt.title, TITLE_MAX))}")
    people = _attendees(prompt.attendees)
    if people:
        details.append(people)
    blocks: list[Block] = [SectionBlock(text=lead)]
    if details:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(details))]))
    blocks.append(ActionsBlock(elements=[button]))
    return text, blocks


def _attendees(attendees: tuple[dict, ...]) -> str:
    """The customer's people first (by name where the invite gives one), then how many more."""
    guests = [a for a in attendees if a.get("external")]
    names = [escape(truncate(a.get("name") or a.get("email") or "", 60)) for a in guests]
    names = [name for name in names if name]
    if not names:
        return ""
    shown = ", ".join(names[:ATTENDEES_SHOWN])
    more = len(names) - ATTENDEES_SHOWN
    if more > 0:
        shown += f" and {more} more"
    return (
        f"With {shown}"
        if len(names) < 2
        else f"With {shown} ({len(names)} {plural(len(names), 'guest')})"
    )
