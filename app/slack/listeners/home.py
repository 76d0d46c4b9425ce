"""The App Home: published when opened; its buttons (plan, log, reschedule, cancel) and the
Reschedule and Cancel modals, which any surface may open with the same buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from app.domain import plans, reps, schedule
from app.domain.metrics import FIGURES_DAYS, own_figures
from app.domain.schedule import Change
from app.models import ACCOUNT_NAME_MAX
from app.slack.client import open_modal
from app.slack.errors import NotAllowed, handled
from app.slack.flows.outcomes import open_outcome_form
from app.slack.flows.planning import open_planning_form
from app.slack.forms import cancel as cancel_form
from app.slack.forms import reschedule as reschedule_form
from app.slack.forms.cancel import CancelIds, CancelMetadata, cancel_modal
from app.slack.forms.fields import reading_hint
from app.slack.forms.metadata import InteractionFormMetadata, StaleForm
from app.slack.forms.outcome import loading_modal
from app.slack.forms.plan import PrecallMetadata
from app.slack.forms.reschedule import RescheduleIds, RescheduleMetadata, reschedule_modal
from app.slack.forms.state import state_values
from app.slack.home import publish_home, refresh_home
from app.slack.services import Requester
from app.slack.views.figures import figures_message
from app.slack.views.home import HomeIds
from app.slack.views.interaction_actions import InteractionIds
from app.slack.views.notices import notice_modal, stale_form_modal

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=InteractionFormMetadata)

NOT_YOURS = "This interaction is someone else's: only they can change it. Nothing changed."
CLOSED = "This interaction already has an outcome or was cancelled, so nothing changed."
TAKEN = "You already have an interaction with this account at that time. Nothing changed."


def register(app: App) -> None:
    app.event("app_home_opened")(handled(handle_app_home_opened))
    app.action(HomeIds.PLAN_NEW)(handled(handle_plan_new))
    app.action(HomeIds.PLAN)(handled(handle_plan))
    app.action(HomeIds.LOG_OUTCOME)(handled(handle_log_outcome))
    app.action(HomeIds.FIGURES)(handled(handle_figures))
    app.action(InteractionIds.RESCHEDULE)(handled(handle_reschedule_button))
    app.action(InteractionIds.CANCEL)(handled(handle_cancel_button))
    app.block_action(RescheduleIds.READ_WHEN)(handled(handle_new_time_typed))
    app.view_submission(RescheduleIds.CALLBACK)(handled(handle_reschedule_submission))
    app.view_submission(CancelIds.CALLBACK)(handled(handle_cancel_submission))


def handle_app_home_opened(event: dict, client: WebClient, requester: Requester) -> None:
    """The Home tab opened: publish it now (the Messages tab needs nothing; the event is
    acked before this runs)."""
    if event.get("tab", "home") != "home" or event.get("user") != requester.user_id:
        return
    publish_home(client, *requester)


def _clock(requester: Requester) -> tuple[str, str | None]:
    """The rep's zone and Slack locale as cached (the locale orders a numeric date)."""
    _, workspace, user_id = requester
    with requester.session() as session:
        rep = reps.find_rep(session, workspace, user_id)
        zone = rep.tz if rep and rep.tz else reps.FALLBACK_ZONE
        return zone, rep.locale if rep else None


def _own_open(requester: Requester, value: object) -> schedule.Changed:
    """The interaction a button names, when it is the requester's and still open."""
    interaction_id = schedule.parse_interaction_id(value)
    if interaction_id is None:
        return schedule.Changed(Change.NOT_YOURS)
    _, workspace, user_id = requester
    with requester.session() as session:
        checked = schedule.changeable(session, workspace, user_id, interaction_id)
        if checked.interaction is not None:
            session.expunge(checked.interaction)  # read after the transaction (account loaded)
        return checked


def _refuse(client: WebClient, body: dict, title: str, checked: schedule.Changed) -> None:
    message = NOT_YOURS if checked.change is Change.NOT_YOURS else CLOSED
    open_modal(client, body["trigger_id"], notice_modal(title, message), "a Home button")


def handle_plan_new(ack: Ack, body: dict, client: WebClient, requester: Requester) -> None:
    ack()
    services, workspace, user_id = requester
    open_planning_form(
        client,
        services,
        workspace,
        user_id,
        body["trigger_id"],
        plans.PlanPrefill(),
        PrecallMetadata(),
    )


def handle_plan(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Plan (or edit the plan of) one of the rep's coming interactions in /precall's form."""
    ack()
    checked = _own_open(requester, action.get("value"))
    interaction = checked.interaction
    if checked.change is not Change.DONE or interaction is None:
        _refuse(client, body, "Plan an interaction", checked)
        return
    # The form on this interaction, filled with its saved plan (if any): saving updates it.
    # Opened filled: Slack keeps what an input shows when the view is updated with the same
    # block, so a field left empty at views.open would stay empty.
    services, workspace, user_id = requester
    zone, _ = _clock(requester)
    open_planning_form(
        client,
        services,
        workspace,
        user_id,
        body["trigger_id"],
        plans.prefill_of(interaction, zone),
        PrecallMetadata(interaction_id=interaction.id),
    )


def handle_log_outcome(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """/postcall's form on the interaction (a loading modal first, as /postcall)."""
    ack()
    checked = _own_open(requester, action.get("value"))
    interaction = checked.interaction
    if checked.change is Change.NOT_YOURS or interaction is None:
        _refuse(client, body, "Log an outcome", checked)
        return
    opened = open_modal(client, body["trigger_id"], loading_modal(), "a Home button")
    if opened is not None:
        open_outcome_form(client, *requester, opened, interaction_id=interaction.id)


def handle_figures(ack: Ack, body: dict, client: WebClient, requester: Requester) -> None:
    """The full `/coach me` figures, in a modal."""
    ack()
    _, workspace, user_id = requester
    with requester.session() as session:
        current, previous = own_figures(session, workspace, user_id, requester.now())
    _, blocks = figures_message(current, previous, FIGURES_DAYS)
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Your figures"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [block.to_dict() for block in blocks],
    }
    open_modal(client, body["trigger_id"], view, "the figures button")


def handle_reschedule_button(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    ack()
    _open_change_form(
        client, body, action, requester, "Reschedule", RescheduleMetadata, reschedule_modal
    )


def _open_change_form(
    client: WebClient,
    body: dict,
    action: dict,
    requester: Requester,
    title: str,
    metadata_class: type[M],
    modal: Callable[[M], View],
) -> None:
    """The form about the interaction the button names, if it is the requester's and open."""
    checked = _own_open(requester, action.get("value"))
    interaction = checked.interaction
    if checked.change is not Change.DONE or interaction is None:
        _refuse(client, body, title, checked)
        return
    zone, locale = _clock(requester)
    metadata = metadata_class(
        interaction_id=interaction.id,
        zone=zone,
        locale=locale,
        account=interaction.account.name[:ACCOUNT_NAME_MAX],
        scheduled_at=interaction.scheduled_at,
    )
    open_modal(client, body["trigger_id"], modal(metadata), title)


def handle_new_time_typed(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    """Read the new time back under the field as it is typed."""
    ack()
    view = body["view"]
    try:
        metadata = RescheduleMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        client.views_update(view_id=view["id"], view=stale_form_modal())
        return
    reading = schedule.read_new_time(
        action.get("value"), metadata.zone, requester.now(), locale=metadata.locale
    )
    client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=reschedule_modal(metadata, reading_hint(reading)),
    )


def handle_reschedule_submission(
    ack: Ack, view: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Move the interaction; a time that cannot be read keeps the form open with why."""
    try:
        metadata = RescheduleMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    typed = reschedule_form.read(state_values(view)) or ""
    now = requester.now()
    reading = schedule.read_new_time(typed, metadata.zone, now, locale=metadata.locale)
    if not reading.ok or reading.at is None:
        ack(response_action="errors", errors={RescheduleIds.WHEN_BLOCK: reading.problem or ""})
        return
    ack()
    _, workspace, user_id = requester
    with requester.session() as session:
        moved = schedule.reschedule(
            session,
            workspace,
            user_id,
            metadata.interaction_id,
            to=reading.at,
            when_text=typed.strip(),
            source_view_id=str(view.get("id") or ""),
            now=now,
        )
    _raise_refusal(moved, "Not rescheduled")
    if moved.change is Change.DONE:
        refresh_home(fast_client, requester)


def handle_cancel_button(
    ack: Ack, body: dict, action: dict, client: WebClient, requester: Requester
) -> None:
    ack()
    _open_change_form(
        client, body, action, requester, "Cancel interaction", CancelMetadata, cancel_modal
    )


def handle_cancel_submission(
    ack: Ack, view: dict, fast_client: WebClient, requester: Requester
) -> None:
    try:
        metadata = CancelMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    reason = cancel_form.read(state_values(view))
    if reason is None:
        ack(response_action="errors", errors={CancelIds.REASON_BLOCK: "Choose why."})
        return
    ack()
    _, workspace, user_id = requester
    with requester.session() as session:
        cancelled = schedule.cancel(
            session, workspace, user_id, metadata.interaction_id, reason, requester.now()
        )
    _raise_refusal(cancelled, "Not cancelled")
    if cancelled.change is Change.DONE:
        refresh_home(fast_client, requester)


def _raise_refusal(changed: schedule.Changed, title: str) -> None:
    """What could not be done is told in a notice (the form has closed); nothing changed."""
    refusals = {Change.NOT_YOURS: NOT_YOURS, Change.CLOSED: CLOSED, Change.TAKEN: TAKEN}
    if changed.change in refusals:
        raise NotAllowed(refusals[changed.change], title=title)
