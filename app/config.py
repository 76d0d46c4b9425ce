"""Settings from the environment (and an optional .env file), read in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_FILE = "coach.db"
SLACK_API_DEFAULT = "https://slack.com/api/"

# Where an admin finds each credential; used in the message shown when one is missing.
CREDENTIAL_SOURCES = {
    "SLACK_BOT_TOKEN": "api.slack.com/apps > your app > OAuth & Permissions > "
    "Bot User OAuth Token (xoxb-...)",
    "SLACK_SIGNING_SECRET": "api.slack.com/apps > your app > Basic Information > "
    "App Credentials > Signing Secret",
    "SLACK_APP_TOKEN": "api.slack.com/apps > your app > Basic Information > App-Level Tokens "
    "(scope connections:write, xapp-...)",
    "SLACK_CLIENT_ID": "api.slack.com/apps > your app > Basic Information > App Credentials > "
    "Client ID",
    "SLACK_CLIENT_SECRET": "api.slack.com/apps > your app > Basic Information > "
    "App Credentials > Client Secret",
}


class Settings(BaseSettings):
    """Runtime configuration; see the README for what each variable does."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    # Installs through OAuth (many workspaces, Grid orgs) when both are set; see docs/installs.md.
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_scopes: str = ""  # comma-separated; default: the bot scopes of manifest.yml
    slack_redirect_uri: str = ""  # default: Slack uses the app's only Redirect URL
    uninstall_retention_days: int = Field(default=0, ge=0)
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"
    )
    port: int = 3000
    web_concurrency: int = 2
    log_level: str = "INFO"
    # The morning nudges (see docs/nudges.md).
    nudge_sends_per_second: float = Field(default=1.0, ge=0)  # 0: as fast as Slack answers
    nudge_sweep_minutes: int = Field(default=5, ge=1, le=60)
    nudge_outcome_grace_minutes: int = Field(default=60, ge=0)
    # Calendars (see docs/calendar.md): the key that encrypts their addresses, and whether an
    # address may use plain http and loopback hosts (the sandbox and the tests only).
    coach_secret_key: str = Field(default="", repr=False)
    calendar_allow_http: bool = False
    calendar_sync_minutes: int = Field(default=15, ge=1, le=24 * 60)  # the worker's calendar pass

    # Shifts the app's clock (app/clock.py): for the sandbox's clock panel and demos.
    clock_offset_seconds: float = 0.0

    @property
    def oauth_enabled(self) -> bool:
        """Installs through OAuth, each workspace with its own token (else one SLACK_BOT_TOKEN)."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def sqlalchemy_url(self) -> str:
        return normalize_database_url(self.database_url)

    def missing(self, *names: str) -> list[str]:
        """The environment variable names among `names` that hold no value."""
        return [name for name in names if not getattr(self, name.lower())]


def normalize_database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever scheme a hosting provider hands out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
