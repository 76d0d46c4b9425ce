"""The app's middleware: the verified workspace, the requester and the fast client, once."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient

from app.domain.workspace import Workspace
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


def named_workspaces(body: dict) -> tuple[set[str], set[str]]:
    """Every team id and enterprise id the payload names (where it came from, who acts)."""
    teams: set[str] = set()
    enterprises: set[str] = set()
    user, team, enterprise = (_object(body, name) for name in ("user", "team", "enterprise"))
    for value in (body.get("team_id"), team.get("id"), user.get("team_id")):
        if value:
            teams.add(str(value))
    for value in (body.get("enterprise_id"), enterprise.get("id"), user.get("enterprise_id")):
        if value:
            enterprises.add(str(value))
    return teams, enterprises


def _object(body: dict, name: str) -> dict:
    """The payload's `name` object; {} when absent or not an object (a crafted payload)."""
    value = body.get(name)
    return value if isinstance(value, dict) else {}


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


def refusal(body: dict) -> BoltResponse:
    """A command gets a polite ephemeral; interactions and events get an empty 200."""
    if body.get("command"):
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": NOT_INSTALLED})
    return BoltResponse(status=200, body="")


def request_middleware(
    services: Services, fast_client: WebClient
) -> Callable[[BoltContext, BoltRequest, Callable[[], BoltResponse]], BoltResponse | None]:
    """Put what every listener starts from into the context; refuse foreign workspaces."""

    def provide_request(
        context: BoltContext,
        request: BoltRequest,
        next: Callable[[], BoltResponse],  # noqa: A002
    ) -> BoltResponse | None:
        body = request.body if isinstance(request.body, dict) else {}
        workspace = verified_workspace(context, body)
        if workspace is None:
            logger.warning(
                "refused a request from team(s) %s: not the installed workspace",
                [team[:32] for team in sorted(named_workspaces(body)[0])[:3]],
            )
            return refusal(body)
        if not all(
            is_slack_response_url(url, fast_client.base_url) for url in payload_response_urls(body)
        ):
            logger.warning("refused a request whose response_url is not Slack's")
            return refusal(body)
        context[SERVICES_KEY] = services
        context[WORKSPACE_KEY] = workspace
        context[FAST_CLIENT_KEY] = fast_client
        user_id = _object(body, "user").get("id") or body.get("user_id") or context.user_id
        if isinstance(user_id, str) and user_id:
            context[REQUESTER_KEY] = Requester(services, workspace, user_id)
        return next()

    return provide_request
