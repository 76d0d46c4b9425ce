"""Installing the app through OAuth v2: Bolt's flow over slack_sdk's SQLAlchemy stores in the
app's own database, the install and result pages, the installer's welcome DM, and the Web API
client of each installed workspace for the worker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from slack_bolt import BoltResponse
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from app.config import Settings
from app.domain import installs
from app.domain.workspace import Workspace
from app.slack.services import Services
from app.slack.views import install_pages

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes of manifest.yml (tests/test_manifest.py keeps the two equal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "im:write",
    "im:history",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "usergroups:read",
    "files:write",
    "dnd:read",
)
# How long an install link (its OAuth state) may be used, once.
STATE_EXPIRATION_SECONDS = 600
# Refresh a rotating token this long before it expires (Slack's tokens live 12 hours).
ROTATE_MINUTES_BEFORE_EXPIRY = 120


# The privacy document, beside the code in a checkout (as `pip install -e .` deploys it).
PRIVACY_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def privacy_text() -> str:
    try:
        return PRIVACY_DOCUMENT.read_text(encoding="utf-8")
    except OSError:
        return "See docs/privacy.md in the app's repository."


def authorization_url(api_url: str) -> str:
    """Slack's authorize page on the host of its Web API: slack.com, or the sandbox's double."""
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/oauth/v2/authorize"


def scopes(settings: Settings) -> list[str]:
    chosen = [scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip()]
    return chosen or list(BOT_SCOPES)


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


class InstallFlow(OAuthFlow):
    """Bolt's OAuth flow, with the app's own install page."""

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return install_pages.install_page(url)


def oauth_flow(
    settings: Settings, engine: Engine, services: Services, client: WebClient
) -> InstallFlow:
    """The flow serving GET /slack/install and /slack/oauth_redirect, and authorizing every
    request with the token of its workspace's installation (rotated when it is due)."""
    store = installation_store(settings, engine)
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=scopes(settings),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
        installation_store=store,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine
        ),
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY,
        callback_options=CallbackOptions(
            success=_on_installed(services, client), failure=_on_failed
        ),
    )
    # Bolt's token rotator calls slack.com unless told otherwise: it must use SLACK_API_URL.
    rotator = oauth.authorize.token_rotator  # type: ignore[attr-defined]
    if rotator is not None:
        rotator.client = client
    return InstallFlow(client=client, settings=oauth)


def _on_installed(services: Services, client: WebClient) -> Callable[[SuccessArgs], BoltResponse]:
    def on_installed(args: SuccessArgs) -> BoltResponse:
        """Record the workspace (a reinstall keeps its data), welcome the installer, say what
        comes next. An org-wide install serves the workspaces its org grants, as they come."""
        installation = args.installation
        if installation.team_id and not installation.is_enterprise_install:
            with services.session() as session:
                installs.record_installed(
                    session,
                    Workspace(installation.team_id, installation.enterprise_id),
                    services.now(),
                )
        _welcome(client, installation)
        return BoltResponse(
            status=200,
            body=install_pages.installed_page(
                installation.team_name or installation.enterprise_name or "your workspace",
                org_wide=bool(installation.is_enterprise_install),
            ),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )

    return on_installed


def _welcome(client: WebClient, installation: Installation) -> None:
    """The DM that starts the installer off; a failure is logged, never shown on the page."""
    text, blocks = install_pages.welcome_message()
    welcome = WebClient(
        token=installation.bot_token, base_url=client.base_url, timeout=client.timeout
    )
    try:
        welcome.chat_postMessage(channel=installation.user_id, text=text, blocks=blocks)
    except (SlackApiError, OSError) as error:
        logger.warning("could not send the installer's welcome DM: %s", _error_code(error))


def _on_failed(args: FailureArgs) -> BoltResponse:
    logger.info("an install failed: %s", args.reason)
    return BoltResponse(
        status=args.suggested_status_code,
        body=install_pages.failed_page(args.reason),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def _error_code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__


# ----- the worker's clients, one per installed workspace


class WorkspaceClients:
    """The Web API client of the workspace a piece of work belongs to; None when the app may
    not call Slack for it (uninstalled, its tokens revoked, not granted by its org)."""

    def client_for(self, workspace: Workspace) -> WebClient | None:
        raise NotImplementedError


class SingleWorkspace(WorkspaceClients):
    """Single-workspace mode: SLACK_BOT_TOKEN's client serves the work there is, until the
    workspace uninstalls the app."""

    def __init__(self, client: WebClient, services: Services) -> None:
        self.client = client
        self.services = services

    def client_for(self, workspace: Workspace) -> WebClient | None:
        with self.services.session() as session:
            return self.client if installs.may_serve(session, workspace) else None


def workspace_clients(client: WebClient | WorkspaceClients, services: Services) -> WorkspaceClients:
    """The clients a pass calls Slack with: one bot token's, or each installation's."""
    return client if isinstance(client, WorkspaceClients) else SingleWorkspace(client, services)


class InstalledWorkspaces(WorkspaceClients):
    """OAuth mode: each workspace's installation (its own, or its Grid org's), its token
    rotated when due, a fresh client for each pass so no token outlives a refresh."""

    def __init__(
        self, settings: Settings, engine: Engine, services: Services, client: WebClient
    ) -> None:
        self.store = installation_store(settings, engine)
        self.services = services
        self.client = client
        self.rotator = TokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            client=client,
        )

    def installation(self, workspace: Workspace) -> Installation | None:
        with self.services.session() as session:
            if not installs.may_serve(session, workspace):
                return None
        found = self.store.find_installation(
            enterprise_id=workspace.enterprise_id, team_id=workspace.team_id
        )
        if found is None and workspace.enterprise_id:
            found = self.store.find_installation(
                enterprise_id=workspace.enterprise_id, team_id=None, is_enterprise_install=True
            )
        if found is None or not found.bot_token:
            return None
        if found.bot_refresh_token:
            try:
                refreshed = self.rotator.perform_token_rotation(
                    installation=found, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
                )
            except SlackTokenRotationError as error:
                logger.warning("could not refresh the token of %s: %s", workspace.team_id, error)
                return None
            if refreshed is not None:
                self.store.save(refreshed)
                found = refreshed
        return found

    def client_for(self, workspace: Workspace) -> WebClient | None:
        found = self.installation(workspace)
        if found is None:
            return None
        return WebClient(
            token=found.bot_token,
            base_url=self.client.base_url,
            timeout=self.client.timeout,
            # An org-wide token names the workspace on every call, as Grid requires.
            team_id=workspace.team_id if found.is_enterprise_install else None,
            retry_handlers=list(self.client.retry_handlers or []),
        )
