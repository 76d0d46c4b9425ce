"""The app's installations: uninstalled, tokens revoked (in either order: sending stops at once
and the installation goes), and an Enterprise Grid org granting or revoking its workspaces."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_bolt.oauth import OAuthFlow

from app.domain import installs
from app.domain.workspace import Workspace
from app.slack.errors import handled
from app.slack.payloads import object_at, slack_ids
from app.slack.services import Services

logger = logging.getLogger(__name__)


def register(app: App, oauth_flow: OAuthFlow | None, retention_days: int) -> None:
    store = oauth_flow.settings.installation_store if oauth_flow is not None else None

    def forget(context: BoltContext, body: dict, services: Services) -> None:
        """The workspace (or every workspace of an org-wide install) gets nothing more; its
        installation is deleted now, its data after the retention window."""
        enterprise_id = context.enterprise_id
        org_wide = bool(body.get("is_enterprise_install"))
        team_id = None if org_wide else context.team_id
        if store is not None:
            store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        with services.session() as session:
            if team_id:
                installs.record_uninstalled(
                    session, Workspace(team_id, enterprise_id), services.now(), retention_days
                )
            elif enterprise_id:
                installs.record_org_uninstalled(
                    session, enterprise_id, services.now(), retention_days
                )
        logger.info("uninstalled from %s", team_id or enterprise_id)

    def handle_app_uninstalled_event(context: BoltContext, body: dict, services: Services) -> None:
        """The app was removed from the workspace or the org."""
        forget(context, body, services)

    def handle_tokens_revoked_event(
        event: dict, context: BoltContext, body: dict, services: Services
    ) -> None:
        """The bot token is the app's only token: without it the app is uninstalled."""
        if slack_ids(object_at(event, "tokens").get("bot")):
            forget(context, body, services)

    def handle_team_access_event(event: dict, context: BoltContext, services: Services) -> None:
        """An org-wide install's org granted or revoked workspaces."""
        granted = event.get("type") == "team_access_granted"
        enterprise_id = context.enterprise_id
        with services.session() as session:
            for team_id in slack_ids(event.get("team_ids")):
                workspace = Workspace(team_id, enterprise_id)
                if granted:
                    installs.record_installed(session, workspace, services.now())
                else:
                    installs.record_uninstalled(session, workspace, services.now(), retention_days)

    app.event("app_uninstalled")(handled(handle_app_uninstalled_event))
    app.event("tokens_revoked")(handled(handle_tokens_revoked_event))
    app.event("team_access_granted")(handled(handle_team_access_event))
    app.event("team_access_revoked")(handled(handle_team_access_event))
