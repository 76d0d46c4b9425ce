"""The /coach calendar modals: paste the secret iCal address; then the calendar, masked, with
Disconnect. The check runs inside the submission's ack, so its errors show under the field."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.domain.calendar.address import ADDRESS_MAX
from app.domain.calendar.check import UPCOMING_DAYS
from app.domain.calendar.policy import MEGABYTE, FeedPolicy
from app.domain.calendar.problems import FeedProblem, Problem
from app.slack.forms.fields import INPUT, form_modal, text_input
from app.slack.forms.metadata import FormMetadata, ZoneName
from app.slack.forms.state import submitted_value
from app.slack.views.formatting import escape, plural, slack_date


class CalendarIds(enum.StrEnum):
    CALLBACK = "calendar_connect"
    ADDRESS_BLOCK = "calendar_address"
    PROBLEM_BLOCK = "calendar_problem"  # what the check found wrong, right under the address
    ACTIONS_BLOCK = "calendar_actions"
    DISCONNECT = "calendar_disconnect"
    OPEN = "calendar_open"  # a message's button: what /coach calendar opens
    INPUT = INPUT


class CalendarMetadata(FormMetadata):
    zone: ZoneName  # the rep's zone when the form opened: floating times are read in it


TITLE = "Your calendar"
WHERE_TO_FIND = (
    "Paste your calendar's *secret iCal address*: I read your upcoming meetings with people "
    "outside the company, so you can plan each one.\n"
    "• *Google Calendar*: Settings › your calendar › Integrate calendar › "
    "*Secret address in iCal format*.\n"
    "• *Outlook*: Settings › Calendar › Shared calendars › Publish a calendar "
    "(with *All details*, so attendees are included) › copy the *ICS* link."
)
KEPT_SECRET = (
    "The address is a password to your calendar: it is stored encrypted, never shown in full "
    "again, and you can disconnect it at any time."
)


def connect_modal(metadata: CalendarMetadata, problem: str | None = None) -> View:
    """The form; after a failed check, with what is wrong under the address. The address is
    not sent back: a secret travels to Slack (and its client's debug log) no more than once."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=WHERE_TO_FIND)),
        text_input(
            CalendarIds.ADDRESS_BLOCK,
            "Secret iCal address",
            limit=ADDRESS_MAX,
            placeholder="https://calendar.google.com/calendar/ical/…/basic.ics",
        ),
    ]
    if problem:
        warning = MarkdownTextObject(text=f":warning: {escape(problem)}")
        blocks.append(ContextBlock(block_id=CalendarIds.PROBLEM_BLOCK, elements=[warning]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=KEPT_SECRET)]))
    return form_modal(
        CalendarIds.CALLBACK, TITLE, blocks=blocks, submit="Connect", metadata=metadata
    )


def checking_modal() -> View:
    """What the form becomes while the address is fetched and read."""
    text = "Checking your calendar… I am fetching it and counting the meetings ahead."
    return View(
        type="modal",
        title=TITLE,
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def connected_modal(
    link_id: int, masked: str, connected_at: datetime, zone: str, found: int | None = None
) -> View:
    """The calendar connected, masked; `found` the upcoming external meetings just counted."""
    lines = [f"Connected: `{escape(masked)}` (since {slack_date(connected_at, zone)})."]
    if found is not None:
        meetings = f"{found} {plural(found, 'upcoming external meeting')}"
        if not found:
            meetings = "no upcoming external meetings"
        lines.append(f"I found {meetings} in the next {UPCOMING_DAYS} days.")
        if found == 0:
            lines.append(
                "None at all? Check that the calendar shares its attendees (Outlook: publish "
                "with *All details*), and that `/coach domains` lists only your company's domains."
            )
    disconnect = ButtonElement(
        action_id=CalendarIds.DISCONNECT,
        text="Disconnect",
        value=str(link_id),
        style="danger",
        confirm=ConfirmObject(
            title="Disconnect your calendar?",
            text="I stop reading it. Nothing already planned or logged is deleted.",
            confirm="Disconnect",
            deny="Keep it",
        ),
    )
    return View(
        type="modal",
        title=TITLE,
        close="Close",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
            ActionsBlock(block_id=CalendarIds.ACTIONS_BLOCK, elements=[disconnect]),
        ],
    )


def disconnected_modal(already: bool) -> View:
    text = (
        "Your calendar was already disconnected."
        if already
        else "Disconnected: I no longer read your calendar. `/coach calendar` connects it again."
    )
    return View(
        type="modal",
        title=TITLE,
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def read(state_values: dict[str, Any]) -> str:
    return submitted_value(state_values, CalendarIds.ADDRESS_BLOCK, CalendarIds.INPUT) or ""


def problem_text(problem: FeedProblem, policy: FeedPolicy) -> str:
    """What the rep reads under the address: what is wrong, and what to do about it."""
    status = f" ({problem.status})" if problem.status else ""
    texts = {
        Problem.NOT_A_URL: "That is not a web address: paste the whole address, starting "
        "with https:// (or webcal://).",
        Problem.SCHEME: "Only https:// (or webcal://) addresses can be connected.",
        Problem.ADDRESS_REFUSED: "That address points into a private network, which I never "
        "fetch. Paste your calendar's public iCal address.",
        Problem.UNREACHABLE: "I could not reach that address: no such server, or it refused "
        "the connection. Check the address and try again.",
        Problem.UNAUTHORIZED: f"The calendar refused access{status}: the secret address may "
        "have been reset. Copy it again from your calendar's settings.",
        Problem.NOT_FOUND: f"Nothing is at that address{status}: it may have been reset or "
        "unpublished. Copy it again from your calendar's settings.",
        Problem.HTTP_STATUS: f"The calendar server answered with an error{status}. Try again "
        "in a minute.",
        Problem.TOO_MANY_REDIRECTS: "That address redirects too many times. Paste the "
        "calendar's own iCal address.",
        Problem.TOO_LARGE: f"That calendar is larger than {_size(policy.max_bytes)}, more than "
        "I read.",
        Problem.TOO_SLOW: f"The calendar did not send itself within {policy.check_seconds:g} "
        "seconds. Try again in a minute.",
        Problem.NOT_A_CALENDAR: "That address answered, but not with a calendar. Use Google's "
        "“Secret address in iCal format” or Outlook's ICS link.",
    }
    return texts[problem.problem]


def _size(count: int) -> str:
    return f"{count / MEGABYTE:g} MB" if count >= MEGABYTE else f"{count // 1024} KB"
