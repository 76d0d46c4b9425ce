"""Shortcuts: plan an interaction or log an outcome from anywhere in Slack (global), or from a
message (the message's text into the outcome's notes, the account it names offered)."""

from __future__ import annotations

import enum
from typing import NamedTuple

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app.domain import plans
from app.domain.accounts import account_named_in
from app.slack.client import open_modal
from app.slack.errors import handled
from app.slack.flows import outcomes as flows_outcomes
from app.slack.flows import planning
from app.slack.forms import plan
from app.slack.forms.outcome import loading_modal
from app.slack.forms.plan import PrecallMetadata
from app.slack.services import Requester


class ShortcutIds(enum.StrEnum):
    PLAN = "plan_interaction"
    LOG_OUTCOME = "log_outcome"
    LOG_OUTCOME_FROM_MESSAGE = "log_outcome_from_message"
    PLAN_FOLLOW_UP = "plan_follow_up"


class Shortcut(NamedTuple):
    callback_id: ShortcutIds
    name: str  # at most 24 characters (Slack's limit)
    type: str  # "global" or "message"
    description: str


# What manifest.yml declares (tests/test_manifest.py holds them equal); the sandbox offers them.
SHORTCUTS = (
    Shortcut(
        ShortcutIds.PLAN,
        "Plan an interaction",
        "global",
        "Plan a meeting, call, email or text around a dated customer commitment",
    ),
    Shortcut(
        ShortcutIds.LOG_OUTCOME,
        "Log an outcome",
        "global",
        "Record what the customer agreed to, with the next step and its date",
    ),
    Shortcut(
        ShortcutIds.LOG_OUTCOME_FROM_MESSAGE,
        "Log outcome from message",
        "message",
        "Log an outcome with this message as its notes",
    ),
    Shortcut(
        ShortcutIds.PLAN_FOLLOW_UP,
        "Plan a follow-up",
        "message",
        "Plan the next interaction with the account this message is about",
    ),
)


def register(app: App) -> None:
    app.shortcut(ShortcutIds.PLAN)(handled(handle_plan_shortcut))
    app.shortcut(ShortcutIds.LOG_OUTCOME)(handled(handle_log_outcome_shortcut))
    app.shortcut(ShortcutIds.LOG_OUTCOME_FROM_MESSAGE)(handled(handle_log_from_message_shortcut))
    app.shortcut(ShortcutIds.PLAN_FOLLOW_UP)(handled(handle_plan_follow_up_shortcut))


def handle_plan_shortcut(ack: Ack, shortcut: dict, client: WebClient, requester: Requester) -> None:
    """Plan an interaction: the /precall form, empty."""
    ack()
    planning.open_planning_form(
        client, *requester, shortcut["trigger_id"], plans.PlanPrefill(), PrecallMetadata()
    )


def handle_log_outcome_shortcut(
    ack: Ack, shortcut: dict, client: WebClient, requester: Requester
) -> None:
    """Log an outcome: the /postcall form (a loading modal first, as /postcall)."""
    ack()
    opened = open_modal(client, shortcut["trigger_id"], loading_modal(), "Log an outcome")
    if opened is not None:
        flows_outcomes.open_outcome_form(client, *requester, opened)


def handle_log_from_message_shortcut(
    ack: Ack, shortcut: dict, client: WebClient, requester: Requester
) -> None:
    """Log outcome from message: the message's text in the notes, its account offered."""
    ack()
    opened = open_modal(client, shortcut["trigger_id"], loading_modal(), "Log outcome from message")
    if opened is None:
        return
    text = _message_text(shortcut)
    flows_outcomes.open_outcome_form(
        client, *requester, opened, account_hint=_account_named(requester, text), notes=text
    )


def handle_plan_follow_up_shortcut(
    ack: Ack, shortcut: dict, client: WebClient, requester: Requester
) -> None:
    """Plan a follow-up: the /precall form for the account the message names (its upcoming
    interaction offered first, as /precall does)."""
    ack()
    opened = open_modal(client, shortcut["trigger_id"], plan.loading_modal(), "Plan a follow-up")
    if opened is None:
        return
    account = _account_named(requester, _message_text(shortcut))
    planning.fill_planning_form(
        client,
        *requester,
        opened,
        plans.PlanPrefill(account=account or None),
        PrecallMetadata(channel_id=(shortcut.get("channel") or {}).get("id")),
    )


def _message_text(shortcut: dict) -> str:
    message = shortcut.get("message")
    text = message.get("text") if isinstance(message, dict) else None
    return text if isinstance(text, str) else ""


def _account_named(requester: Requester, text: str) -> str:
    """The name of the known account the message names ("" for none)."""
    if not text.strip():
        return ""
    with requester.session() as session:
        account = account_named_in(session, requester.workspace, text)
        return account.name if account else ""
