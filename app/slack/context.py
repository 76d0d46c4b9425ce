"""The app's middleware: the verified workspace, the requester and the fast client, once."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_sdk.oauth.installation_store import InstallationStore

from app.domain import installs
from app.domain.workspace import Workspace
from app.slack.client import make_fast_client
from app.slack.payloads import names_slack_ids, object_at, slack_id
from app.slack.response_urls import is_slack_response_url, payload_response_urls
from app.slack.services import (
    REQUESTER_KEY,
    SERVICES_KEY,
    WORKSPACE_KEY,
    Requester,
    Services,
)

logger = logging.getLogger(__name__)

# A context key, which Bolt passes to any listener naming it as an argument.
FAST_CLIENT_KEY = "fast_client"
NOT_INSTALLED = "This app is not installed in this workspace."
NOT_READABLE = "Slack sent this command in a form I cannot read, so nothing was done."
NOT_GRANTED = (
    "Commitment Coach is installed in your Enterprise Grid org, but not in this workspace. "
    "An org admin can add it here: the org's admin dashboard > Integrations > Installed apps > "
    "Commitment Coach > Add to more workspaces."
)


def named_workspaces(body: dict) -> tuple[set[str], set[str]]:
    """Every team id and enterprise id the payload names (where it came from, who acts)."""
    teams: set[str] = set()
    enterprises: set[str] = set()
    user, team, enterprise = (object_at(body, name) for name in ("user", "team", "enterprise"))
    for value in (body.get("team_id"), team.get("id"), user.get("team_id")):
        if value:
            teams.add(str(value))
    for value in (body.get("enterprise_id"), enterprise.get("id"), user.get("enterprise_id")):
        if value:
            enterprises.add(str(value))
    return teams, enterprises


def verified_workspace(context: BoltContext, body: dict) -> Workspace | None:
    """The workspace of the installation that authorized the request, if the payload names
    no other; None for a request from a workspace the app is not installed in."""
    installed = context.authorize_result
    if installed is None:
        return None
    teams, enterprises = named_workspaces(body)
    if enterprises - {installed.enterprise_id}:
        return None
    if installed.team_id:
        return (
            Workspace(installed.team_id, installed.enterprise_id)
            if teams <= {installed.team_id}
            else None
        )
    # An org-wide install: the workspace is the one the verified enterprise's payload names.
    if installed.enterprise_id and len(teams) == 1:
        return Workspace(teams.pop(), installed.enterprise_id)
    return None


def refusal(body: dict, text: str = NOT_INSTALLED) -> BoltResponse:
    """A command gets a polite ephemeral; interactions and events get an empty 200."""
    if body.get("command"):
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    return BoltResponse(status=200, body="")


def _org_wide(context: BoltContext) -> bool:
    installed = context.authorize_result
    return bool(installed is not None and installed.enterprise_id and not installed.team_id)


# Events about the installation itself: they name no workspace of their own (an org's grants)
# or arrive once the installation is gone; Slack signed them, and their listener reads the
# team and enterprise Bolt took from the envelope.
LIFECYCLE_EVENTS = frozenset(
    {"app_uninstalled", "tokens_revoked", "team_access_granted", "team_access_revoked"}
)


def installation_check(
    store: InstallationStore,
) -> Callable[[BoltContext, BoltRequest, Callable[[], BoltResponse]], BoltResponse | None]:
    """OAuth mode, before Bolt's authorize: a workspace with no installation gets the app's
    own answer (Bolt's would go to the payload's response_url, whatever host that names)."""

    def check_installed(
        context: BoltContext,
        request: BoltRequest,
        next: Callable[[], BoltResponse],  # noqa: A002
    ) -> BoltResponse | None:
        body = request.body if isinstance(request.body, dict) else {}
        if object_at(body, "event").get("type") in LIFECYCLE_EVENTS or not (
            context.team_id or context.enterprise_id
        ):
            return next()
        found = store.find_installation(
            enterprise_id=context.enterprise_id,
            team_id=context.team_id,
            is_enterprise_install=context.is_enterprise_install,
        )
        if found is None or not found.bot_token:
            logger.info("refused a request from %s: not installed", context.team_id)
            return refusal(body)
        return next()

    return check_installed


def request_middleware(
    services: Services,
) -> Callable[[BoltContext, BoltRequest, Callable[[], BoltResponse]], BoltResponse | None]:
    """Put what every listener starts from into the context; refuse foreign workspaces."""

    def provide_request(
        context: BoltContext,
        request: BoltRequest,
        next: Callable[[], BoltResponse],  # noqa: A002
    ) -> BoltResponse | None:
        body = request.body if isinstance(request.body, dict) else {}
        if object_at(body, "event").get("type") in LIFECYCLE_EVENTS:
            context[SERVICES_KEY] = services
            return next()
        workspace = verified_workspace(context, body)
        if workspace is None:
            logger.warning(
                "refused a request from team(s) %s: not the installed workspace",
                [team[:32] for team in sorted(named_workspaces(body)[0])[:3]],
            )
            return refusal(body)
        if not names_slack_ids(body):
            logger.warning("refused a command naming its user or channel otherwise than Slack")
            return refusal(body, NOT_READABLE)
        if not all(
            is_slack_response_url(url, context.client.base_url)
            for url in payload_response_urls(body)
        ):
            logger.warning("refused a request whose response_url is not Slack's")
            return refusal(body)
        if _org_wide(context):
            with services.session() as session:
                granted = installs.is_granted(session, workspace)
            if not granted:
                logger.info("refused a request from %s: not granted by its org", workspace.team_id)
                return refusal(body, NOT_GRANTED)
        context[SERVICES_KEY] = services
        context[WORKSPACE_KEY] = workspace
        # Built from this request's client, which carries the token of its installation.
        context[FAST_CLIENT_KEY] = make_fast_client(context.client)
        user_id = slack_id(
            object_at(body, "user").get("id") or body.get("user_id") or context.user_id
        )
        if user_id is not None:
            context[REQUESTER_KEY] = Requester(services, workspace, user_id)
        return next()

    return provide_request
