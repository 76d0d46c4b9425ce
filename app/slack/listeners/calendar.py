"""/coach calendar: connect the rep's calendar by its secret iCal address, see it masked,
disconnect it.

The address is checked inside the submission's ack (Slack allows 3 s): the fetch has its own
deadline (FeedPolicy.check_seconds) and size cap, so a wrong, slow or huge address gets an
error under the field that says what is wrong, and nothing is stored.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app.domain import company_domains, reps
from app.domain.calendar import links
from app.domain.calendar.check import check_feed
from app.domain.calendar.problems import FeedProblem
from app.domain.secrets import SecretBox
from app.slack.client import open_modal
from app.slack.directory import zone_for
from app.slack.errors import FieldError, NotAllowed, Unavailable, handled
from app.slack.forms import calendar as calendar_form
from app.slack.forms.calendar import (
    CalendarIds,
    CalendarMetadata,
    connect_modal,
    connected_modal,
    disconnected_modal,
    problem_text,
)
from app.slack.forms.metadata import StaleForm
from app.slack.services import Requester, Services
from app.slack.subcommands import Subcommands
from app.slack.views.notices import stale_form_modal

logger = logging.getLogger(__name__)

NOT_SET_UP = (
    "Calendars cannot be connected on this server yet: whoever runs it must set "
    "COACH_SECRET_KEY (see docs/calendar.md)."
)
NOT_YOURS = "This is another rep's calendar: only they can disconnect it."


def register(app: App, subcommands: Subcommands) -> None:
    subcommands.add(
        "calendar",
        lambda asked: handle_calendar_command(
            asked.ack, asked.command, asked.client, asked.fast_client, asked.requester
        ),
    )
    app.view_submission(CalendarIds.CALLBACK)(handled(handle_connect_submission))
    app.action(CalendarIds.DISCONNECT)(handled(handle_disconnect_action))


def _secrets(services: Services) -> SecretBox:
    if services.calendars.secrets is None:
        raise Unavailable(NOT_SET_UP)
    return services.calendars.secrets


def handle_calendar_command(
    ack: Ack, command: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """The connected calendar, masked, with Disconnect; or the form to connect one."""
    services, workspace, user_id = requester
    _secrets(services)
    zone = zone_for(fast_client, services, workspace, user_id)
    with requester.session() as session:
        link = links.find_link(session, workspace, user_id)
    ack()
    if link is None:
        view = connect_modal(CalendarMetadata(zone=zone))
    else:
        view = connected_modal(link.id, link.masked, link.connected_at, zone)
    open_modal(client, command["trigger_id"], view, "the calendar")


def handle_connect_submission(ack: Ack, view: dict, requester: Requester) -> None:
    """Fetch and read the pasted address now; store it (encrypted) only if it is a calendar."""
    services, workspace, user_id = requester
    try:
        metadata = CalendarMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    secrets = _secrets(services)
    text = calendar_form.read(view["state"]["values"])
    now = requester.now()
    with requester.session() as session:
        rep = reps.find_rep(session, workspace, user_id)
        domains = company_domains.company_domains(session, workspace)
    policy = services.calendars.policy
    try:
        checked = check_feed(
            text,
            policy,
            rep_addresses=frozenset({rep.email}) if rep is not None and rep.email else frozenset(),
            company_domains=domains,
            now=now,
            rep_zone=metadata.zone,
        )
    except FeedProblem as problem:
        logger.info("a calendar address was refused: %s", problem)  # never the address
        raise FieldError(CalendarIds.ADDRESS_BLOCK, problem_text(problem, policy)) from None
    with requester.session() as session:
        link = links.connect(
            session,
            workspace,
            user_id,
            checked.address,
            secrets,
            now,
            etag=checked.etag,
            last_modified=checked.last_modified,
        )
    logger.info("%s connected a calendar (%d upcoming meetings)", user_id, checked.upcoming)
    ack(
        response_action="update",
        view=connected_modal(
            link.id, link.masked, link.connected_at, metadata.zone, found=checked.upcoming
        ),
    )


def handle_disconnect_action(ack: Ack, body: dict, client: WebClient, requester: Requester) -> None:
    """Disconnect the rep's own calendar; twice is fine; another rep's is refused."""
    _, workspace, user_id = requester
    value = ((body.get("actions") or [{}])[0]).get("value") or ""
    if not value.isdigit():
        raise NotAllowed(NOT_YOURS)
    with requester.session() as session:
        result = links.disconnect(session, workspace, user_id, int(value))
    if result is links.Disconnected.NOT_YOURS:
        raise NotAllowed(NOT_YOURS)
    ack()
    where = body.get("view") or {}
    if where.get("type") == "modal" and where.get("id"):
        already = result is links.Disconnected.ALREADY_GONE
        client.views_update(view_id=where["id"], view=disconnected_modal(already))
