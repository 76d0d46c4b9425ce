"""The page on its own, in Chromium: what it shows when Slack (the double) refuses what the app
sent, and what it keeps for a person while another is being acted as.

The page's server runs in-process against a seeded double with no app behind it, so a test
makes Slack's side happen directly, as an app sending a view would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from werkzeug.serving import make_server

from app.sandbox.dispatch import Dispatcher
from app.sandbox.inbound import new_trigger_id
from app.sandbox.sample_workspace import seed
from app.sandbox.server import SandboxControls, create_sandbox_app
from app.sandbox.slack_double import SlackDouble
from tests.support.modals import MODAL  # a form with one text input

ANA = "U0SBANA"
KENJI = "U0SBKENJI"
# One problem: the title is over Slack's 24 characters.
BROKEN_VIEW = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "x" * 30},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
}


@pytest.fixture
def workspace() -> Iterator[tuple[SlackDouble, str]]:
    with SlackDouble() as slack:
        seed(slack)
        controls = SandboxControls(
            slack=slack,
            dispatcher=Dispatcher(slack, "http://127.0.0.1:9/slack/events", "secret"),
            run_scheduler=lambda run, at: (True, ""),
            reset=lambda: None,
            app_is_ready=lambda: True,
        )
        server = make_server("127.0.0.1", 0, create_sandbox_app(controls), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield slack, f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()
            thread.join()


def test_a_view_slack_refuses_shows_as_an_error_and_opens_nothing(page: Page, workspace, step):
    slack, url = workspace
    with step("open the page as Ana"):
        page.goto(url)
        page.locator("#sb-person").select_option(ANA)
        expect(page.locator("#sb-channel-title")).to_have_text("Commitment Coach")

    with step("the app sends a view with a title over 24 characters"):
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        with pytest.raises(SlackApiError, match="invalid_arguments"):
            client.views_open(trigger_id=new_trigger_id(ANA), view=BROKEN_VIEW)

    with step("the page says Slack refused it, and no modal opens"):
        notice = page.locator("#sb-notices .sb-notice")
        expect(notice).to_have_count(1)
        expect(notice).to_contain_text("Slack refused what the app sent: views.open")
        expect(notice).to_contain_text("title")
        expect(page.locator("#sb-modal-layer")).to_be_hidden()

    with step("the notice can be dismissed"):
        notice.get_by_role("button", name="Dismiss").click()
        expect(notice).to_have_count(0)


def test_an_app_that_does_not_answer_is_reported_where_the_command_was_typed(
    page: Page, workspace, step
):
    slack, url = workspace
    with step("type /precall as Ana with no app listening"):
        page.goto(url)
        page.locator("#sb-person").select_option(ANA)
        page.locator("#sb-message-input").fill("/precall Initech")
        page.locator("#sb-message-input").press("Enter")

    with step("Slack's failure message shows, only to Ana"):
        post = page.locator(".sb-post", has_text="/precall failed with the error")
        expect(post).to_contain_text('"dispatch_failed"')
        expect(post.locator(".sb-post-ephemeral")).to_have_text("Only visible to you")


def test_switching_person_and_back_keeps_what_was_typed_in_a_modal(page: Page, workspace, step):
    slack, url = workspace
    with step("Ana types in a modal"):
        page.goto(url)
        page.locator("#sb-person").select_option(ANA)
        WebClient(token=slack.bot_token, base_url=slack.api_url).views_open(
            trigger_id=new_trigger_id(ANA), view=MODAL
        )
        objective = page.locator("#sb-modal-layer").get_by_label("Commitment objective")
        objective.fill("Dana agrees to a pricing review on Friday")

    with step("acting as Kenji shows no modal"):
        page.locator("#sb-person").select_option(KENJI)
        expect(page.locator("#sb-person-detail")).to_contain_text("Tokyo")
        expect(page.locator("#sb-modal-layer")).to_be_hidden()

    with step("back as Ana, the modal has what she typed"):
        page.locator("#sb-person").select_option(ANA)
        expect(objective).to_have_value("Dana agrees to a pricing review on Friday")
