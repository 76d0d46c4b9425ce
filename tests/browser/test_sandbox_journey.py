"""A rep's week and their manager's summary, clicked through the sandbox workspace in Chromium.

Steps start at the real time, so the dates are computed here from now in each person's zone. A
scheduled pass run from the page's clock moves the sandbox's clock (the app's too) to the time
typed there, and what follows happens at that time.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from app.domain.summaries import period_before
from app.models import SummaryCadence
from app.slack.views.summary import period_name
from tests.support.workspace_page import WorkspacePage, long_date

ANA, ANA_ZONE = "U0SBANA", "America/New_York"
SAM, SAM_ZONE = "U0SBSAM", "America/Los_Angeles"
MARIA, MARIA_ZONE = "U0SBMARIA", "America/Chicago"
REPS = ["U0SBANA", "U0SBKENJI", "U0SBPRIYA"]
SALES_TEAM = ("C0SBSALES", "sales-team")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEAK_OBJECTIVE = "Send them our deck"


def field(label: str) -> re.Pattern[str]:
    """A Block Kit input's label, exactly, marked "(optional)" or not."""
    return re.compile(rf"^{re.escape(label)}(\s*\(optional\))?$")


def test_a_rep_plans_logs_is_nudged_and_the_manager_gets_a_summary(
    page: Page, sandbox, step
) -> None:
    slack = WorkspacePage(page, sandbox.url)
    ana_zone = ZoneInfo(ANA_ZONE)
    now = datetime.now(ana_zone)
    today = now.date()
    run_day = today + timedelta(days=2)  # the day after tomorrow, for the scheduled passes
    # "next Tuesday" is the Tuesday of next week (app/domain/dates), even said on a Monday.
    next_tuesday = today - timedelta(days=today.weekday()) + timedelta(weeks=1, days=1)
    next_step_at = datetime.combine(next_tuesday, time(15), ana_zone)
    # An interaction earlier today, on the hour (or late yesterday, just after midnight).
    earlier = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    earlier_day = "today" if earlier.date() == today else "yesterday"
    earlier_text = f"{earlier_day} {earlier.hour % 12 or 12}{earlier:%p}".lower()

    with step("open the sandbox as Ana"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)

    with step("Ana gets nudges every day with /coach settings"):
        slack.send("/coach settings")
        modal = slack.expect_modal("Nudge settings")
        modal.get_by_label(field("Morning nudge at")).select_option("09:00")
        for day in DAY_NAMES:
            modal.get_by_role("checkbox", name=day, exact=True).check()
        slack.submit_modal(then="Nudge settings")
        expect(slack.modal).to_contain_text("Saved. Your morning nudge comes at 9:00 AM on Mon,")
        slack.close_modal()

    with step("plan Initech with /precall"):
        slack.send("/precall Initech tomorrow 10am")
        modal = slack.expect_modal("Plan an interaction")
        # The form is completed with the rep's zone once it is open: type after that.
        expect(modal.locator('.sb-block[data-block-id="precall_zone"]')).to_contain_text(ANA_ZONE)
        expect(modal.get_by_label(field("Account or prospect"))).to_have_value("Initech")
        expect(modal.get_by_label(field("When"))).to_have_value("tomorrow 10am")
        modal.get_by_label(field("Stage of the sale")).select_option(label="Demo / evaluation")
        modal.get_by_label(field("Commitment objective")).fill(WEAK_OBJECTIVE)

    with step("a when the app cannot read is refused under its field, the rest kept"):
        modal.get_by_label(field("When")).fill("whenever suits them")
        slack.modal_button("submit").click()
        when_block = modal.locator('.sb-block[data-block-id="precall_when"]')
        expect(when_block.locator(".sb-error")).to_be_visible()
        expect(modal.get_by_label(field("Commitment objective"))).to_have_value(WEAK_OBJECTIVE)
        modal.get_by_label(field("When")).fill("tomorrow 10am")
        slack.submit_modal(then="Review your objective")

    with step("the coach's review is pushed over the form"):
        modal = slack.modal
        expect(modal).to_contain_text(WEAK_OBJECTIVE)
        expect(modal).to_contain_text("Coach's review")
        expect(modal).to_contain_text("⚠️")
        expect(modal.locator("button.sb-modal-back")).to_be_visible()
        expect(slack.modal_button("submit")).to_have_text("Back to edit")
        expect(modal.get_by_role("button", name="Save anyway")).to_be_visible()

    with step("save anyway: the DM confirms the plan with the checklist"):
        modal.get_by_role("button", name="Save anyway").click()
        slack.expect_modal("Plan saved")
        slack.close_modal()
        post = slack.app_post("Plan saved: Initech")
        expect(post).to_contain_text(WEAK_OBJECTIVE)
        expect(post).to_contain_text("Coach's review")
        expect(post).to_contain_text(re.compile(r"(✅|⚠️) Customer action"))
        expect(post).to_contain_text("Time-bound")
        tomorrow_10am = datetime.combine(today + timedelta(days=1), time(10), ana_zone)
        expect(post.locator(".sb-date").first).to_have_text(long_date(tomorrow_10am, today))

    with step("log an unplanned Globex meeting with /postcall"):
        slack.send("/postcall")
        modal = slack.expect_modal("Log an outcome")
        which = modal.get_by_label(field("Which interaction"))
        which.select_option(label="Not planned: log one without a /precall")
        expect(which.locator("option:checked")).to_have_text(
            "Not planned: log one without a /precall"
        )
        modal.get_by_label(field("Account or prospect")).fill("Globex")
        modal.get_by_label(field("When did it happen")).fill(earlier_text)
        modal.get_by_role("radio", name=re.compile(r"^Advanced")).check()
        next_step = "Globex books a pricing review with their CFO"
        modal.get_by_label(field("Next step: what the customer agreed to do")).fill(next_step)
        modal.get_by_label(field("When")).fill("next Tuesday 3pm")
        slack.submit_modal()

    with step("the outcome DM shows the next step's date"):
        post = slack.app_post("Outcome logged: Globex")
        expect(post).to_contain_text("Advanced")
        expect(post).to_contain_text(next_step)
        date = post.locator(".sb-date").last
        expect(date).to_have_text(long_date(next_step_at, today))
        expect(date).to_contain_text("3:00 PM")
        whole = f"Tuesday {next_tuesday.day} {next_tuesday:%B %Y}, 3:00 PM"
        expect(date).to_have_attribute("title", re.compile(f"^{whole} "))  # on hover

    with step("run the morning sweep the day after tomorrow at 09:30"):
        report = slack.run_clock("#sb-run-nudges", datetime.combine(run_day, time(9, 30)), ANA_ZONE)
        expect(report).not_to_contain_text("Traceback")

    with step("the nudge DM lists Initech"):
        nudge = slack.app_post("Good morning")
        item = nudge.locator('.sb-block[data-block-id^="nudge_item."]', has_text="Initech")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("No outcome logged yet")

    with step("Log outcome from the nudge opens the form on Initech"):
        key = item.get_attribute("data-block-id").split(".", 1)[1]
        actions = nudge.locator(f'.sb-block[data-block-id="nudge_actions.{key}"]')
        actions.get_by_role("button", name="Log outcome").click()
        modal = slack.expect_modal("Log an outcome")
        chosen = modal.get_by_label(field("Which interaction")).locator("option:checked")
        expect(chosen).to_contain_text("Initech")
        expect(modal).to_contain_text(WEAK_OBJECTIVE)

    with step("log Initech as won"):
        modal.get_by_role("radio", name=re.compile(r"^Won")).check()
        slack.submit_modal()
        post = slack.app_post("Outcome logged: Initech")
        expect(post).to_contain_text("Won")
        expect(post).to_contain_text("Deal closed")

    with step("the nudge's Initech item now says so in place of its buttons"):
        status = nudge.locator(f'.sb-block[data-block-id="nudge_status.{key}"]')
        expect(status).to_contain_text("✓ Outcome logged: Won.")
        expect(actions).to_have_count(0)

    with step("Sam, the admin, names Maria a manager"):
        slack.act_as(SAM, SAM_ZONE)
        slack.send("/coach managers")
        modal = slack.expect_modal("Managers")
        modal.get_by_label(field("Managers")).select_option([MARIA])
        slack.submit_modal(then="Managers")
        expect(slack.modal).to_contain_text("Managers now:")
        expect(slack.modal).to_contain_text("Maria Lopez")
        slack.close_modal()

    with step("Maria sets up a weekly summary in #sales-team"):
        slack.act_as(MARIA, MARIA_ZONE)
        slack.send("/coach summary")
        modal = slack.expect_modal("Channel summary")
        # The user groups are read from Slack once the form is open: type after that.
        expect(modal.get_by_label(field("User group"))).to_be_visible()
        modal.get_by_label(field("Post in")).select_option(SALES_TEAM[0])
        modal.get_by_label(field("Reps")).select_option(REPS)
        modal.get_by_role("radio", name=re.compile(r"^Weekly")).check()
        modal.get_by_label(field("Day of the week (weekly only)")).select_option(
            str(run_day.weekday())
        )
        # The sandbox's clock reads 08:30 in Chicago since the morning sweep: a slot ahead.
        modal.get_by_label(field("At")).fill("09:00")
        slack.submit_modal(then="Summary saved")
        expect(slack.modal).to_contain_text("sales-team")
        expect(slack.modal).to_contain_text(
            f"weekly on {DAY_NAMES[run_day.weekday()]} at 09:00 ({MARIA_ZONE})"
        )
        slack.close_modal()

    with step("run summaries that day at 09:30, Maria's time"):
        report = slack.run_clock(
            "#sb-run-summaries", datetime.combine(run_day, time(9, 30)), MARIA_ZONE
        )
        expect(report).to_contain_text("#sales-team got its summary")
        expect(report).not_to_contain_text("Traceback")

    with step("the summary is posted in #sales-team"):
        slack.open_channel(*SALES_TEAM)
        summary = slack.app_post("Team summary")
        week = period_before(SummaryCadence.WEEKLY, MARIA_ZONE, run_day)
        expect(summary.locator("h3")).to_have_text(
            f"Team summary: {period_name(week)}, the last complete week"
        )
        expect(summary).to_contain_text("3 reps")
        expect(summary).to_contain_text("2 interactions, 2 with an outcome logged")
        expect(summary).to_contain_text("Ana Ortiz · 2 interactions")
        expect(summary).to_contain_text("Kenji Sato · nothing logged")
        expect(summary).to_contain_text("Priya Shah · nothing logged")

    with step("Maria exports her team's data: a CSV file in her DM with the app"):
        slack.send("/coach export")
        expect(slack.post("Preparing your export")).to_contain_text("Only visible to you")
        slack.open_app_dm()
        export = slack.app_post("Your export:")
        expect(export).to_contain_text("interactions of your team")
        expect(export.locator(".sb-file")).to_contain_text("commitment-coach-")
        slack.open_channel(*SALES_TEAM)

    with step("Maria removes the summary from /coach summary list, after confirming"):
        slack.send("/coach summary list")
        listed = slack.post("weekly on")
        expect(listed.locator(".sb-post-ephemeral")).to_have_text("Only visible to you")
        listed.get_by_role("button", name="Remove").click()
        dialog = page.locator("dialog#sb-confirm")
        expect(dialog.locator("#sb-confirm-title")).to_have_text("Remove this summary?")
        dialog.locator("#sb-confirm-ok").click()
        slack.expect_modal("Summary removed")
        expect(slack.modal).to_contain_text("will not be posted again")
        slack.close_modal()
        # The list itself follows: the same message now says there is none.
        expect(page.locator("#sb-messages .sb-post", has_text="weekly on")).to_have_count(0)
        expect(slack.post("No channel summaries yet")).to_contain_text("Only visible to you")

    with step("reset the sandbox: the messages are gone, the people stay"):
        page.locator("#sb-reset").click()
        page.locator("dialog#sb-confirm #sb-confirm-ok").click()
        expect(page.locator("#sb-messages")).to_have_text("No messages yet.")
        slack.act_as(ANA, ANA_ZONE)
        expect(page.locator("#sb-messages")).to_have_text("No messages yet.")


def test_postcall_reads_the_next_step_date_as_it_is_typed(page: Page, sandbox, step) -> None:
    slack = WorkspacePage(page, sandbox.url)
    today = datetime.now(ZoneInfo(ANA_ZONE)).date()
    next_tuesday = today - timedelta(days=today.weekday()) + timedelta(weeks=1, days=1)

    with step("open /postcall as Ana"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)
        slack.send("/postcall")
        modal = slack.expect_modal("Log an outcome")
        expect(modal.get_by_label(field("Which interaction"))).to_be_visible()

    with step("type the next step's date: the form says how it read it"):
        modal.get_by_label(field("When")).fill("next Tuesday 3pm")
        expect(modal.locator(".sb-hint", has_text="→")).to_contain_text(
            f"Tue {next_tuesday.day} {next_tuesday:%b} {next_tuesday.year}, 3:00 PM"
        )


def test_a_nudges_snooze_select_and_mark_lost_update_the_message(page: Page, sandbox, step):
    slack = WorkspacePage(page, sandbox.url)
    run_day = datetime.now(ZoneInfo(ANA_ZONE)).date() + timedelta(days=2)

    with step("Ana plans Initech and Hooli for tomorrow, nudged every day"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)
        slack.nudge_every_day()
        for account in ("Initech", "Hooli"):
            slack.send(f"/precall {account} tomorrow 10am")
            modal = slack.expect_modal("Plan an interaction")
            zone = modal.locator('.sb-block[data-block-id="precall_zone"]')
            expect(zone).to_contain_text(ANA_ZONE)
            modal.get_by_label(field("Stage of the sale")).select_option(label="Demo / evaluation")
            modal.get_by_label(field("Commitment objective")).fill(
                "Dana (CFO) agrees to a pricing review on Friday"
            )
            modal.get_by_label(field("Minimum acceptable commitment")).fill(
                "Dana books a call with IT next week"
            )
            slack.submit_modal()
            expect(slack.app_post(f"Plan saved: {account}")).to_be_visible()

    with step("the morning sweep lists both"):
        slack.run_clock("#sb-run-nudges", datetime.combine(run_day, time(9, 30)), ANA_ZONE)
        nudge = slack.app_post("Good morning")
        expect(nudge.locator("h3")).to_have_text("Good morning: 2 interactions need your attention")

    with step("snoozing Initech from its overflow menu updates the message"):
        initech = nudge.locator('.sb-block[data-block-id^="nudge_actions."]').first
        expect(initech.get_by_role("button", name="Plan it")).to_have_count(0)  # it passed
        initech.locator("select.sb-overflow").select_option(label="Snooze until tomorrow")
        # Snoozed to the day after the sandbox's clock, named with its weekday.
        expect(nudge).to_contain_text(re.compile(r"Snoozed until \w+day, \w+ \d+"))
        expect(nudge.locator(".sb-post-edited")).to_be_visible()

    with step("marking Hooli lost says what it stops chasing and offers Cancel first"):
        hooli = nudge.locator('.sb-block[data-block-id^="nudge_actions."]').first
        hooli.locator("select.sb-overflow").select_option(label="Mark lost…")
        modal = slack.expect_modal("Mark it lost?")
        expect(modal).to_contain_text("No other interaction with Hooli is open.")
        expect(modal.get_by_role("button", name="Cancel it")).to_be_visible()
        slack.submit_modal()
        expect(nudge).to_contain_text("Marked lost: nothing more about Hooli will be chased.")


def test_shortcuts_plan_from_the_message_box_and_log_an_outcome_from_a_message(
    page: Page, sandbox, step
) -> None:
    slack = WorkspacePage(page, sandbox.url)
    message = "Initech call: Gavin books the pilot kickoff for next week"

    with step("Plan an interaction from the message box's shortcuts"):
        slack.open()
        slack.act_as(ANA, ANA_ZONE)
        page.locator("#sb-shortcuts > summary").click()
        page.locator("#sb-shortcut-menu").get_by_role("button", name="Plan an interaction").click()
        modal = slack.expect_modal("Plan an interaction")
        expect(modal.locator('.sb-block[data-block-id="precall_zone"]')).to_contain_text(ANA_ZONE)
        modal.get_by_label(field("Account or prospect")).fill("Initech")
        # A call that began two minutes ago: within the grace in which it can still be planned
        # (an earlier one is refused as past, with the outcome form offered instead).
        typed_at = datetime.now(ZoneInfo(ANA_ZONE))
        began = typed_at - timedelta(minutes=2)
        began_day = "today" if began.date() == typed_at.date() else "yesterday"
        began_text = f"{began_day} {began.hour % 12 or 12}:{began:%M}{began:%p}".lower()
        modal.get_by_label(field("When")).fill(began_text)
        modal.get_by_label(field("Stage of the sale")).select_option(label="Demo / evaluation")
        modal.get_by_label(field("Commitment objective")).fill(
            "Gavin (VP Ops) agrees to book the pilot kickoff by Friday"
        )
        slack.submit_modal(then=None)
        expect(slack.app_post("Plan saved: Initech")).to_be_visible()

    with step("Log outcome from a message in #sales-team"):
        slack.open_channel(*SALES_TEAM)
        slack.send(message)
        post = slack.post(message)
        post.locator(".sb-more-actions > summary").click()
        post.get_by_role("button", name="Log outcome from message").click()
        modal = slack.expect_modal("Log an outcome")
        chosen = modal.get_by_label(field("Which interaction")).locator("option:checked")
        expect(chosen).to_contain_text("Initech")
        expect(modal.get_by_label(field("Notes"))).to_have_value(message)

    with step("choosing Advanced makes the next step and its date required"):
        modal.get_by_role("radio", name=re.compile(r"^Advanced")).check()
        label = modal.locator("label.sb-label", has_text="Next step: what the customer agreed")
        expect(label.locator(".sb-optional")).to_have_count(0)
        expect(modal.locator("label.sb-label", has_text=re.compile(r"^When"))).not_to_contain_text(
            "(optional)"
        )
        modal.get_by_role("radio", name=re.compile(r"^Continuation")).check()
        expect(label).to_have_count(0)
        slack.submit_modal()
        slack.open_app_dm()
        post = slack.app_post("Outcome logged: Initech")
        expect(post).to_contain_text(message)
        expect(post.get_by_role("button", name="Plan the next step")).to_be_visible()
