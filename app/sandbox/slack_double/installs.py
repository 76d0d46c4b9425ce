"""Installs through OAuth v2: Slack's authorize page, codes, oauth.v2.access issuing a token per
workspace (or per Grid org), rotating tokens, and revoking them."""

from __future__ import annotations

import re
import secrets
from html import escape, unescape
from typing import Any, ClassVar
from urllib.parse import urlencode

from app.sandbox.slack_double.records import IssuedToken, SlackError
from app.sandbox.slack_double.state import DoubleState

AUTHORIZE_PATH = "/oauth/v2/authorize"
# The app's install page links Slack's authorize page from its Add to Slack button.
ADD_TO_SLACK = re.compile(r'class="add" href="([^"]+)"')
ROTATING_TOKEN_SECONDS = 12 * 3600  # Slack's rotating tokens live 12 hours


def add_to_slack_link(install_page: str) -> str:
    """Where the install page's Add to Slack button goes, as a browser follows it."""
    found = ADD_TO_SLACK.search(install_page)
    if found is None:
        raise ValueError("the page has no Add to Slack button")
    return unescape(found[1])


class Installs(DoubleState):
    """What Slack's side of an install does, for the tests and the sandbox's visitor."""

    WEB_API: ClassVar[dict[str, str]] = {"oauth.v2.access": "_oauth_v2_access"}
    # The app's credentials, when set; oauth.v2.access refuses others (invalid_client_id...).
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = None

    def authorize(
        self,
        team_id: str | None,
        *,
        user_id: str,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        rotating: bool = False,
    ) -> str:
        """A person allowed the install in Slack: the code Slack sends to the redirect URL.
        `team_id` None with an `enterprise_id`: an org-wide install of that Grid org."""
        if team_id is None and enterprise_id is None:
            raise ValueError("an install is for a workspace or a Grid org")
        code = f"code-{secrets.token_hex(8)}"
        with self._lock:
            self._install_codes[code] = IssuedToken(
                team_id,
                enterprise_id,
                team_name or team_id,
                enterprise_name or enterprise_id,
                user_id,
                ROTATING_TOKEN_SECONDS if rotating else None,
            )
        return code

    def revoke_tokens(self, team_or_enterprise_id: str) -> None:
        """Slack forgets the tokens of a workspace (or org): as after an uninstall."""
        with self._lock:
            for tokens in (self._issued_tokens, self._refresh_tokens):
                for token, issued in list(tokens.items()):
                    if team_or_enterprise_id in (issued.team_id, issued.enterprise_id):
                        del tokens[token]

    def token_of(self, team_or_enterprise_id: str) -> str | None:
        """The live token issued last for a workspace (or org)."""
        with self._lock:
            found = [
                token
                for token, issued in self._issued_tokens.items()
                if (issued.team_id or issued.enterprise_id) == team_or_enterprise_id
            ]
            return found[-1] if found else None

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.oauth_client_id is not None and args.get("client_id") != self.oauth_client_id:
            raise SlackError("invalid_client_id")
        if self.oauth_client_secret is not None and (
            args.get("client_secret") != self.oauth_client_secret
        ):
            raise SlackError("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            pending = self._refresh_tokens.pop(str(args.get("refresh_token")), None)
            if pending is None:
                raise SlackError("invalid_refresh_token")
        else:
            pending = self._install_codes.pop(str(args.get("code")), None)
            if pending is None:
                raise SlackError("invalid_code")  # unknown, or already used: codes work once
        rotating = pending.expires_at is not None
        prefix = "xoxe.xoxb" if rotating else "xoxb"
        token = f"{prefix}-{pending.team_id or pending.enterprise_id}-{secrets.token_hex(12)}"
        lifetime = pending.expires_at
        issued = IssuedToken(
            pending.team_id,
            pending.enterprise_id,
            pending.team_name,
            pending.enterprise_name,
            pending.installer_id,
            self._clock() + lifetime if lifetime is not None else None,
        )
        self._issued_tokens[token] = issued
        answer: dict[str, Any] = {
            "app_id": self.app_id,
            "authed_user": {"id": pending.installer_id},
            "scope": str(args.get("scope") or "commands,chat:write"),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": self.bot_user_id,
            "team": {"id": pending.team_id, "name": pending.team_name} if pending.team_id else None,
            "enterprise": (
                {"id": pending.enterprise_id, "name": pending.enterprise_name}
                if pending.enterprise_id
                else None
            ),
            "is_enterprise_install": pending.team_id is None,
        }
        if lifetime is not None:
            refresh = f"xoxe-1-{secrets.token_hex(12)}"
            # The next refresh keeps the lifetime, not the expiry, of the install.
            self._refresh_tokens[refresh] = pending
            answer |= {"refresh_token": refresh, "expires_in": int(lifetime)}
        return answer

    def authorize_page(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """Slack's "allow this app" page, for the sandbox's visitor: Allow installs the app in
        the double's workspace (its first admin installing) and returns to the app."""
        redirect = query.get("redirect_uri") or ""
        state = query.get("state") or ""
        if query.get("decision") in ("allow", "deny") and redirect:
            if query["decision"] == "allow":
                admins = [u.id for u in self._users.values() if u.is_admin and not u.is_bot]
                code = self.authorize(
                    self.team_id,
                    user_id=(admins or [self.bot_user_id])[0],
                    team_name=self.team_name,
                )
                target = f"{redirect}?{urlencode({'code': code, 'state': state})}"
            else:
                target = f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}"
            return 302, {"Location": target}, ""
        allow = f"{AUTHORIZE_PATH}?{urlencode(query | {'decision': 'allow'})}"
        deny = f"{AUTHORIZE_PATH}?{urlencode(query | {'decision': 'deny'})}"
        scopes = ", ".join(escape(scope) for scope in (query.get("scope") or "").split(","))
        page = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Slack: install "
            "an app</title></head><body style='font-family:system-ui;max-width:36rem;"
            "margin:3rem auto'>"
            f"<h1>Install the app in {escape(self.team_name)}?</h1>"
            f"<p>It asks for: {scopes or 'no scopes'}.</p>"
            f"<p><a href='{escape(allow)}'>Allow</a> &nbsp; <a href='{escape(deny)}'>Cancel</a></p>"
            "</body></html>"
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page
