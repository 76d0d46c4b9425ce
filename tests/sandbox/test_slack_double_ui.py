"""The Slack double as the sandbox page uses it: changes, persistence, hooks, a person's actions."""

from __future__ import annotations

import copy
import json
import threading
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from app.sandbox.inbound import new_trigger_id
from app.sandbox.slack_double import SlackDouble

REP = "U0REP"
MANAGER = "U0MGR"
NOW = 1_700_000_000.0
SECTION = {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "Plan"}}
BAD_BLOCKS = [{"type": "section"}]  # a section needs text or fields
MODAL = {
    "type": "modal",
    "callback_id": "precall",
    "title": {"type": "plain_text", "text": "Plan the call"},
    "submit": {"type": "plain_text", "text": "Save"},
    "notify_on_close": True,
    "blocks": [
        {
            "type": "input",
            "block_id": "objective",
            "label": {"type": "plain_text", "text": "Commitment objective"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
TYPED = {"objective": {"value": {"type": "plain_text_input", "value": "Dana signs"}}}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def double(clock: Clock):
    with SlackDouble(clock=clock) as running:
        running.add_user(REP, name="dana", real_name="Dana Rep")
        running.add_user(MANAGER, name="max", real_name="Max Manager")
        running.add_user("U0GONE", name="gone", deleted=True)
        running.add_channel("C0SALES", "sales")
        running.add_channel("C0OLD", "old", is_archived=True)
        yield running


@pytest.fixture
def client(double: SlackDouble) -> WebClient:
    return WebClient(base_url=double.api_url, token=double.bot_token)


def modal(**changes) -> dict:
    return copy.deepcopy(MODAL) | changes


def open_modal(client: WebClient, user: str = REP, **changes) -> dict:
    return client.views_open(trigger_id=new_trigger_id(user), view=modal(**changes))["view"]


def post_invalid_blocks(client: WebClient) -> None:
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=REP, text="x", blocks=BAD_BLOCKS)


def post_hook(url: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# ----- change tracking


def test_version_grows_with_visible_changes_only(double, client):
    start = double.version

    client.users_info(user=REP)
    client.auth_test()
    unchanged = double.version
    client.chat_postMessage(channel=REP, text="Hi")
    posted = double.version
    post_invalid_blocks(client)

    assert unchanged == start
    assert posted > start
    assert double.version > posted  # a violation is shown too
    double.add_channel("C0NEW", "new")
    assert double.version > posted + 1


def test_wait_for_change_returns_when_another_thread_posts(double, client):
    since = double.version
    waiting = threading.Event()
    seen: list[int] = []

    def watch() -> None:
        waiting.set()
        seen.append(double.wait_for_change(since, timeout=30))

    watcher = threading.Thread(target=watch)
    watcher.start()
    waiting.wait(5)
    client.chat_postMessage(channel=REP, text="from a worker")
    watcher.join(5)

    assert not watcher.is_alive()  # woken by the post, long before its 30 s timeout
    assert seen[0] > since
    assert [m.text for m in double.messages(REP)] == ["from a worker"]


def test_wait_for_change_times_out_with_the_same_version(double):
    assert double.wait_for_change(double.version, timeout=0.01) == double.version


# ----- persistence


def test_a_snapshot_restores_the_workspace_through_json(double, client):
    double.add_usergroup("S0SALES", "sales-team", [REP])
    metadata = {"event_type": "coach_nudge", "event_payload": {"key": "k"}}
    first = client.chat_postMessage(
        channel=REP, text="One", blocks=[SECTION], metadata=metadata, attachments=[{"text": "a"}]
    )
    client.chat_postMessage(channel=REP, text="Reply", thread_ts=first["ts"])
    client.chat_update(channel=first["channel"], ts=first["ts"], text="One (edited)")
    client.chat_postEphemeral(channel="C0SALES", user=REP, text="Only you")
    double.post_as_user("C0SALES", MANAGER, "Hello team")

    saved = json.loads(json.dumps(double.snapshot()))
    # An earlier clock: new ts must still come after the restored ones.
    with SlackDouble(clock=lambda: NOW - 3600) as fresh:
        fresh.restore(saved)
        client = WebClient(base_url=fresh.api_url, token=fresh.bot_token)

        assert fresh.bot_token == double.bot_token
        assert fresh.messages(REP) == double.messages(REP)
        assert fresh.messages("C0SALES") == double.messages("C0SALES")
        assert fresh.messages(REP)[0].edited and fresh.messages(REP)[0].metadata == metadata
        assert fresh.users(include_bots=True) == double.users(include_bots=True)
        assert fresh.channels() == double.channels()
        assert fresh.dm_channel_id(REP) == double.dm_channel_id(REP)
        assert client.usergroups_users_list(usergroup="S0SALES")["users"] == [REP]
        restored_ts = [m.ts for m in fresh.messages(REP) + fresh.messages("C0SALES")]
        new = client.chat_postMessage(channel=MANAGER, text="New")
        restored_ids = {c.id for c in double.channels()} | {double.dm_channel_id(REP)}
        assert float(new["ts"]) > max(map(float, restored_ts))
        assert new["channel"] not in restored_ids
        assert new["channel"] > max(i for i in restored_ids if i.startswith("D"))


def test_restore_drops_views_calls_violations_and_faults(double, client):
    saved = double.snapshot()
    open_modal(client)
    post_invalid_blocks(client)
    double.fail_next("auth.test", error="account_inactive")
    before = double.version

    double.restore(saved)

    assert double.version > before
    assert double.view_stack(REP) == []
    assert double.violations == []
    assert double.calls() == []
    assert client.auth_test()["ok"]


def test_clear_keeps_only_the_team_the_bot_and_its_token(double, client):
    token = double.bot_token
    double.add_usergroup("S0SALES", "sales-team", [REP])
    client.chat_postMessage(channel="C0SALES", text="Hi")
    view = open_modal(client)
    hook = double.response_url(channel="C0SALES", user=REP)
    post_invalid_blocks(client)

    double.clear()

    assert double.bot_token == token
    assert [u.id for u in double.users(include_bots=True)] == [double.bot_user_id]
    assert double.channels() == []
    assert double.get_view(view["id"]) is None
    assert double.stack_depth(REP) == 0
    assert double.violations == [] and double.calls() == []
    assert client.usergroups_list()["usergroups"] == []
    assert post_hook(hook, {"text": "late"})[0] == 404
    assert client.auth_test()["team_id"] == "T0001"


# ----- reading the workspace


def test_users_channels_and_the_directory_for_the_renderer(double):
    double.dm_channel_id(REP)
    double.add_user("U0OTHERBOT", name="other", is_bot=True)
    double.add_usergroup("S0REPS", "sales-reps", [REP])

    assert [u.id for u in double.users()] == [REP, MANAGER, "U0GONE"]
    assert double.bot_user_id in [u.id for u in double.users(include_bots=True)]
    assert [c.id for c in double.channels()] == ["C0SALES", "C0OLD"]  # no DM
    assert double.user(REP).real_name == "Dana Rep"
    assert double.user("U0NOBODY") is None
    assert double.directory() == {
        "users": [(REP, "Dana Rep"), (MANAGER, "Max Manager")],
        "channels": [("C0SALES", "sales")],
        "usergroups": [("S0REPS", "sales-reps")],
    }
    double.users()[0].real_name = "changed"
    assert double.user(REP).real_name == "Dana Rep"  # copies


# ----- response_url hooks


def test_a_hook_posts_an_ephemeral_by_default_and_answers_ok(double):
    url = double.response_url(channel="C0SALES", user=REP)

    request = urllib.request.Request(
        url, data=b'{"text": "Only you"}', headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert (response.status, response.read()) == (200, b"ok")
        assert response.headers["Content-Type"].startswith("text/plain")

    assert url.startswith(double.api_url.removesuffix("/api/") + "/hooks/")
    (message,) = double.messages("C0SALES")
    assert (message.text, message.ephemeral_to, message.user) == (
        "Only you",
        REP,
        double.bot_user_id,
    )
    (call,) = double.calls("response_url")
    assert (call.args, call.status) == ({"text": "Only you"}, 200)


def test_bolts_webhook_client_can_respond_in_channel_and_in_a_thread(double, client):
    parent = client.chat_postMessage(channel="C0SALES", text="Parent")
    url = double.response_url(channel="C0SALES", user=REP)

    response = WebhookClient(url).send_dict(
        {"text": "For all", "response_type": "in_channel", "thread_ts": parent["ts"]}
    )

    assert (response.status_code, response.body) == (200, "ok")
    reply = double.messages("C0SALES")[1]
    assert (reply.text, reply.ephemeral_to, reply.thread_ts) == ("For all", None, parent["ts"])


def test_a_hook_replaces_or_deletes_its_original_message(double, client):
    posted = client.chat_postMessage(channel="C0SALES", text="Pick one", blocks=[SECTION])
    url = double.response_url(channel="C0SALES", user=REP, message_ts=posted["ts"])

    assert post_hook(url, {"text": "Picked", "replace_original": True})[0] == 200
    (replaced,) = double.messages("C0SALES")
    assert (replaced.ts, replaced.text, replaced.blocks) == (posted["ts"], "Picked", [])
    assert replaced.edited["user"] == double.bot_user_id

    assert post_hook(url, {"text": "", "delete_original": True}) == (200, "ok")
    assert double.messages("C0SALES") == []
    assert post_hook(url, {"text": "x", "replace_original": True}) == (
        400,
        '{"ok": false, "error": "message_not_found"}',
    )


def test_a_hook_replaces_an_ephemeral_original_of_its_user(double, client):
    ephemeral = client.chat_postEphemeral(channel=REP, user=REP, text="Choose")
    url = double.response_url(channel=REP, user=REP, message_ts=ephemeral["message_ts"])

    post_hook(url, {"text": "Chosen", "replace_original": "true"})

    (message,) = double.messages(REP)
    assert (message.text, message.ephemeral_to) == ("Chosen", REP)


def test_a_hook_refuses_invalid_blocks_and_records_the_violation(double):
    url = double.response_url(channel="C0SALES", user=REP)

    status, body = post_hook(url, {"text": "x", "blocks": BAD_BLOCKS})

    assert (status, json.loads(body)["error"]) == (400, "invalid_blocks")
    assert double.messages("C0SALES") == []
    assert double.violations and double.violations[0].startswith("response_url: [ERROR]")
    assert double.calls("response_url")[0].status == 400


def test_a_hook_works_five_times_then_expires(double):
    url = double.response_url(channel="C0SALES", user=REP)

    statuses = [post_hook(url, {"text": f"{n}"})[0] for n in range(5)]
    status, body = post_hook(url, {"text": "sixth"})

    assert statuses == [200] * 5
    assert (status, json.loads(body)) == (404, {"ok": False, "error": "expired_url"})
    assert len(double.messages("C0SALES")) == 5


def test_a_hook_expires_after_30_minutes_and_an_unknown_one_never_worked(double, clock):
    url = double.response_url(channel="C0SALES", user=REP)
    clock.now += 30 * 60 + 1

    assert post_hook(url, {"text": "late"})[0] == 404
    assert post_hook(url.rsplit("/", 1)[0] + "/made-up", {"text": "x"})[0] == 404
    assert double.messages("C0SALES") == []


def test_a_hook_needs_a_running_double():
    with pytest.raises(RuntimeError):
        SlackDouble().response_url(channel="C0SALES", user=REP)


# ----- what a person does


def test_post_as_user_writes_the_persons_own_message(double, client):
    first = double.post_as_user(REP, REP, "Can you help?")
    reply = double.post_as_user("C0SALES", MANAGER, "Sure", thread_ts="1.000001")

    assert (first.channel, first.user) == (double.dm_channel_id(REP), REP)
    assert (reply.user, reply.thread_ts) == (MANAGER, "1.000001")
    (seen,) = client.conversations_history(channel=first.channel)["messages"]
    assert seen["user"] == REP
    assert "bot_id" not in seen  # an app skipping bot messages must not skip this one
    with pytest.raises(ValueError):
        double.post_as_user("C0OLD", REP, "Anyone?")
    with pytest.raises(ValueError):
        double.post_as_user("C0NOWHERE", REP, "Anyone?")


def test_post_notice_is_an_ephemeral_from_the_app_unless_its_blocks_are_refused(double):
    before = double.version

    notice = double.post_notice("C0SALES", REP, "failed with the error operation_timeout")
    refused = double.post_notice("C0SALES", REP, "x", blocks=BAD_BLOCKS)

    assert double.version > before
    assert (notice.user, notice.ephemeral_to) == (double.bot_user_id, REP)
    assert refused is None
    assert [m.text for m in double.messages("C0SALES")] == [notice.text]
    assert double.violations_since(0)[0].startswith("post_notice: [ERROR]")


def test_an_update_keeps_what_was_typed_in_inputs_it_keeps_and_drops_the_rest(double, client):
    view = open_modal(client)
    double.set_view_state(view["id"], TYPED)
    assert double.top_view(REP)["state"] == {"values": TYPED}

    client.views_update(view_id=view["id"], view=modal(callback_id="again"))
    assert double.top_view(REP)["state"] == {"values": TYPED}

    renamed = copy.deepcopy(MODAL["blocks"])
    renamed[0]["block_id"] = "objective-2"
    client.views_update(view_id=view["id"], view=modal(blocks=renamed))
    assert double.top_view(REP)["state"] == {"values": {}}


def test_an_empty_answer_closes_the_submitted_view_and_shows_the_one_below(double, client):
    root = open_modal(client)
    pushed = client.views_push(trigger_id=new_trigger_id(REP), view=modal(callback_id="review"))
    double.set_view_state(pushed["view"]["id"], TYPED)

    assert double.apply_submission_response(REP, pushed["view"]["id"], None) is None

    assert double.top_view(REP)["id"] == root["id"]
    assert double.get_view(pushed["view"]["id"])["state"] == {"values": {}}
    assert double.apply_submission_response(REP, root["id"], {}) is None
    assert (double.stack_depth(REP), double.top_view(REP)) == (0, None)


def test_errors_stay_on_the_view_until_it_is_updated(double, client):
    view = open_modal(client)
    double.set_view_state(view["id"], TYPED)

    answer = {"response_action": "errors", "errors": {"objective": "Too vague"}}
    assert double.apply_submission_response(REP, view["id"], answer) is None

    assert double.view_errors(view["id"]) == {"objective": "Too vague"}
    assert double.stack_depth(REP) == 1
    assert double.top_view(REP)["state"] == {"values": TYPED}  # the person's typing survives
    client.views_update(view_id=view["id"], view=modal())
    assert double.view_errors(view["id"]) == {}


def test_errors_for_a_block_that_is_not_an_input_are_refused(double, client):
    view = open_modal(client)

    answer = {"response_action": "errors", "errors": {"nowhere": "?"}}
    message = double.apply_submission_response(REP, view["id"], answer)

    assert message.startswith("Slack refused the app's view: must be the block_id")
    assert double.view_errors(view["id"]) == {}
    assert double.violations[0].startswith("response_action: [ERROR]")


def test_update_replaces_the_view_in_place_and_clears_its_errors(double, client):
    root = open_modal(client)
    pushed = client.views_push(trigger_id=new_trigger_id(REP), view=modal())["view"]
    double.set_view_state(pushed["id"], TYPED)
    errors = {"response_action": "errors", "errors": {"objective": "No"}}
    double.apply_submission_response(REP, pushed["id"], errors)

    answer = {"response_action": "update", "view": modal(callback_id="done")}
    assert double.apply_submission_response(REP, pushed["id"], answer) is None

    updated = double.top_view(REP)
    assert (updated["id"], updated["callback_id"]) == (pushed["id"], "done")
    assert (updated["root_view_id"], updated["previous_view_id"]) == (root["id"], root["id"])
    assert updated["hash"] != pushed["hash"]
    assert updated["state"] == {"values": TYPED}  # the same input keeps what was typed
    assert double.view_errors(pushed["id"]) == {}
    assert double.stack_depth(REP) == 2


def test_an_invalid_update_is_refused_and_recorded(double, client):
    view = open_modal(client)
    violations = len(double.violations)

    answer = {"response_action": "update", "view": modal(title=None)}
    message = double.apply_submission_response(REP, view["id"], answer)

    assert message.startswith("Slack refused the app's view: ")
    assert "title" in message
    assert double.top_view(REP) == view
    assert double.violations_since(violations)
    assert all(v.startswith("response_action: [ERROR]") for v in double.violations_since(0))


def test_push_stacks_up_to_three_views(double, client):
    root = open_modal(client)
    push = {"response_action": "push", "view": modal(callback_id="more")}

    assert double.apply_submission_response(REP, root["id"], push) is None
    second = double.top_view(REP)
    assert double.apply_submission_response(REP, second["id"], push) is None
    third = double.top_view(REP)
    refused = double.apply_submission_response(REP, third["id"], push)

    assert (second["previous_view_id"], second["root_view_id"]) == (root["id"], root["id"])
    assert third["previous_view_id"] == second["id"]
    problem = "at most 3 views can be stacked [json-pointer:/view]"
    assert refused == f"Slack refused the app's view: {problem}"
    assert double.stack_depth(REP) == 3
    assert double.violations == [f"response_action: [ERROR] {problem}"]


def test_clear_closes_every_view_of_the_user(double, client):
    root = open_modal(client)
    other = open_modal(client, MANAGER)
    pushed = client.views_push(trigger_id=new_trigger_id(REP), view=modal())["view"]

    assert double.apply_submission_response(REP, pushed["id"], {"response_action": "clear"}) is None

    assert double.stack_depth(REP) == 0
    assert double.get_view(root["id"]) is not None  # closed, still known to views.update
    assert double.top_view(MANAGER) == other


def test_an_answer_about_a_view_not_on_top_changes_nothing(double, client):
    root = open_modal(client)
    client.views_push(trigger_id=new_trigger_id(REP), view=modal())
    before = double.version

    assert double.apply_submission_response(REP, root["id"], None) is None
    assert double.apply_submission_response(MANAGER, root["id"], None) is None

    assert double.stack_depth(REP) == 2
    assert double.version == before


def test_an_unknown_response_action_is_refused(double, client):
    view = open_modal(client)

    message = double.apply_submission_response(REP, view["id"], {"response_action": "explode"})

    assert "unknown response_action 'explode'" in message
    assert double.stack_depth(REP) == 1


def test_close_view_pops_the_top_and_returns_it_with_what_was_typed(double, client):
    root = open_modal(client)
    pushed = client.views_push(trigger_id=new_trigger_id(REP), view=modal())["view"]
    double.set_view_state(pushed["id"], TYPED)

    assert double.close_view(REP, root["id"]) is None  # not on top
    closed = double.close_view(REP, pushed["id"])

    assert closed["id"] == pushed["id"]
    assert closed["state"] == {"values": TYPED} and closed["notify_on_close"] is True
    assert double.top_view(REP)["id"] == root["id"]
    assert double.close_view(REP, root["id"])["id"] == root["id"]
    assert double.stack_depth(REP) == 0
    assert double.close_view(REP, root["id"]) is None
