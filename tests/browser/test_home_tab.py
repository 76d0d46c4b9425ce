"""The app's Home tab in the sandbox: the week on the board, a meeting rescheduled from it, and
the morning nudge following the move."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.support.workspace_page import WorkspacePage, long_date, ordinal

ANA, ANA_ZONE = "U0SBANA", "America/New_York"


def test_a_meeting_rescheduled_from_the_home_moves_in_the_morning_nudge(
    page: Page, sandbox, step
) -> None:
    slack = WorkspacePage(page, sandbox.url)
    zone = ZoneInfo(ANA_ZONE)
    today = datetime.now(zone).date()
    moved_day = today + timedelta(days=3)
    moved_at = datetime.combine(moved_day, time(10), zone)
    home = page.locator("#sb-messages .sb-home")

    with step("Ana is nudged every day and plans Initech for tomorrow"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)
        slack.nudge_every_day()
        slack.send("/precall Initech tomorrow 10am")
        modal = slack.expect_modal("Plan an interaction")
        expect(modal.locator('.sb-block[data-block-id="precall_zone"]')).to_contain_text(ANA_ZONE)
        modal.get_by_label("Stage of the sale").select_option(label="Demo / evaluation")
        modal.get_by_label("Commitment objective").fill(
            "Dana (CFO) agrees to a pricing review on Friday"
        )
        modal.get_by_label("Minimum acceptable commitment").fill(
            "Dana books a call with IT next week"
        )
        slack.submit_modal()
        expect(slack.app_post("Plan saved: Initech")).to_be_visible()

    with step("the Home tab shows Initech coming up with its plan"):
        page.locator("#sb-tab-home").click()
        expect(home).to_contain_text("Coming up")
        expect(home).to_contain_text("Initech")
        expect(home).to_contain_text("strong plan")
        expect(page.locator("#sb-composer")).to_be_hidden()

    with step("Reschedule asks for the new time and reads it back"):
        home.get_by_role("button", name="Reschedule").click()
        modal = slack.expect_modal("Reschedule")
        modal.get_by_label("New time").fill(f"{moved_day:%B} {moved_day.day} 10am")
        hint = modal.locator('.sb-block[data-block-id="reschedule_when"]')
        expect(hint).to_contain_text("→")
        slack.submit_modal()

    with step("the Home follows the move"):
        moved_label = f"{moved_day:%A}, {moved_day:%B} {moved_day.day}{ordinal(moved_day.day)}"
        expect(home).to_contain_text(moved_label)

    with step("the morning nudge after the new time lists Initech at its new time"):
        page.locator("#sb-tab-messages").click()
        run_at = datetime.combine(moved_day + timedelta(days=1), time(9, 30))
        slack.run_clock("#sb-run-nudges", run_at, ANA_ZONE)
        nudge = slack.app_post("Good morning")
        item = nudge.locator('.sb-block[data-block-id^="nudge_item."]', has_text="Initech")
        expect(item).to_contain_text(long_date(moved_at, today))
