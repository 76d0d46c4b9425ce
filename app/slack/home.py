"""The App Home: built from its sections, published on open and after every change that
affects it (debounced per rep), and never the reason an action fails."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import home, reps
from app.domain.workspace import Workspace
from app.slack import directory
from app.slack.client import SLACK_TIMEOUT_SECONDS
from app.slack.flows.team_home import team_home_section
from app.slack.services import Requester, Services
from app.slack.views.home import board_blocks, home_view

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeScope:
    """Whose Home is built, in which zone, as of when."""

    workspace: Workspace
    user_id: str
    zone: str
    now: datetime


# A section: its blocks for the scope, read in the Home's one transaction (an empty list
# when it has nothing to show this person).
HomeSection = Callable[[Session, HomeScope], list[Block]]


def rep_board(session: Session, scope: HomeScope) -> list[Block]:
    """The rep's own commitment board."""
    board = home.load_board(session, scope.workspace, scope.user_id, scope.zone, scope.now)
    return board_blocks(board, scope.zone, scope.now)


# The Home's sections, top to bottom; another surface adds its builder here (a manager's
# team, say), and every publish shows it.
SECTIONS: list[HomeSection] = [rep_board]


def build_home(session: Session, scope: HomeScope) -> dict:
    return home_view([section(session, scope) for section in SECTIONS]).to_dict()


def _team(client: WebClient, requester: Requester, zone: str) -> list[Block]:
    """A manager's or an admin's Team section (none for a rep). It needs Slack (the person's
    role, their summaries' user groups): without an answer the Home goes out without it."""
    try:
        _, role = directory.role_for(
            client, requester.services, requester.workspace, requester.user_id
        )
        return team_home_section(client, requester, role, zone) or []
    except (SlackApiError, directory.CannotTell) as error:
        logger.info("App Home without its Team section for %s: %r", requester.user_id, error)
        return []


def _publishing_client(client: WebClient) -> WebClient:
    """The app's client as the Home publishes with it: after the ack, so Slack's usual timeout,
    and no retry on 429 (the publish is scheduled again after its Retry-After instead)."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        headers=client.headers,
        retry_handlers=[ConnectionErrorRetryHandler()],
    )


def publish_home(client: WebClient, services: Services, workspace: Workspace, user_id: str) -> None:
    """Publish the Home now. A refusal is logged; a 429 is tried again after its Retry-After."""
    client = _publishing_client(client)
    try:
        try:
            zone = directory.zone_for(client, services, workspace, user_id)
        except directory.ProfileUnavailable:
            zone = reps.FALLBACK_ZONE
        with services.session() as session:
            scope = HomeScope(workspace, user_id, zone, services.now())
            sections = [section(session, scope) for section in SECTIONS]
        sections.append(_team(client, Requester(services, workspace, user_id), zone))
        view = home_view(sections).to_dict()
    except SQLAlchemyError as error:
        logger.warning("App Home not built for %s: %s", user_id, error)
        return
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        if error.response.status_code == 429:
            wait = float(error.response.headers.get("Retry-After", 1) or 1)
            logger.info("views.publish rate limited: again in %s s", wait)
            _schedule(client, services, workspace, user_id, delay=wait)
            return
        logger.warning("views.publish failed for %s: %s", user_id, error.response.get("error"))


def refresh_home(client: WebClient, requester: Requester) -> None:
    """Republish the requester's Home soon, once for a burst of changes; never raises."""
    services, workspace, user_id = requester
    try:
        _schedule(client, services, workspace, user_id)
    except Exception:  # the change is done; a Home a little behind is no reason to fail it
        logger.exception("App Home refresh not scheduled for %s", user_id)


def _schedule(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    user_id: str,
    delay: float | None = None,
) -> None:
    services.home_publishes.request(
        (workspace.team_id, user_id),
        lambda: publish_home(client, services, workspace, user_id),
        delay,
    )
