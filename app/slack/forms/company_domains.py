"""The company's email domains as a modal, for the admin's App Home: the list with Remove (the
same buttons as `/coach domains`' message) and a field to add one."""

from __future__ import annotations

import enum
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from app.domain.company_domains import ListedDomain
from app.models import DOMAIN_MAX
from app.slack.forms.fields import INPUT, form_modal, text_input
from app.slack.forms.state import submitted_value
from app.slack.views.company_domains import domains_message


class DomainFormIds(enum.StrEnum):
    CALLBACK = "company_domains_form"
    ADD_BLOCK = "company_domain_add"
    INPUT = INPUT


def domains_modal(listed: list[ListedDomain], heading: str | None = None) -> View:
    _, blocks = domains_message(listed, heading)
    field: Block = text_input(
        DomainFormIds.ADD_BLOCK,
        "Add a domain",
        limit=DOMAIN_MAX,
        placeholder="e.g. acme.com",
    )
    # The message's usage names the slash command; the modal's own field replaces it.
    return form_modal(
        DomainFormIds.CALLBACK,
        "Company domains",
        [*blocks[:-1], field],
        submit="Add",
        close="Done",
    )


def read(state_values: dict[str, Any]) -> str:
    return submitted_value(state_values, DomainFormIds.ADD_BLOCK, DomainFormIds.INPUT) or ""
