"""Inbound requests as Slack would send them: signatures, slash commands, interaction payloads."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier

from app.sandbox import inbound
from app.sandbox.slack_double import SlackDouble

SECRET = "shh-signing-secret"
REP = "U0REP"
TEAM = "T0001"
# A modal as views.open answers it: what the app sent, plus the id and hash Slack gave it.
VIEW = View(
    type="modal",
    callback_id="precall",
    private_metadata='{"plan": 7}',
    title="Plan the call",
    submit="Save",
    blocks=[
        InputBlock(
            block_id="objective",
            label="Objective",
            element=PlainTextInputElement(action_id="value"),
        )
    ],
).to_dict() | {"id": "V0000001", "hash": "1700000000.abcd"}


def form(body: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


def test_signed_headers_verify_with_slack_sdk():
    body = "token=x&text=hello%20world"
    # SignatureVerifier refuses timestamps more than five minutes old.
    timestamp = int(time.time()) - 60

    headers = inbound.signed_headers(SECRET, body, timestamp=timestamp)

    assert headers["X-Slack-Request-Timestamp"] == str(timestamp)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    signature = headers["X-Slack-Signature"]
    assert signature.startswith("v0=")
    assert SignatureVerifier(SECRET).is_valid(body, str(timestamp), signature)
    assert not SignatureVerifier("another-secret").is_valid(body, str(timestamp), signature)
    assert not SignatureVerifier(SECRET).is_valid(body + "&x=1", str(timestamp), signature)


def test_signed_headers_default_to_now_which_slack_sdk_accepts():
    body = inbound.interaction_body({"type": "block_actions"})

    headers = inbound.signed_headers(SECRET, body)

    assert SignatureVerifier(SECRET).is_valid_request(body, headers)


def test_slash_command_body_has_slacks_fields():
    body = inbound.slash_command_body(
        command="/precall", text="Acme demo tomorrow", user_id=REP, team_id=TEAM
    )

    fields = form(body)
    assert fields | {"trigger_id": "", "response_url": ""} == {
        "token": inbound.VERIFICATION_TOKEN,
        "team_id": TEAM,
        "team_domain": "acme",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": REP,
        "user_name": "u0rep",
        "command": "/precall",
        "text": "Acme demo tomorrow",
        "api_app_id": inbound.DEFAULT_APP_ID,
        "is_enterprise_install": "false",
        "response_url": "",
        "trigger_id": "",
    }
    assert fields["response_url"].startswith(f"https://hooks.slack.com/commands/{TEAM}/")
    assert inbound.trigger_user(fields["trigger_id"]) == REP


def test_slash_command_body_for_an_enterprise_grid_org():
    fields = form(
        inbound.slash_command_body(
            command="/precall", text="", user_id=REP, team_id=TEAM, enterprise_id="E0GRID"
        )
    )

    assert fields["enterprise_id"] == "E0GRID"
    assert fields["enterprise_name"]


def test_trigger_ids_are_unique_and_name_their_user():
    trigger_ids = {inbound.new_trigger_id(REP) for _ in range(100)}

    assert len(trigger_ids) == 100
    assert {inbound.trigger_user(t) for t in trigger_ids} == {REP}
    assert inbound.trigger_user("13345224609.738474920.8088930838d88f008e0") is None


def test_view_submission_payload_is_shaped_like_slacks():
    values = {"objective": {"value": inbound.plain_text_value("Dana agrees to a review")}}

    payload = inbound.view_submission_payload(view=VIEW, values=values, user_id=REP, team_id=TEAM)
    decoded = json.loads(form(inbound.interaction_body(payload))["payload"])

    assert decoded == payload
    assert decoded["type"] == "view_submission"
    assert decoded["team"] == {"id": TEAM, "domain": "acme"}
    assert decoded["user"] == {"id": REP, "username": "u0rep", "name": "u0rep", "team_id": TEAM}
    assert decoded["response_urls"] == []
    assert decoded["is_enterprise_install"] is False
    assert decoded["enterprise"] is None
    view = decoded["view"]
    assert {key: view[key] for key in ("id", "hash", "callback_id", "private_metadata")} == {
        "id": "V0000001",
        "hash": "1700000000.abcd",
        "callback_id": "precall",
        "private_metadata": '{"plan": 7}',
    }
    assert view["state"] == {
        "values": {
            "objective": {"value": {"type": "plain_text_input", "value": "Dana agrees to a review"}}
        }
    }
    assert view["root_view_id"] == "V0000001"


def test_input_values_have_slacks_shapes():
    assert inbound.static_select_value("demo", "Demo") == {
        "type": "static_select",
        "selected_option": {
            "text": {"type": "plain_text", "text": "Demo", "emoji": True},
            "value": "demo",
        },
    }
    assert inbound.static_select_value(None) == {"type": "static_select", "selected_option": None}
    assert inbound.radio_value("call")["selected_option"]["value"] == "call"
    assert [o["value"] for o in inbound.checkboxes_value(["a", "b"])["selected_options"]] == [
        "a",
        "b",
    ]
    assert inbound.users_select_value(REP) == {"type": "users_select", "selected_user": REP}
    assert inbound.multi_users_select_value([REP]) == {
        "type": "multi_users_select",
        "selected_users": [REP],
    }
    assert inbound.conversations_select_value("C1") == {
        "type": "conversations_select",
        "selected_conversation": "C1",
    }
    assert inbound.datepicker_value("2025-03-04") == {
        "type": "datepicker",
        "selected_date": "2025-03-04",
    }


def test_block_actions_from_a_message_and_from_a_view():
    action = inbound.block_action("snooze", "nudge", value="plan-7")
    message = {"type": "message", "ts": "1700000000.000100", "text": "Due today"}

    from_message = inbound.block_actions_payload(
        user_id=REP, team_id=TEAM, actions=[action], channel_id="D0001", message=message
    )
    from_view = inbound.block_actions_payload(
        user_id=REP, team_id=TEAM, actions=[action], view=VIEW
    )

    assert from_message["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "D0001",
        "is_ephemeral": False,
    }
    assert from_message["message"] == message
    assert from_message["response_url"].startswith("https://hooks.slack.com/actions/")
    assert from_view["container"] == {"type": "view", "view_id": "V0000001"}
    assert from_view["view"]["callback_id"] == "precall"
    assert action["type"] == "button" and action["value"] == "plan-7" and action["action_ts"]
    with pytest.raises(ValueError):
        inbound.block_actions_payload(user_id=REP, team_id=TEAM, actions=[action])


def test_block_actions_from_an_ephemeral_message_carry_no_message():
    action = inbound.block_action("snooze", "nudge", value="plan-7")

    payload = inbound.block_actions_payload(
        user_id=REP,
        team_id=TEAM,
        actions=[action],
        channel_id="C0SALES",
        channel_name="sales",
        ephemeral_message_ts="1700000000.000200",
    )

    assert payload["container"]["is_ephemeral"] is True
    assert payload["container"]["message_ts"] == "1700000000.000200"
    assert payload["channel"] == {"id": "C0SALES", "name": "sales"}
    assert "message" not in payload


def test_bolt_verifies_routes_and_parses_what_inbound_builds():
    """The whole round trip through a real Bolt app, whose client talks to the Slack double."""
    seen: dict[str, object] = {}
    with SlackDouble() as slack:
        app = App(
            signing_secret=SECRET,
            client=WebClient(base_url=slack.api_url, token=slack.bot_token),
        )

        @app.command("/precall")
        def on_command(ack, command):
            seen["command"] = command["text"]
            ack()

        @app.view("precall")
        def on_submission(ack, view):
            seen["objective"] = view["state"]["values"]["objective"]["value"]["value"]
            ack(response_action="errors", errors={"objective": "Too vague"})

        @app.action("snooze")
        def on_action(ack, action, body):
            seen["action"] = (action["value"], body["container"]["type"])
            ack()

        @app.view_closed("precall")
        def on_closed(ack):
            seen["closed"] = True
            ack()

        def dispatch(body: str):
            return app.dispatch(
                BoltRequest(body=body, headers=inbound.signed_headers(SECRET, body))
            )

        command = inbound.slash_command_body(
            command="/precall", text="Acme", user_id=REP, team_id=TEAM
        )
        values = {"objective": {"value": inbound.plain_text_value("Call soon")}}
        submission = inbound.view_submission_payload(
            view=VIEW, values=values, user_id=REP, team_id=TEAM
        )
        action = inbound.block_actions_payload(
            user_id=REP, team_id=TEAM, actions=[inbound.block_action("snooze", "b", "7")], view=VIEW
        )
        closed = inbound.view_closed_payload(view=VIEW, user_id=REP, team_id=TEAM)

        assert dispatch(command).status == 200
        submitted = dispatch(inbound.interaction_body(submission))
        assert dispatch(inbound.interaction_body(action)).status == 200
        assert dispatch(inbound.interaction_body(closed)).status == 200
        forged = BoltRequest(body=command, headers=inbound.signed_headers("wrong", command))
        assert app.dispatch(forged).status == 401

    assert json.loads(submitted.body) == {
        "response_action": "errors",
        "errors": {"objective": "Too vague"},
    }
    assert seen == {
        "command": "Acme",
        "objective": "Call soon",
        "action": ("7", "view"),
        "closed": True,
    }
