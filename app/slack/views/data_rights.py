"""`/coach delete my data` and `/coach retention` in words: what goes, the confirmation, and
what was done."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    SectionBlock,
)

from app.domain.data_rights import RepData
from app.slack.views.formatting import plural


class DataRightsIds:
    DELETE = "data_rights_delete"
    CANCEL = "data_rights_cancel"
    BLOCK = "data_rights_actions"


NOTHING_KEPT = "The app keeps nothing about you in this workspace: there is nothing to delete."
CANCELLED = "Nothing was deleted."


def _what_goes(data: RepData) -> list[str]:
    lines = [
        f"• your {data.interactions} {plural(data.interactions, 'planned or logged interaction')}"
        f" and {data.outcomes} {plural(data.outcomes, 'outcome')}, with their objectives, "
        "next steps and notes",
    ]
    if data.has_profile:
        lines.append("• your nudge settings and the time zone and role the app copied from Slack")
    if data.has_calendar:
        lines.append("• your connected calendar's address (no meeting is fetched again)")
    if data.summaries:
        summaries = plural(data.summaries, "summary", "summaries")
        lines.append(
            f"• your place in {data.summaries} channel {summaries}: their figures will no "
            "longer count you"
        )
    lines.append("• the record of the messages the app sent you (the messages stay in Slack)")
    return lines


def delete_confirmation(data: RepData) -> tuple[str, list[Block]]:
    """What `/coach delete my data` would delete, with the button that does it."""
    text = "*Delete your data?* This deletes, for good:\n" + "\n".join(_what_goes(data))
    return text, [
        SectionBlock(text=text),
        ActionsBlock(
            block_id=DataRightsIds.BLOCK,
            elements=[
                ButtonElement(
                    text="Delete my data",
                    action_id=DataRightsIds.DELETE,
                    value="delete",
                    style="danger",
                    confirm=ConfirmObject(
                        title="Delete your data?",
                        text="Your plans, outcomes and settings go for good. It cannot be undone.",
                        confirm="Delete",
                        deny="Keep it",
                    ),
                ),
                ButtonElement(text="Cancel", action_id=DataRightsIds.CANCEL, value="cancel"),
            ],
        ),
    ]


def deleted_text(data: RepData) -> str:
    return (
        f"Deleted: {data.interactions} {plural(data.interactions, 'interaction')}, "
        f"{data.outcomes} {plural(data.outcomes, 'outcome')} and your settings. Plan again any "
        "time with `/precall`."
    )


def retention_text(days: int | None) -> str:
    if days is None:
        return (
            "Objectives, notes and next steps are kept until a rep deletes them or the app is "
            "uninstalled. An admin can erase them after a period: `/coach retention 365` (days)."
        )
    return (
        f"Objectives, notes and next steps older than {days} {plural(days, 'day')} are erased; "
        "the counts in the figures and summaries stay. `/coach retention off` keeps them."
    )
