"""manifest.yml is a valid Slack app manifest that declares what the app serves and needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from app.slack.bolt import KNOWN_COMMANDS
from app.slack.installs import BOT_SCOPES, REDIRECT_PATH

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "data" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"

# The bot scopes each Web API method the app calls needs (one, or a tuple: public channels,
# private channels, DMs...); a method missing here fails the test.
SCOPE_FOR_METHOD = {
    "auth_test": None,
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    # The profile's email (the rep's own address in their calendar, the company's domains)
    # comes only with users:read.email.
    "users_info": ("users:read", "users:read.email"),
    # Checking a summary's channel (public or private) when it is set up.
    "conversations_info": ("channels:read", "groups:read"),
    # Only for the bot's own DMs: finding a nudge whose send timed out before sending again.
    "conversations_open": "im:write",
    # ... and for a summary's channel: finding a post that timed out before posting again.
    "conversations_history": ("im:history", "channels:history", "groups:history"),
    "usergroups_list": "usergroups:read",
    "usergroups_users_list": "usergroups:read",
    # The export, as a file in the requester's DM (files.getUploadURLExternal and
    # files.completeUploadExternal).
    "files_upload_v2": "files:write",
    # A meeting prompt waits while the rep is in Do Not Disturb.
    "dnd_teamInfo": "dnd:read",
}
EVENTS_PATH = "/slack/events"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest: dict) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema, cls=jsonschema.Draft7Validator)


def test_commands_interactivity_and_events_use_the_one_request_url(manifest: dict) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == set(KNOWN_COMMANDS)  # the sandbox, like Slack, offers just these
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    urls = {c["url"] for c in commands.values()}
    urls.add(manifest["settings"]["interactivity"]["request_url"])
    urls.add(manifest["settings"]["event_subscriptions"]["request_url"])
    assert len(urls) == 1 and urls.pop().endswith(EVENTS_PATH)


def test_bot_scopes_are_exactly_those_the_code_uses(manifest: dict) -> None:
    source = "\n".join(path.read_text() for path in (ROOT / "app").rglob("*.py"))
    called = set(re.findall(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(", source))
    unknown = called - SCOPE_FOR_METHOD.keys()
    assert not unknown, f"add the scope these methods need to SCOPE_FOR_METHOD: {unknown}"
    needed = {"commands"}
    for method in called:
        scopes = SCOPE_FOR_METHOD[method] or ()
        needed |= {scopes} if isinstance(scopes, str) else set(scopes)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_profile_changes_are_subscribed_to(manifest: dict) -> None:
    assert "user_change" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_oauth_installs_ask_for_the_manifests_scopes_and_return_to_its_redirect_url(
    manifest: dict,
) -> None:
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    assert redirect.endswith(REDIRECT_PATH)
    assert manifest["settings"]["org_deploy_enabled"] is True
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_uninstalled", "tokens_revoked", "team_access_granted", "team_access_revoked"} <= (
        events
    )
