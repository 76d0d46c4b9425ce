"""The DM before an imported meeting (plan it) and after it (log its outcome).

The meeting is shown as a nudge item (its buttons are the nudge's, NudgeIds, answered by
listeners/nudges.py), so Plan it and Log outcome act on it as they do in the morning DM."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.calendar.prompts import DuePrompt
from app.models import DeliveryKind
from app.slack.views.formatting import escape, slack_date, truncate
from app.slack.views.nudges import ACCOUNT_MAX, NudgeIds, item_block_id, item_controls

# Message metadata of every prompt: how a send that timed out is found before a retry.
MEETING_PROMPT_EVENT = "coach_meeting_prompt"
ATTENDEES_SHOWN = 5
TITLE_MAX = 150
ZONE_GUESSED = (
    "_Your calendar gave this meeting no time zone I know: I read its time in yours. Check it._"
)
FOOTER = "`/coach settings` changes when you are asked about your meetings, or turns it off."


def attendee_line(attendees: list[dict]) -> str | None:
    """ "With Dana Wu, lee@globex.com and 3 more": the external attendees first."""
    people = sorted(
        (a for a in attendees if isinstance(a, dict) and (a.get("name") or a.get("email"))),
        key=lambda a: not a.get("external"),
    )
    if not people:
        return None
    names = [escape(truncate(str(a.get("name") or a.get("email")), 60)) for a in people]
    shown = ", ".join(names[:ATTENDEES_SHOWN])
    more = len(names) - ATTENDEES_SHOWN
    return f"With {shown}" + (f" and {more} more" if more > 0 else "")


def meeting_prompt_message(prompt: DuePrompt, now: datetime) -> tuple[str, list[Block]]:
    """Notification text and blocks of the prompt: the account, the time, the title, who
    attends, and the nudge item's buttons (Plan it before, Log outcome after)."""
    account = escape(truncate(prompt.account_name, ACCOUNT_MAX))
    when = slack_date(prompt.starts_at, prompt.zone)
    if prompt.kind is DeliveryKind.MEETING_BEFORE:
        text = f"Your meeting with {account} starts soon: plan it?"
        ask = "No plan yet: what will you ask them to agree to? *Plan it* takes a minute."
    else:
        text = f"How did your meeting with {account} go?"
        ask = "No outcome logged yet: what did the customer agree to?"
    lines = [f"*{account}* · meeting {when}"]
    if prompt.zone_guessed:
        lines.append(ZONE_GUESSED)
    if prompt.title:
        lines.append(f"_{escape(truncate(prompt.title, TITLE_MAX))}_")
    if (people := attendee_line(prompt.attendees)) is not None:
        lines.append(people)
    item = prompt.item
    key = str(item.key)
    blocks: list[Block] = [
        SectionBlock(
            block_id=item_block_id(NudgeIds.ITEM_BLOCK, key), text="\n".join(lines) + f"\n{ask}"
        ),
        ActionsBlock(
            block_id=item_block_id(NudgeIds.ACTIONS_BLOCK, key),
            elements=item_controls(item, now),
        ),
        ContextBlock(elements=[MarkdownTextObject(text=FOOTER)]),
    ]
    return text, blocks
