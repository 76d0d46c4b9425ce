"""A rep connects the sandbox's sample calendar with /coach calendar, in Chromium: the form
checks it at once, counts the customer meetings ahead, shows it masked, and disconnects it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.workspace_page import WorkspacePage

ANA, ANA_ZONE = "U0SBANA", "America/New_York"


def test_a_rep_connects_the_sample_calendar_and_disconnects_it(page: Page, sandbox, step) -> None:
    slack = WorkspacePage(page, sandbox.url)

    with step("open the sandbox as Ana: her sample calendar's address is on the page"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)
        shown = page.locator("#sb-calendar-address")
        expect(shown).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/sandbox/calendars/"))
        address = shown.input_value()

    with step("a wrong address is refused under the field"):
        slack.send("/coach calendar")
        modal = slack.expect_modal("Your calendar")
        expect(modal).to_contain_text("Secret address in iCal format")
        modal.get_by_label("Secret iCal address").fill("my calendar")
        slack.modal_button("submit").click()
        expect(modal.locator(".sb-error")).to_contain_text("That is not a web address")

    with step("the sample address is checked at once: three customer meetings ahead"):
        modal.get_by_label("Secret iCal address").fill(address)
        slack.modal_button("submit").click()
        # Globex and Hooli tomorrow, Initech the day after; the colleagues' pipeline review and
        # the meeting yesterday are not counted.
        expect(modal).to_contain_text("I found 3 upcoming external meetings in the next 14 days.")
        expect(modal).to_contain_text("Connected: http://127.0.0.1/….ics")
        expect(modal).not_to_contain_text("/sandbox/calendars/")
        slack.close_modal()

    with step("/coach calendar shows it masked, and Disconnect asks first"):
        slack.send("/coach calendar")
        modal = slack.expect_modal("Your calendar")
        expect(modal).to_contain_text("Connected: http://127.0.0.1/….ics")
        modal.get_by_role("button", name="Disconnect").click()
        expect(page.locator("#sb-confirm-title")).to_have_text("Disconnect your calendar?")
        page.locator("#sb-confirm-ok").click()
        expect(slack.modal).to_contain_text("Disconnected: I no longer read your calendar.")
