"""The Slack double as slack_sdk's WebClient sees it: answers, state, faults, checks, waiting."""

from __future__ import annotations

import copy
import json
import threading
import urllib.request
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app.sandbox.inbound import new_trigger_id
from app.sandbox.limits import validate_message_blocks, validate_view
from app.sandbox.slack_double import SlackDouble
from tests.support.modals import MODAL

REP = "U0REP"


@pytest.fixture
def double():
    with SlackDouble() as running:
        running.add_user(REP, name="dana", real_name="Dana Rep", tz="Europe/Berlin")
        running.add_user("U0GONE", name="gone", deleted=True)
        running.add_channel("C0SALES", "sales")
        running.add_channel("C0OUTSIDE", "outside", is_member=False)
        running.add_channel("C0OLD", "old", is_archived=True)
        yield running


@pytest.fixture
def client(double: SlackDouble) -> WebClient:
    return WebClient(base_url=double.api_url, token=double.bot_token)


def modal(**changes) -> dict:
    return copy.deepcopy(MODAL) | changes


def slack_error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def test_auth_test_names_the_bot_and_the_team(double, client):
    answer = client.auth_test()

    assert answer["user_id"] == double.bot_user_id
    assert answer["bot_id"] == double.bot_id
    assert answer["team_id"] == "T0001"
    assert double.api_url.endswith("/api/")
    assert double.bot_token.startswith("xoxb-")


def test_a_missing_or_wrong_token_is_refused(double):
    assert slack_error(WebClient(base_url=double.api_url).auth_test)["error"] == "not_authed"
    wrong = WebClient(base_url=double.api_url, token="xoxb-wrong")
    assert slack_error(wrong.auth_test)["error"] == "invalid_auth"


def test_an_unknown_method_is_refused(client):
    assert slack_error(lambda: client.api_call("chat.teleport"))["error"] == "unknown_method"


def test_users_info_gives_the_zone_and_its_offset_at_the_double_clock():
    winter = datetime(2025, 1, 15, 12, tzinfo=UTC).timestamp()
    with SlackDouble(clock=lambda: winter) as double:
        double.add_user(REP, name="dana", real_name="Dana Rep", tz="Europe/Berlin", is_admin=True)
        client = WebClient(base_url=double.api_url, token=double.bot_token)

        user = client.users_info(user=REP)["user"]

    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] == 3600
    assert user["is_admin"] is True
    assert user["deleted"] is False
    assert user["team_id"] == "T0001"
    assert user["profile"] == user["profile"] | {"real_name": "Dana Rep", "display_name": "dana"}


def test_users_info_of_an_unknown_user_is_user_not_found(client):
    assert slack_error(lambda: client.users_info(user="U0NOBODY"))["error"] == "user_not_found"


def test_a_get_query_with_the_token_as_a_parameter_is_understood(double):
    url = f"{double.api_url}users.info?user={REP}&token={double.bot_token}"
    with urllib.request.urlopen(url, timeout=5) as response:
        answer = json.load(response)

    assert answer["user"]["id"] == REP
    assert double.calls("users.info")[0].args == {"user": REP}


def test_views_open_answers_with_the_view_and_records_it_decoded(double, client):
    view = client.views_open(trigger_id=new_trigger_id(REP), view=MODAL)["view"]

    assert view["id"].startswith("V")
    assert view["hash"]
    assert view["state"] == {"values": {}}
    assert view["callback_id"] == "precall"
    assert view["private_metadata"] == '{"plan": 7}'
    assert view["root_view_id"] == view["id"]
    assert [block["block_id"] for block in view["blocks"]][0] == "objective"
    # Slack makes up the ids the app left out; state values are keyed by them.
    assert view["blocks"][1]["block_id"]
    (call,) = double.calls("views.open")
    assert call.args["view"] == MODAL
    assert call.status == 200
    assert double.view_stack(REP) == [view]


def test_a_view_sent_as_a_json_string_in_a_form_body_is_decoded(double, client):
    client.api_call(
        "views.open", params={"trigger_id": new_trigger_id(REP), "view": json.dumps(MODAL)}
    )

    assert double.calls("views.open")[0].args["view"] == MODAL


def test_a_trigger_id_opens_one_view_only(client):
    trigger_id = new_trigger_id(REP)
    client.views_open(trigger_id=trigger_id, view=MODAL)

    refusal = slack_error(lambda: client.views_open(trigger_id=trigger_id, view=MODAL))

    assert refusal["error"] == "exchanged_trigger_id"


@pytest.mark.parametrize(
    "trigger_id, error",
    [
        (10**30, "invalid_arguments"),  # a JSON body carries any type
        (["1.U0REP.ab"], "invalid_arguments"),
        ({"id": ["x"]}, "invalid_arguments"),
        ("../../etc/passwd", "invalid_trigger_id"),
        ("²", "invalid_trigger_id"),
    ],
)
def test_a_trigger_id_that_is_none_of_slacks_is_refused_as_slack_refuses_it(
    client, trigger_id, error
):
    refusal = slack_error(lambda: client.views_open(trigger_id=trigger_id, view=MODAL))

    assert refusal["error"] == error


def test_views_push_stacks_up_to_three_views(double, client):
    root = client.views_open(trigger_id=new_trigger_id(REP), view=MODAL)["view"]
    pushed = client.views_push(trigger_id=new_trigger_id(REP), view=modal(callback_id="review"))
    client.views_push(trigger_id=new_trigger_id(REP), view=MODAL)

    refusal = slack_error(lambda: client.views_push(trigger_id=new_trigger_id(REP), view=MODAL))

    assert refusal["error"] == "push_limit_reached"
    assert pushed["view"]["previous_view_id"] == root["id"]
    assert pushed["view"]["root_view_id"] == root["id"]
    assert [v["callback_id"] for v in double.view_stack(REP)] == ["precall", "review", "precall"]


def test_views_update_by_id_or_external_id_and_with_a_stale_hash(double, client):
    opened = client.views_open(trigger_id=new_trigger_id(REP), view=modal(external_id="plan-7"))[
        "view"
    ]

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())["view"]
    stale = slack_error(
        lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    )
    by_external_id = client.views_update(external_id="plan-7", view=modal(callback_id="again"))

    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    assert stale["error"] == "hash_conflict"
    assert by_external_id["view"]["id"] == opened["id"]
    assert double.get_view(opened["id"])["callback_id"] == "again"
    unknown = slack_error(lambda: client.views_update(view_id="V0NONE", view=modal()))
    assert unknown["error"] == "not_found"


def test_views_publish_keeps_one_home_tab_per_user(double, client):
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }

    first = client.views_publish(user_id=REP, view=home)["view"]
    second = client.views_publish(user_id=REP, view=home, hash=first["hash"])["view"]

    assert second["id"] == first["id"]
    assert double.home_view(REP) == second
    assert slack_error(lambda: client.views_publish(user_id=REP, view=MODAL))["error"] == (
        "invalid_arguments"
    )


def test_chat_post_message_to_a_user_id_lands_in_their_dm(double, client):
    first = client.chat_postMessage(channel=REP, text="Morning!")
    second = client.chat_postMessage(channel=REP, text="Again", thread_ts=first["ts"])

    assert first["channel"] == double.dm_channel_id(REP)
    assert first["channel"].startswith("D")
    assert first["message"]["user"] == double.bot_user_id
    assert float(second["ts"]) > float(first["ts"])
    assert [(m.text, m.thread_ts) for m in double.messages(REP)] == [
        ("Morning!", None),
        ("Again", first["ts"]),
    ]
    assert client.conversations_open(users=REP)["channel"]["id"] == first["channel"]


def test_conversations_history_is_newest_first_with_metadata_only_when_asked(double, client):
    metadata = {"event_type": "coach_nudge", "event_payload": {"key": "2026-11-26:U0REP"}}
    first = client.chat_postMessage(channel=REP, text="One", metadata=metadata)
    client.chat_postMessage(channel=REP, text="Reply", thread_ts=first["ts"])
    client.chat_postMessage(channel=REP, text="Two")
    dm = first["channel"]
    plain = client.conversations_history(channel=dm)["messages"]
    assert [m["text"] for m in plain] == ["Two", "One"]  # no thread replies
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel=dm, include_all_metadata=True)["messages"]
    assert full[1]["metadata"] == metadata
    later = client.conversations_history(channel=dm, oldest=first["ts"])["messages"]
    assert [m["text"] for m in later] == ["Two"]
    assert slack_error(lambda: client.conversations_history(channel="C0NOPE"))["error"] == (
        "channel_not_found"
    )


def test_conversations_history_pages_with_the_cursor_it_gives(double, client):
    for n in range(5):
        client.chat_postMessage(channel="C0SALES", text=f"m{n}")
    first = client.conversations_history(channel="C0SALES", limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"] and first["has_more"]
    pages = [first]
    while pages[-1]["has_more"]:
        cursor = pages[-1]["response_metadata"]["next_cursor"]
        pages.append(client.conversations_history(channel="C0SALES", limit=2, cursor=cursor))
    texts = [m["text"] for page in pages for m in page["messages"]]
    assert texts == ["m4", "m3", "m2", "m1", "m0"]
    assert pages[-1]["response_metadata"]["next_cursor"] == ""
    refused = slack_error(lambda: client.conversations_history(channel="C0SALES", cursor="x"))
    assert refused["error"] == "invalid_cursor"


def test_chat_update_replaces_the_text_and_keeps_the_blocks(double, client):
    blocks = [{"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "Plan"}}]
    posted = client.chat_postMessage(channel="C0SALES", text="Plan", blocks=blocks)

    updated = client.chat_update(channel="C0SALES", ts=posted["ts"], text="Plan (done)")

    assert updated["message"]["blocks"] == blocks
    (message,) = double.messages("C0SALES")
    assert message.text == "Plan (done)"
    assert message.edited["user"] == double.bot_user_id
    missing = slack_error(lambda: client.chat_update(channel="C0SALES", ts="1.000001", text="x"))
    assert missing["error"] == "message_not_found"


def test_chat_post_ephemeral_answers_a_message_ts(double, client):
    answer = client.chat_postEphemeral(channel="C0SALES", user=REP, text="Only you")

    assert answer["message_ts"]
    assert double.messages("C0SALES")[0].ephemeral_to == REP


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("C0OUTSIDE", "not_in_channel"),
        ("C0OLD", "is_archived"),
        ("C0NOWHERE", "channel_not_found"),
        ("U0NOBODY", "channel_not_found"),
    ],
)
def test_chat_post_message_is_refused_where_the_bot_cannot_post(client, channel, error):
    assert (
        slack_error(lambda: client.chat_postMessage(channel=channel, text="Hi"))["error"] == error
    )


def test_a_dm_to_a_deactivated_user_succeeds_as_on_slack(client):
    assert client.chat_postMessage(channel="U0GONE", text="Hello?")["ok"]
    assert slack_error(lambda: client.conversations_open(users="U0GONE"))["error"] == (
        "user_disabled"
    )


def test_workspace_lookups(double, client):
    double.add_usergroup("S0SALES", "sales-team", [REP, "U0GONE"])

    assert client.usergroups_users_list(usergroup="S0SALES")["users"] == [REP, "U0GONE"]
    (usergroup,) = client.usergroups_list(include_users=True)["usergroups"]
    assert (usergroup["handle"], usergroup["users"]) == ("sales-team", [REP, "U0GONE"])
    assert client.conversations_info(channel="C0SALES")["channel"]["name"] == "sales"
    assert client.team_info()["team"]["domain"] == "acme"
    assert slack_error(lambda: client.usergroups_users_list(usergroup="S0NONE"))["error"] == (
        "no_such_subteam"
    )


def test_a_429_carries_retry_after_and_is_recorded(double, client):
    double.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=REP, text="Hi")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    assert double.calls("chat.postMessage")[0].status == 429
    assert client.chat_postMessage(channel=REP, text="Hi")["ok"]


def test_slack_sdk_rate_limit_handler_retries_after_a_429(double):
    double.fail_next("chat.postMessage", status=429, retry_after=1)
    client = WebClient(
        base_url=double.api_url,
        token=double.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )

    assert client.chat_postMessage(channel=REP, text="Hi")["ok"]
    assert [call.status for call in double.calls("chat.postMessage")] == [429, 200]


def test_a_500_is_a_slack_api_error_with_that_status(double, client):
    double.fail_next("users.info", status=500)

    with pytest.raises(SlackApiError) as raised:
        client.users_info(user=REP)

    assert raised.value.response.status_code == 500


def test_a_delay_longer_than_the_client_timeout_times_out_but_the_post_happens(double):
    double.fail_next("chat.postMessage", delay=2.0)
    impatient = WebClient(base_url=double.api_url, token=double.bot_token, timeout=1)

    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel=REP, text="Hi")

    assert [m.text for m in double.messages(REP)] == ["Hi"]


def test_injected_error_codes_answer_the_next_calls_then_stop(double, client):
    double.fail_next("chat.postMessage", error="account_inactive", times=2)

    errors = [slack_error(lambda: client.chat_postMessage(channel=REP, text="Hi"))["error"]]
    errors.append(slack_error(lambda: client.chat_postMessage(channel=REP, text="Hi"))["error"])

    assert errors == ["account_inactive", "account_inactive"]
    assert client.chat_postMessage(channel=REP, text="Hi")["ok"]


def test_a_fault_that_changes_nothing_is_refused(double):
    with pytest.raises(ValueError):
        double.fail_next("chat.postMessage")
    with pytest.raises(ValueError):
        double.fail_next("chat.postMessage", status=500, retry_after=3)


def text(value: str, kind: str = "plain_text") -> dict:
    return {"type": kind, "text": value}


def option(value: str, label: str | None = None) -> dict:
    return {"text": text(label or value), "value": value}


def modal_with_input(element: dict, label: dict | None = None) -> dict:
    return modal(blocks=[{"type": "input", "label": label or text("Stage"), "element": element}])


def invalid_views() -> dict[str, tuple[dict, str]]:
    section = {"type": "section", "text": text("x", "mrkdwn")}
    return {
        "title over 24": (modal(title=text("A title that runs past 24")), "title"),
        "101 blocks": (modal(blocks=[section] * 101), "/view/blocks"),
        "section text over 3000": (
            modal(blocks=[{"type": "section", "text": text("x" * 3001, "mrkdwn")}]),
            "3000",
        ),
        "duplicate block ids": (
            modal(blocks=[section | {"block_id": "a"}, section | {"block_id": "a"}]),
            "duplicate block_id",
        ),
        "unknown element": (
            modal_with_input({"type": "calendar_wheel", "action_id": "when"}),
            "/view/blocks/0/element/type",
        ),
        "option text over 75": (
            modal_with_input({"type": "static_select", "options": [option("s", "s" * 76)]}),
            "/view/blocks/0/element/options/0",
        ),
        "initial option not offered": (
            modal_with_input(
                {"type": "radio_buttons", "options": [option("a")], "initial_option": option("b")}
            ),
            "/view/blocks/0/element/initial_option",
        ),
        "input without submit": (modal(submit=None), "submit is required"),
        "modal without title": (modal(title=None), "title"),
        "mrkdwn label": (
            modal_with_input({"type": "plain_text_input"}, label=text("*Stage*", "mrkdwn")),
            "/view/blocks/0/label/type",
        ),
    }


@pytest.mark.parametrize("case", list(invalid_views()))
def test_views_open_refuses_what_slack_refuses(double, client, case):
    view, expected = invalid_views()[case]

    refusal = slack_error(lambda: client.views_open(trigger_id=new_trigger_id(REP), view=view))

    assert refusal["error"] == "invalid_arguments"
    messages = refusal["response_metadata"]["messages"]
    assert any(expected in message for message in messages), messages
    assert double.violations and all(v.startswith("views.open: [ERROR]") for v in double.violations)
    assert double.view_stack(REP) == []


def test_messages_with_too_many_blocks_or_too_long_text_are_refused(double, client):
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}

    too_many = slack_error(
        lambda: client.chat_postMessage(channel=REP, text="x", blocks=[section] * 51)
    )
    too_long = slack_error(lambda: client.chat_postMessage(channel=REP, text="x" * 40001))

    assert too_many["error"] == "invalid_blocks"
    assert too_many["response_metadata"]["messages"] == [
        "[ERROR] must be less than 51 items [json-pointer:/blocks]"
    ]
    assert too_long["error"] == "msg_too_long"
    assert double.messages(REP) == []
    assert double.violations == [
        "chat.postMessage: [ERROR] must be less than 51 items [json-pointer:/blocks]"
    ]


def test_block_kit_built_with_slack_sdk_models_is_valid():
    options = [Option(value=v, text=v.title()) for v in ("discovery", "proposal")]
    view = View(
        type="modal",
        callback_id="precall",
        title="Plan the call",
        submit="Save",
        close="Cancel",
        blocks=[
            HeaderBlock(text="Before the call"),
            SectionBlock(
                text=MarkdownTextObject(text="Set a *commitment objective*."),
                accessory=ButtonElement(text="Tips", action_id="tips", value="1"),
            ),
            DividerBlock(),
            InputBlock(
                block_id="objective",
                label="Commitment objective",
                element=PlainTextInputElement(action_id="v", placeholder="Dana agrees to..."),
            ),
            InputBlock(
                block_id="stage",
                label="Stage",
                element=StaticSelectElement(
                    action_id="v", options=options, initial_option=options[1]
                ),
            ),
            InputBlock(block_id="when", label="When", element=DatePickerElement(action_id="v")),
            InputBlock(block_id="who", label="Who", element=UserSelectElement(action_id="v")),
            InputBlock(
                block_id="kind",
                label="Kind",
                element=RadioButtonsElement(action_id="v", options=options),
            ),
            InputBlock(
                block_id="flags",
                label="Flags",
                optional=True,
                element=CheckboxesElement(action_id="v", options=options),
            ),
            ContextBlock(elements=[MarkdownTextObject(text="Saved to your plans.")]),
            ActionsBlock(elements=[ButtonElement(text="Skip", action_id="skip", style="danger")]),
        ],
    ).to_dict()

    assert validate_view(view) == []
    assert validate_message_blocks(view["blocks"][:3]) == []


def test_wait_for_returns_once_another_thread_makes_the_call(double, client):
    def post_later() -> None:
        client.chat_postMessage(channel=REP, text="from a worker")

    worker = threading.Timer(0.05, post_later)
    worker.start()

    (call,) = double.wait_for("chat.postMessage", lambda c: c.args["text"] == "from a worker")

    worker.join()
    assert call.args["channel"] == REP
    assert call.response["ok"] is True


def test_wait_for_raises_with_the_recorded_methods_on_timeout(double, client):
    client.auth_test()

    with pytest.raises(AssertionError, match=r"auth\.test"):
        double.wait_for("chat.postMessage", timeout=0.05)


def test_clear_calls_forgets_recorded_calls(double, client):
    client.auth_test()

    double.clear_calls()

    assert double.calls() == []
