"""/coach calendar: connect the rep's calendar by its secret iCal address, see it masked,
disconnect it.

What needs no fetch (not an address, not https or webcal) is refused in the submission's ack,
under the field. Fetching and reading a feed can take longer than Slack's 3 s (a calendar of
a few years is megabytes of iCalendar), so the form then becomes "Checking…" and is replaced
when the check ends: by the calendar connected, with the meetings found, or by the form again,
with what is wrong (401, 404, not a calendar, too large, too slow, a private
address) right under it. The fetch has its own deadline and size cap (FeedPolicy).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from app.domain import company_domains, reps
from app.domain.calendar import links
from app.domain.calendar.address import normalize_address
from app.domain.calendar.check import check_feed
from app.domain.calendar.problems import FeedProblem
from app.domain.secrets import SecretBox
from app.domain.text import row_id
from app.slack.client import open_modal
from app.slack.directory import zone_for
from app.slack.errors import FieldError, NotAllowed, Unavailable, handled
from app.slack.forms import calendar as calendar_form
from app.slack.forms.calendar import (
    CalendarIds,
    CalendarMetadata,
    checking_modal,
    connect_modal,
    connected_modal,
    disconnected_modal,
    problem_text,
)
from app.slack.forms.metadata import StaleForm
from app.slack.forms.state import clicked_value, state_values
from app.slack.services import Requester, Services
from app.slack.subcommands import Subcommands
from app.slack.views.home import HomeIds
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
    app.action(HomeIds.CALENDAR)(handled(handle_calendar_button))
    app.action(CalendarIds.OPEN)(handled(handle_calendar_button))
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
    _open_calendar(ack, command["trigger_id"], client, fast_client, requester, "the calendar")


def handle_calendar_button(
    ack: Ack, body: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """The Home's calendar button, or a message's: the same as /coach calendar."""
    _open_calendar(ack, body["trigger_id"], client, fast_client, requester, "the calendar button")


def _open_calendar(
    ack: Ack,
    trigger_id: str,
    client: WebClient,
    fast_client: WebClient,
    requester: Requester,
    label: str,
) -> None:
    services, workspace, user_id = requester
    _secrets(services)
    zone = zone_for(fast_client, services, workspace, user_id)
    with requester.session() as session:
        link = links.find_link(session, workspace, user_id)
    ack()
    if link is None:
        view = connect_modal(CalendarMetadata(zone=zone))
    elif link.failing is not None:
        # It stopped answering: the way back is its address again (connecting replaces it).
        problem = problem_text(FeedProblem(link.failing), services.calendars.policy)
        view = connect_modal(CalendarMetadata(zone=zone), problem=problem)
    else:
        view = connected_modal(link.id, link.masked, link.connected_at, zone)
    open_modal(client, trigger_id, view, label)


def handle_connect_submission(
    ack: Ack, view: dict, client: WebClient, requester: Requester
) -> None:
    """What can be told at once (not an address, not https) under the field; then "Checking…"
    while the feed is fetched and read; then the calendar connected, or the form again with
    what is wrong under the address. Stored (encrypted) only when it is a calendar."""
    services, workspace, user_id = requester
    try:
        metadata = CalendarMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    secrets = _secrets(services)
    policy = services.calendars.policy
    typed = calendar_form.read(state_values(view))
    try:
        address = normalize_address(typed, allow_http=policy.allow_http)
    except FeedProblem as problem:
        raise FieldError(CalendarIds.ADDRESS_BLOCK, problem_text(problem, policy)) from None
    ack(response_action="update", view=checking_modal())
    now = requester.now()
    with requester.session() as session:
        rep = reps.find_rep(session, workspace, user_id)
        domains = company_domains.company_domains(session, workspace)
    try:
        checked = check_feed(
            address,
            policy,
            rep_addresses=frozenset({rep.email}) if rep is not None and rep.email else frozenset(),
            company_domains=domains,
            now=now,
            rep_zone=metadata.zone,
        )
    except FeedProblem as problem:
        logger.info("a calendar address was refused: %s", problem)  # never the address
        retry = connect_modal(metadata, problem=problem_text(problem, policy))
        _show(client, view["id"], retry)
        return
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
    connected = connected_modal(
        link.id, link.masked, link.connected_at, metadata.zone, found=checked.upcoming
    )
    _show(client, view["id"], connected)


def _show(client: WebClient, view_id: str, view: View) -> None:
    """Replace the modal; a rep who closed it meanwhile finds the same in `/coach calendar`."""
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        logger.info("could not show the calendar check: %s", error.response.get("error"))


def handle_disconnect_action(ack: Ack, body: dict, client: WebClient, requester: Requester) -> None:
    """Disconnect the rep's own calendar; twice is fine; another rep's is refused."""
    _, workspace, user_id = requester
    link_id = row_id(clicked_value(body))
    if link_id is None:
        raise NotAllowed(NOT_YOURS)
    with requester.session() as session:
        result = links.disconnect(session, workspace, user_id, link_id)
    if result is links.Disconnected.NOT_YOURS:
        raise NotAllowed(NOT_YOURS)
    ack()
    where = body.get("view") or {}
    if where.get("type") == "modal" and where.get("id"):
        already = result is links.Disconnected.ALREADY_GONE
        client.views_update(view_id=where["id"], view=disconnected_modal(already))
