"""The double's state, one lock over all of it, and the counters every part draws from."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer

from app.sandbox.inbound import DEFAULT_APP_ID, DEFAULT_TEAM_DOMAIN
from app.sandbox.slack_double.records import (
    Channel,
    Fault,
    Hook,
    IssuedToken,
    Message,
    RecordedCall,
    User,
)

API_PATH = "/api/"
HOOK_PATH = "/hooks/"
UPLOAD_PATH = "/upload/"


class DoubleState:
    """What the double knows: the team, the workspace, views, hooks, calls; and its server."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T0001",
        team_name: str = "Acme",
        team_domain: str = DEFAULT_TEAM_DOMAIN,
        bot_user_id: str = "U0COACHBOT",
        bot_id: str = "B0COACHBOT",
        bot_name: str = "coach",
        app_id: str = DEFAULT_APP_ID,
        bot_token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.bot_token = bot_token or f"xoxb-{team_id}-{secrets.token_hex(12)}"
        self._host = host
        self._port = port
        self._base_clock = clock
        self._clock = clock
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

        self._lock = threading.RLock()
        self._recorded = threading.Condition(self._lock)
        self._calls: list[RecordedCall] = []
        self._violations: list[str] = []
        self._faults: dict[str, list[Fault]] = {}
        self._next_id = 1
        self._last_ts_micros = 0
        self._version = 0

        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self._usergroups: dict[str, tuple[str, list[str]]] = {}
        self._messages: dict[str, list[Message]] = {}
        self._views: dict[str, dict] = {}
        self._view_ids_by_external_id: dict[str, str] = {}
        self._view_stacks: dict[str, list[str]] = {}
        self._home_views: dict[str, str] = {}
        self._view_errors: dict[str, dict[str, str]] = {}
        self._hooks: dict[str, Hook] = {}
        self._used_triggers: set[str] = set()
        # Installs through OAuth: the codes waiting for oauth.v2.access, and the tokens issued.
        self._install_codes: dict[str, IssuedToken] = {}
        self._issued_tokens: dict[str, IssuedToken] = {}
        self._refresh_tokens: dict[str, IssuedToken] = {}
        self._calling_token: str | None = None
        self._files: dict = {}  # file id -> UploadedFile (files.py)
        self._populate()

    def _populate(self) -> None:
        """The workspace's first members; called at the end of __init__."""

    def _token_identity(self, token: str | None) -> IssuedToken | None:
        """Who a token acts for: the default workspace's bot token, or one oauth.v2.access
        issued (and not revoked or expired)."""
        if token is None:
            return None
        if token == self.bot_token:
            return IssuedToken(self.team_id, None, self.team_name, None, "")
        issued = self._issued_tokens.get(token)
        if issued is None or (issued.expires_at and issued.expires_at <= self._clock()):
            return None
        return issued

    def _team_of(self, token: str | None) -> str | None:
        """The workspace (an org-wide token: the org) a token's calls count against."""
        identity = self._token_identity(token)
        if identity is None:
            return None
        return identity.team_id or identity.enterprise_id

    def _origin(self) -> str:
        if self._server is None:
            raise RuntimeError("start the Slack double before asking for its URL")
        host, port = self._server.server_address[:2]
        return f"http://{str(host)}:{port}"  # an AF_INET server's host is a str, never bytes

    def _new_id(self, prefix: str) -> str:
        self._next_id += 1
        return f"{prefix}{self._next_id - 1:08d}"

    def _changed(self) -> None:
        """Note a change a person could see and wake `wait_for_change`; hold the lock."""
        self._version += 1
        self._recorded.notify_all()

    def shift_clock(self, seconds: float) -> None:
        """Read the time `seconds` ahead of the clock it was built with (message times, hashes):
        the sandbox's clock, which the app reads too."""
        base = self._base_clock
        self._clock = lambda: base() + seconds

    def now(self) -> float:
        """The double's time, as a Unix timestamp."""
        return self._clock()

    def _next_ts(self) -> str:
        """A message ts: the clock in microseconds, strictly increasing like Slack's."""
        micros = max(int(self._clock() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
