"""Channel summaries: `/coach managers`, `/coach summary [list|now]`, its modal and buttons."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import SQLAlchemyError

from app.domain import summaries
from app.domain.checks import FieldErrors
from app.domain.summaries import Role, Subscription
from app.domain.text import row_id
from app.domain.workspace import Workspace
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.client import open_modal
from app.slack.directory import channel_problem, role_for
from app.slack.errors import NotAllowed, handled
from app.slack.forms import managers as managers_form
from app.slack.forms import summary as summary_form
from app.slack.forms.managers import ManagerIds, managers_modal
from app.slack.forms.metadata import StaleForm
from app.slack.forms.state import state_values
from app.slack.forms.summary import SummaryIds, SummaryMetadata, summary_modal
from app.slack.passes.summaries import PostedSummary, claim_post_now, post_now
from app.slack.payloads import first_action
from app.slack.response_urls import is_slack_response_url
from app.slack.services import Requester, Services
from app.slack.subcommands import Subcommands
from app.slack.views.formatting import plural
from app.slack.views.notices import notice_modal, stale_form_modal
from app.slack.views.summary_setup import (
    SummaryListIds,
    manager_welcome,
    saved_text,
    summary_list,
)

logger = logging.getLogger(__name__)

NOT_ALLOWED = (
    "Only workspace admins and owners, and the managers they name, can set up channel "
    "summaries. Ask an admin to add you with `/coach managers`. Your own figures are in "
    "`/coach me`."
)
ADMINS_ONLY = (
    "Only workspace admins and owners can name managers. Your own figures are in `/coach me`."
)
NOT_YOURS = "Only an admin or the manager who set this summary up can change it."
GONE = "This summary no longer exists: it was removed."
LIST_REFRESH_TIMEOUT = 10  # seconds; the list only catches up with a change already made
SUMMARY_USAGE = (
    "`/coach summary` sets up a channel summary, `/coach summary list` shows the ones you "
    "manage and `/coach summary now` posts yours at once, about the last complete day or "
    "week (`/coach summary now today`: today so far)."
)


def register(app: App, subcommands: Subcommands) -> None:
    subcommands.add(
        "managers",
        lambda asked: handle_managers_command(
            asked.ack, asked.command, asked.client, asked.fast_client, asked.requester
        ),
    )
    subcommands.add(
        "summary",
        lambda asked: handle_summary_command(
            asked.ack, asked.command, asked.client, asked.fast_client, asked.requester, asked.words
        ),
    )
    app.view_submission(SummaryIds.CALLBACK)(handled(handle_summary_submission))
    app.view_submission(ManagerIds.CALLBACK)(handled(handle_managers_submission))
    app.action(SummaryListIds.POST_NOW)(handled(handle_post_now_action))
    app.action(SummaryListIds.POST_TODAY)(handled(handle_post_now_action))
    app.action(SummaryListIds.EDIT)(handled(handle_edit_action))
    app.action(SummaryListIds.REMOVE)(handled(handle_remove_action))


# ----- /coach managers


def handle_managers_command(
    ack: Ack, command: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Admins and owners: a modal to add or remove managers. Anyone else: a polite no."""
    services, workspace, user_id = requester
    _, role = role_for(fast_client, services, workspace, user_id)
    if role is not Role.ADMIN:
        raise NotAllowed(ADMINS_ONLY)
    with requester.session() as session:
        current = summaries.manager_ids(session, workspace)
    ack()
    open_modal(client, command["trigger_id"], managers_modal(current), "a summary")


def handle_managers_submission(
    ack: Ack, view: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Make the chosen people the managers (checking again that an admin saves); each one newly
    named gets a DM saying what they can now do."""
    services, workspace, user_id = requester
    chosen = managers_form.read(state_values(view))
    _, role = role_for(fast_client, services, workspace, user_id)
    if role is not Role.ADMIN:
        raise NotAllowed(ADMINS_ONLY, block_id=ManagerIds.USERS_BLOCK)
    now = requester.now()
    with requester.session() as session:
        added, _ = summaries.set_managers(session, workspace, chosen, user_id, now)
    named = ", ".join(f"<@{manager}>" for manager in chosen) or "nobody"
    ack(
        response_action="update",
        view=notice_modal(
            "Managers", f"Managers now: {named}. They can set up summaries with `/coach summary`."
        ),
    )
    text, blocks = manager_welcome(user_id)
    for manager in added:  # named again after a removal, they hear again (once that day)
        delivery.send_once(
            client,
            services,
            workspace,
            kind=DeliveryKind.MANAGER_WELCOME,
            key=f"{manager}:{now.date().isoformat()}",
            channel=manager,
            text=text,
            blocks=blocks,
        )


# ----- /coach summary


def handle_summary_command(
    ack: Ack,
    command: dict,
    client: WebClient,
    fast_client: WebClient,
    requester: Requester,
    words: list[str],
) -> None:
    """`/coach summary` opens the modal; `list` shows the summaries; `now` posts one at once."""
    services, workspace, user_id = requester
    action = words[0].lower() if words else ""
    so_far = [word.lower() for word in words[1:]] == ["today"]
    if action not in ("", "list", "now") or (len(words) > 1 and not (action == "now" and so_far)):
        ack(text=SUMMARY_USAGE, response_type="ephemeral")
        return
    person, role = role_for(fast_client, services, workspace, user_id)
    if not summaries.may_set_up_summaries(role):
        raise NotAllowed(NOT_ALLOWED)
    with requester.session() as session:
        mine = summaries.manageable_subscriptions(session, workspace, role, user_id)
    if action == "list":
        text, blocks = summary_list(mine)
        ack(text=text, blocks=blocks, response_type="ephemeral")
    elif action == "now" and len(mine) != 1:
        heading = "Which one? Its *Post* buttons post it at once, outside its schedule."
        text, blocks = summary_list(mine, heading)
        ack(text=text, blocks=blocks, response_type="ephemeral")
    elif action == "now":
        (subscription,) = mine
        claim = claim_post_now(services, subscription, command["trigger_id"])
        if claim is None:
            ack(text=_just_posted(subscription), response_type="ephemeral")
            return
        ack(
            text=f"Posting the summary in <#{subscription.channel_id}> now…",
            response_type="ephemeral",
        )
        posted = post_now(client, services, subscription, claim, so_far=so_far)
        if not posted.sent:
            _tell(client, user_id, _post_now_result(subscription, posted))
    else:
        ack()
        metadata = SummaryMetadata(
            zone=person.zone, opened_in=summary_form.default_channel(command.get("channel_id"))
        )
        opened = open_modal(
            client,
            command["trigger_id"],
            summary_modal(None, metadata, services.now()),
            "a summary",
        )
        _load_usergroups(client, services, opened, None, metadata)


def handle_summary_submission(
    ack: Ack,
    view: dict,
    fast_client: WebClient,
    context: BoltContext,
    requester: Requester,
) -> None:
    """Check the form and the channel with Slack, then save; errors show at their fields."""
    services, workspace, user_id = requester
    try:
        metadata = SummaryMetadata.from_metadata(view.get("private_metadata"))
    except StaleForm:
        ack(response_action="update", view=stale_form_modal())
        return
    form = summary_form.read(state_values(view))

    def refuse(message: str, block: str = SummaryIds.CHANNEL_BLOCK) -> None:
        ack(response_action="errors", errors={block: message})

    person, role = role_for(fast_client, services, workspace, user_id)
    if not summaries.may_set_up_summaries(role):
        raise NotAllowed(NOT_ALLOWED, block_id=SummaryIds.CHANNEL_BLOCK)
    owner = user_id
    if metadata.subscription_id is not None:
        with requester.session() as session:
            existing = summaries.find_subscription(session, workspace, metadata.subscription_id)
        if existing is None:
            refuse(GONE)
            return
        if not summaries.may_manage(role, user_id, existing):
            refuse(NOT_YOURS)
            return
        owner = existing.owner_user_id
    settings = summaries.check_summary_form(form, metadata.zone or person.zone or "UTC")
    if not isinstance(settings, FieldErrors):
        problem = channel_problem(fast_client, settings.channel_id, context.bot_user_id)
        if problem:
            settings = FieldErrors({summaries.SummaryField.CHANNEL: problem})
    if isinstance(settings, FieldErrors):
        ack(response_action="errors", errors=summary_form.errors(settings))
        return
    with requester.session() as session:
        saved = summaries.save_subscription(
            session,
            workspace,
            owner,
            settings,
            requester.now(),
            metadata.subscription_id,
            source_view_id=view.get("id"),
        )
    if saved is None:
        refuse(GONE)
        return
    ack(response_action="update", view=notice_modal("Summary saved", saved_text(settings)))
    if metadata.list_url:
        _refresh_list(metadata.list_url, fast_client, services, workspace, role, user_id)


def _load_usergroups(
    client: WebClient,
    services: Services,
    opened: dict | None,
    current: summaries.SummarySettings | None,
    metadata: SummaryMetadata,
) -> None:
    """Fill the modal's user group choice (slow for Slack, so after the modal is open)."""
    if opened is None:
        return
    try:
        groups = client.usergroups_list(include_disabled=False)["usergroups"]
        choices = [(group["id"], group.get("handle") or group["id"]) for group in groups]
    except (SlackApiError, OSError) as error:
        logger.warning("could not list the user groups: %s", error)
        choices = []
    try:
        client.views_update(
            view_id=opened["id"],
            hash=opened.get("hash"),
            view=summary_modal(current, metadata, services.now(), choices),
        )
    except SlackApiError as error:  # the user closed it, or typed first: it stays usable
        logger.info("could not add the user groups to the modal: %s", error.response.get("error"))


# ----- the list's buttons


def _manageable(
    fast_client: WebClient, requester: Requester, body: dict, title: str
) -> tuple[Subscription, Role]:
    """The summary a list button is for and the clicker's role; NotAllowed (a modal says why)
    when they may not manage it. The role is checked through the fast client: the modal needs
    the button's trigger id, which lasts about 3 s."""
    services, workspace, user_id = requester
    subscription_id = row_id(first_action(body).get("value"))
    _, role = role_for(fast_client, services, workspace, user_id)
    subscription = None
    if subscription_id is not None:
        with requester.session() as session:
            subscription = summaries.find_subscription(session, workspace, subscription_id)
    refusal = None
    if not summaries.may_set_up_summaries(role):
        refusal = NOT_ALLOWED
    elif subscription is None:
        refusal = GONE
    elif not summaries.may_manage(role, user_id, subscription):
        refusal = NOT_YOURS
    if refusal or subscription is None:
        raise NotAllowed(refusal or GONE, title=title)
    return subscription, role


def handle_post_now_action(
    ack: Ack, body: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Post the summary at once, about its last complete day or week, or today so far (a modal
    says it is on its way, then how it went); the second click of a double click does
    nothing, its first click's modal tells how the post went."""
    ack()
    so_far = ((body.get("actions") or [{}])[0]).get("action_id") == SummaryListIds.POST_TODAY
    subscription, _ = _manageable(fast_client, requester, body, "Post now")
    services = requester.services
    claim = claim_post_now(services, subscription, body["trigger_id"])
    if claim is None:
        logger.info("summary %s: a repeated post now, not posted again", subscription.id)
        return
    opened = open_modal(
        client,
        body["trigger_id"],
        notice_modal("Post now", f"Posting the summary in <#{subscription.channel_id}>…"),
        "a summary",
    )
    posted = post_now(client, services, subscription, claim, so_far=so_far)
    if opened is None:
        return
    try:
        client.views_update(
            view_id=opened["id"],
            view=notice_modal("Post now", _post_now_result(subscription, posted)),
        )
    except SlackApiError as error:
        logger.info("could not show how a post went: %s", error.response.get("error"))


def _just_posted(subscription: Subscription) -> str:
    return (
        f"The summary in <#{subscription.channel_id}> was asked for moments ago and is posted "
        "once. To post it again, ask again in a few seconds."
    )


def _post_now_result(subscription: Subscription, posted: PostedSummary) -> str:
    channel = f"<#{subscription.channel_id}>"
    if posted.sent:
        count = posted.replies
        replies = f", with {count} thread {plural(count, 'reply', 'replies')}" if count else ""
        return f"Posted in {channel}{replies}."
    if posted.stopped:
        return (
            f"Slack refused the post in {channel} (`{posted.error}`): the summary is stopped. "
            "Edit it to choose another channel."
        )
    return (
        f"The summary could not be posted in {channel} just now (`{posted.error}`). "
        "Try again in a minute."
    )


def handle_edit_action(
    ack: Ack, body: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Open the summary modal filled with the summary's settings."""
    ack()
    subscription, _ = _manageable(fast_client, requester, body, "Edit summary")
    services = requester.services
    current = subscription.settings
    metadata = SummaryMetadata(
        subscription_id=subscription.id,
        zone=subscription.zone,
        list_url=body.get("response_url"),  # the list shows the edit once it is saved
    )
    opened = open_modal(
        client, body["trigger_id"], summary_modal(current, metadata, services.now()), "a summary"
    )
    _load_usergroups(client, services, opened, current, metadata)


def handle_remove_action(
    ack: Ack, body: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """Remove the summary (the button asked for confirmation); a modal says it is done, and
    the list no longer shows it."""
    ack()
    subscription, role = _manageable(fast_client, requester, body, "Remove summary")
    services, workspace, user_id = requester
    with requester.session() as session:
        summaries.remove_subscription(session, workspace, subscription.id)
    open_modal(
        client,
        body["trigger_id"],
        notice_modal(
            "Summary removed",
            f"The summary in <#{subscription.channel_id}> will not be posted again.",
        ),
        "a summary",
    )
    if body.get("response_url"):
        _refresh_list(body["response_url"], client, services, workspace, role, user_id)


def _refresh_list(
    response_url: str,
    client: WebClient,
    services: Services,
    workspace: Workspace,
    role: Role,
    user_id: str,
) -> None:
    """Show the `/coach summary list` message an edit or a removal started from as the
    summaries are now (through its response_url: the list is ephemeral)."""
    if not is_slack_response_url(response_url, client.base_url):  # the form's metadata is input
        logger.warning("did not refresh a summary list: its response_url is not Slack's")
        return
    try:
        with services.session() as session:
            mine = summaries.manageable_subscriptions(session, workspace, role, user_id)
        text, blocks = summary_list(mine)
        response = WebhookClient(response_url, timeout=LIST_REFRESH_TIMEOUT).send(
            text=text, blocks=blocks, replace_original=True
        )
    except (SQLAlchemyError, OSError) as error:
        logger.info("could not refresh a summary list: %s", error)
        return
    if response.status_code != 200:  # expired (30 minutes, 5 uses): the list is only stale
        logger.info("could not refresh a summary list: %s %s", response.status_code, response.body)


def _tell(client: WebClient, user_id: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        logger.info(
            "could not tell %s how a summary went: %s", user_id, error.response.get("error")
        )
