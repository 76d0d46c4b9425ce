"""A rep connects the sandbox's sample calendar, in Chromium: the form checks it at once, counts
the customer meetings ahead, shows it masked, and disconnects it; the calendar pass brings the
meetings in, follows their changes and asks for a plan before a meeting and its outcome after."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

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
        # the meeting that began three hours ago are not counted.
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


def test_the_calendar_brings_meetings_and_asks_before_and_after_each(
    page: Page, sandbox, step
) -> None:
    slack = WorkspacePage(page, sandbox.url)
    zone = ZoneInfo(ANA_ZONE)
    now = datetime.now(zone)
    tomorrow = now.date() + timedelta(days=1)
    home = page.locator("#sb-messages .sb-home")

    with step("Ana connects her sample calendar from the Home tab"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)
        address = page.locator("#sb-calendar-address").input_value()
        page.locator("#sb-tab-home").click()
        home.get_by_role("button", name="Connect your calendar").click()
        modal = slack.expect_modal("Your calendar")
        modal.get_by_label("Secret iCal address").fill(address)
        slack.modal_button("submit").click()
        expect(modal).to_contain_text("I found 3 upcoming external meetings")
        slack.close_modal()

    with step("the calendar pass brings the customer meetings in, the one just past too"):
        report = slack.run_clock("#sb-run-calendars", now + timedelta(minutes=2), ANA_ZONE)
        expect(report).to_contain_text(
            "Ana Ortiz's calendar: 4 customer meetings from yesterday on; 4 new."
        )
        page.locator("#sb-tab-home").click()
        for account in ("Globex", "Hooli", "Initech"):
            expect(home).to_contain_text(account)
        expect(home).to_contain_text("no plan yet")

    with step("the next morning: Initech moved, Hooli cancelled, and Globex asks for a plan"):
        at = datetime.combine(tomorrow, time(9, 35), zone)
        report = slack.run_clock("#sb-run-calendars", at, ANA_ZONE)
        expect(report).to_contain_text("1 moved, 1 cancelled")
        page.locator("#sb-tab-home").click()  # opened again: the Home as the calendar has it
        expect(home).not_to_contain_text("Hooli")
        expect(report).to_contain_text("Ana Ortiz was asked to plan the meeting with Globex.")
        page.locator("#sb-tab-messages").click()
        prompt = slack.app_post("No plan yet")
        expect(prompt).to_contain_text("With li.wei@globex.com")

    with step("Plan it opens the plan form on the meeting"):
        prompt.get_by_role("button", name="Plan it").click()
        modal = slack.expect_modal("Plan an interaction")
        # The form is completed with the meeting once it is open: look after that.
        expect(modal.locator('.sb-block[data-block-id="precall_zone"]')).to_contain_text(ANA_ZONE)
        expect(modal.get_by_label(re.compile(r"^Account or prospect"))).to_have_value("Globex")
        modal.get_by_label(re.compile(r"^Stage of the sale")).select_option(
            label="First meeting / discovery"
        )
        modal.get_by_label(re.compile(r"^Commitment objective")).fill(
            "Li Wei (CTO) agrees to a 30-minute demo with her team on Friday"
        )
        slack.submit_modal()

    with step("after the meeting, the outcome is asked for"):
        at = datetime.combine(tomorrow, time(11, 5), zone)
        report = slack.run_clock("#sb-run-calendars", at, ANA_ZONE)
        expect(report).to_contain_text("Ana Ortiz was asked how the meeting with Globex went.")
        page.locator("#sb-tab-messages").click()
        prompt = slack.app_post("No outcome logged yet")
        expect(prompt).to_contain_text("Globex")
        prompt.get_by_role("button", name="Log outcome").click()
        slack.expect_modal("Log an outcome")
