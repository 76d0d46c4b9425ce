"""The morning nudge's buttons: log the outcome, plan it; in its overflow menu snooze it, mark
it lost (once confirmed) or cancel it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from app.domain import nudges, plans, reps
from app.domain.nudges import ItemAction, ItemKey, SnoozeFor
from app.domain.nudges.buttons import STOPS_CHASING_SHOWN
from app.domain.workspace import Workspace
from app.models import NudgeReason
from app.slack.client import open_modal
from app.slack.errors import handled
from app.slack.flows.outcomes import open_outcome_form
from app.slack.flows.planning import open_planning_form
from app.slack.forms.mark_lost import MarkLostMetadata, cancel_offer_modal, mark_lost_modal
from app.slack.forms.metadata import StaleForm
from app.slack.forms.outcome import loading_modal
from app.slack.forms.plan import PrecallMetadata
from app.slack.home import refresh_home
from app.slack.nudge_status import show_item_status
from app.slack.ownership import own_message_ref
from app.slack.services import Requester
from app.slack.views.formatting import DAY_TOKEN, escape, short_moment, slack_date
from app.slack.views.notices import notice_modal, stale_form_modal
from app.slack.views.nudges import SNOOZE_OF, MoreAction, NudgeIds, NudgeItemRef

logger = logging.getLogger(__name__)

ALREADY_HANDLED = "Already handled: nothing changed."
NOT_YOURS = "This reminder is for someone else: only they can act on it."


def register(app: App) -> None:
    app.action(NudgeIds.LOG_OUTCOME)(handled(handle_log_outcome_action))
    app.action(NudgeIds.PLAN_IT)(handled(handle_plan_it_action))
    app.action(NudgeIds.MORE)(handled(handle_more_action))
    # The buttons of DMs sent before the overflow menu.
    app.action(NudgeIds.SNOOZE)(handled(handle_snooze_action))
    app.action(NudgeIds.MARK_LOST)(handled(handle_mark_lost_action))
    app.view_submission(NudgeIds.MARK_LOST_CONFIRM)(handled(handle_mark_lost_confirmed))


def _item_or_refusal(
    client: WebClient, body: dict, requester: Requester, key_text: str | None, title: str
) -> tuple[nudges.DueItem, str] | None:
    """The item and the clicker's zone when the clicker may act on it; otherwise None, once a
    small modal (the button promised one) has said why."""
    _, workspace, user_id = requester
    key = ItemKey.parse(key_text)
    state, item, zone = ItemAction.HANDLED, None, reps.FALLBACK_ZONE
    if key is not None:
        with requester.session() as session:
            state, item = nudges.item_state(session, workspace, user_id, key, requester.now())
            zone = _cached_zone(session, workspace, user_id)
    if state is ItemAction.DONE and item is not None:
        return item, zone
    refusal = NOT_YOURS if state is ItemAction.NOT_YOURS else ALREADY_HANDLED
    open_modal(client, body["trigger_id"], notice_modal(title, refusal), "a nudge button")
    return None


def handle_log_outcome_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Open /postcall's form on the item's interaction (a loading modal first, as /postcall)."""
    ack()
    checked = _item_or_refusal(client, body, requester, action.get("value"), "Log an outcome")
    opened = (
        open_modal(client, body["trigger_id"], loading_modal(), "a nudge button")
        if checked
        else None
    )
    if checked is None or opened is None:
        return
    item, _ = checked
    open_outcome_form(
        client,
        *requester,
        opened,
        interaction_id=item.key.interaction_id,
        nudge=NudgeItemRef.from_action(body, action.get("value")),
    )


def handle_plan_it_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Open /precall's form for the item's account (and its time, when that is still ahead)."""
    ack()
    checked = _item_or_refusal(client, body, requester, action.get("value"), "Plan an interaction")
    if checked is None:
        return
    item, zone = checked
    services, workspace, user_id = requester
    # Planning the interaction itself when it is still ahead; otherwise the next one.
    ahead = item.key.reason is NudgeReason.UNPLANNED_TODAY and item.scheduled_at > services.now()
    prefill = plans.PlanPrefill(
        account=item.account_name,
        when_text=short_moment(item.scheduled_at, zone) if ahead else None,
        kind=item.kind,
    )
    open_planning_form(
        client,
        services,
        workspace,
        user_id,
        body["trigger_id"],
        prefill,
        # Ahead, the form edits that very interaction (an imported meeting's plan lands on it);
        # offered, as the form would choose it: another account typed plans a new one.
        PrecallMetadata(
            nudge=NudgeItemRef.from_action(body, action.get("value")),
            interaction_id=item.key.interaction_id if ahead else None,
            offered=ahead,
        ),
    )


@dataclass(frozen=True)
class ItemScope:
    """Who clicked which item, and when: what a message button's action needs."""

    workspace: Workspace
    user_id: str
    key: ItemKey
    zone: str
    now: datetime


def handle_more_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """The overflow menu: snooze at once; Mark lost and Cancel first say what they do."""
    ack()
    key_text, choice_text = _chosen(action)
    if choice_text in SNOOZE_OF:
        _snooze(client, body, requester, key_text, SNOOZE_OF[MoreAction(choice_text)])
    elif choice_text == MoreAction.MARK_LOST:
        _confirm_mark_lost(client, body, requester, key_text)
    elif choice_text == MoreAction.CANCEL:
        _offer_cancel(client, body, requester, key_text)
    else:
        logger.info("nudge overflow with an unknown choice %r", choice_text[:40])


def handle_snooze_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Keep the item out of the DMs until tomorrow or next week; say so in the message."""
    ack()
    key_text, choice_text = _chosen(action)
    choice = SnoozeFor(choice_text) if choice_text in set(SnoozeFor) else SnoozeFor.TOMORROW
    _snooze(client, body, requester, key_text, choice)


def _chosen(action: dict) -> tuple[str, str]:
    """The item key and the choice of an option valued "<item key>|<choice>"."""
    chosen = (action.get("selected_option") or {}).get("value") or ""
    key_text, _, choice_text = chosen.partition("|")
    return key_text, choice_text


def _snooze(
    client: WebClient, body: dict, requester: Requester, key_text: str, choice: SnoozeFor
) -> None:
    def snooze(session: Session, scope: ItemScope) -> tuple[ItemAction, str]:
        until = nudges.snooze_end(choice, scope.zone, scope.now)
        result, _ = nudges.snooze(
            session, scope.workspace, scope.user_id, scope.key, until, scope.now
        )
        return result, f"💤 Snoozed until {slack_date(until, scope.zone, DAY_TOKEN)}."

    _act_in_message(client, body, requester, key_text, snooze)


def handle_mark_lost_action(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Mark lost (a DM sent before the overflow menu): the confirmation first."""
    ack()
    _confirm_mark_lost(client, body, requester, action.get("value"))


def _confirm_mark_lost(
    client: WebClient, body: dict, requester: Requester, key_text: str | None
) -> None:
    """Say what Lost stops chasing (and offer Cancel for a meeting that did not happen)."""
    checked = _item_or_refusal(client, body, requester, key_text, "Mark it lost?")
    if checked is None:
        return
    item, zone = checked
    _, workspace, user_id = requester
    with requester.session() as session:
        stops = nudges.stops_chasing(session, workspace, user_id, item.key.interaction_id)
    modal = mark_lost_modal(
        item,
        stops,
        STOPS_CHASING_SHOWN,
        zone,
        MarkLostMetadata(key=str(item.key), item=NudgeItemRef.from_action(body, key_text)),
        offer_cancel=nudges.may_not_have_happened(item, requester.now()),
    )
    open_modal(client, body["trigger_id"], modal, "Mark lost's confirmation")


def handle_mark_lost_confirmed(
    ack: Ack, view: dict, client: WebClient, requester: Requester
) -> None:
    """Mark lost, confirmed: log the item's interaction as Lost, which closes the account's
    chain, and say so in the DM (once: a second confirmation changes nothing)."""
    try:
        metadata = MarkLostMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    ack()

    def mark_lost(session: Session, scope: ItemScope) -> tuple[ItemAction, str]:
        result, item = nudges.mark_lost(
            session, scope.workspace, scope.user_id, scope.key, scope.now
        )
        account = escape(item.account_name) if item else "this account"
        return result, f"✗ Marked lost: nothing more about {account} will be chased."

    _act_on_item(client, requester, metadata.key, metadata.item, mark_lost, None)


def _offer_cancel(client: WebClient, body: dict, requester: Requester, key_text: str) -> None:
    """Cancel from the overflow menu: the interaction, with the Cancel button that asks why."""
    checked = _item_or_refusal(client, body, requester, key_text, "Cancel it?")
    if checked is None:
        return
    item, zone = checked
    open_modal(
        client, body["trigger_id"], cancel_offer_modal(item, zone, requester.now()), "Cancel"
    )


def _act_in_message(
    client: WebClient,
    body: dict,
    requester: Requester,
    key_text: str | None,
    act: Callable[[Session, ItemScope], tuple[ItemAction, str]],
) -> None:
    """Run `act` on the item whose control was used, in the DM or the App Home (see
    _act_on_item)."""
    ref = NudgeItemRef.from_action(body, key_text)
    _act_on_item(client, requester, key_text, ref, act, body.get("message"))


def _act_on_item(
    client: WebClient,
    requester: Requester,
    key_text: str | None,
    ref: NudgeItemRef | None,
    act: Callable[[Session, ItemScope], tuple[ItemAction, str]],
    message: dict | None,
) -> None:
    """Run `act` on the item and show its result in place of the item's buttons in the DM
    `ref` names (the Home is republished either way); someone else's item gets a private
    refusal and changes nothing."""
    _, workspace, user_id = requester
    key = ItemKey.parse(key_text)
    if key is None:
        logger.info("nudge action on an unknown item %r", (key_text or "")[:40])
        return
    with requester.session() as session:
        scope = ItemScope(
            workspace, user_id, key, _cached_zone(session, workspace, user_id), requester.now()
        )
        state, status = act(session, scope)
    if state is ItemAction.NOT_YOURS:
        _tell(client, ref.channel if ref else user_id, user_id, NOT_YOURS)
        return
    if state is ItemAction.HANDLED:
        status = ALREADY_HANDLED
    else:
        refresh_home(client, requester)
    if (owned := own_message_ref(requester, ref)) is not None:
        show_item_status(client, owned, status, message)


def _cached_zone(session: Session, workspace: Workspace, user_id: str) -> str:
    rep = reps.find_rep(session, workspace, user_id)
    return rep.tz if rep and rep.tz else reps.FALLBACK_ZONE


def _tell(client: WebClient, channel: str, user_id: str, text: str) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=user_id, text=text)
    except SlackApiError as error:
        logger.info("could not answer a nudge button: %s", error.response.get("error"))
