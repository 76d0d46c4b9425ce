"""manifest.yml is a valid Slack app manifest that declares what the app serves and needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "data" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"

# The bot scope each Web API method the app calls needs; a method missing here fails the test.
SCOPE_FOR_METHOD = {
    "auth_test": None,
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "users_info": "users:read",
    "conversations_info": "channels:read",
    "usergroups_users_list": "usergroups:read",
}
EVENTS_PATH = "/slack/events"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest: dict) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema, cls=jsonschema.Draft7Validator)


def test_commands_and_interactivity_use_the_one_request_url(manifest: dict) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert {"/precall", "/postcall", "/coach"} <= set(commands)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    urls = {c["url"] for c in commands.values()}
    urls.add(manifest["settings"]["interactivity"]["request_url"])
    assert len(urls) == 1 and urls.pop().endswith(EVENTS_PATH)


def test_bot_scopes_are_exactly_those_the_code_uses(manifest: dict) -> None:
    source = "\n".join(path.read_text() for path in (ROOT / "app").rglob("*.py"))
    called = set(re.findall(r"\bclient\.([a-z]+_[A-Za-z_]+)\(", source))
    unknown = called - SCOPE_FOR_METHOD.keys()
    assert not unknown, f"add the scope these methods need to SCOPE_FOR_METHOD: {unknown}"
    needed = {SCOPE_FOR_METHOD[method] for method in called} - {None} | {"commands"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
