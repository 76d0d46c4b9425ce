"""/coach domains in a message: the company's email domains, each with Remove, and the usage."""

from __future__ import annotations

import enum

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.company_domains import ListedDomain
from app.models import DomainSource
from app.slack.views.formatting import escape

MAX_LISTED = 45  # one block each, within a message's 50 with the heading and the usage


class DomainIds(enum.StrEnum):
    REMOVE = "company_domain_remove"
    OPEN = "company_domains_open"  # the admin's App Home: the domains in a modal


USAGE = (
    "`/coach domains add acme.com` lists a domain, `/coach domains remove acme.com` unlists it. "
    "Attendees from these domains (and their subdomains) are colleagues; a calendar event with "
    "anyone else is a customer meeting."
)


def domains_message(listed: list[ListedDomain], heading: str | None = None) -> tuple[str, list]:
    """(fallback text, blocks): `heading` (what just changed), the domains, the usage."""
    intro = heading or "*Your company's email domains*"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    if not listed:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="None yet: I learn them from members' Slack emails, or add yours."
                )
            )
        )
    for item in listed[:MAX_LISTED]:
        source = "from Slack emails" if item.source is DomainSource.SLACK_EMAIL else "added"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"`{escape(item.domain)}`  _{source}_"),
                accessory=ButtonElement(
                    action_id=DomainIds.REMOVE,
                    text="Remove",
                    value=item.domain,
                    confirm=ConfirmObject(
                        title="Remove this domain?",
                        text=f"Attendees from {escape(item.domain)} will count as customers.",
                        confirm="Remove",
                        deny="Keep it",
                    ),
                ),
            )
        )
    if len(listed) > MAX_LISTED:
        more = f"…and {len(listed) - MAX_LISTED} more."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=more)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=USAGE)]))
    names = ", ".join(item.domain for item in listed) or "none yet"
    return f"Your company's email domains: {names}", blocks
