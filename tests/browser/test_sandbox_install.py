"""An admin installs the app through its OAuth flow from the sandbox's page, in Chromium: the
app's install page, Slack's allow page (the double's), and the app's "installed" page; the app
then answers in the workspace."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.workspace_page import WorkspacePage

SAM, SAM_ZONE = "U0SBSAM", "America/Los_Angeles"


def test_an_admin_installs_the_app_through_oauth_and_it_answers(page: Page, sandbox, step):
    slack = WorkspacePage(page, sandbox.url)

    with step("open the sandbox as Sam, the workspace admin"):
        slack.open()
        slack.act_as(SAM, SAM_ZONE)

    with step("the install link opens the app's install page, with what it stores"):
        with page.expect_popup() as opened:
            page.locator("#sb-install").click()
        install = opened.value
        expect(install.locator("h1")).to_contain_text("to Slack")
        expect(install.get_by_role("heading", name="What it stores")).to_be_visible()

    with step("Add to Slack, then Allow on Slack's page: the app says it is installed"):
        install.get_by_role("link", name="Add to Slack").click()
        expect(install.locator("h1")).to_contain_text("Install the app in")
        install.get_by_role("link", name="Allow").click()
        expect(install.locator("h1")).to_contain_text("is installed in")
        install.close()

    with step("the app answers in the workspace"):
        slack.send("/coach help")
        expect(slack.post("/precall")).to_contain_text("Only visible to you")
