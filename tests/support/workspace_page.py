"""The sandbox page as a person uses it: who they are, where they look, what they type.

Only the page's documented DOM contract and visible labels are used; every wait is one of
Playwright's auto-waiting expectations.
"""

from __future__ import annotations

from datetime import date, datetime

from playwright.sync_api import Locator, Page, expect

APP_NAME = "Commitment Coach"


class WorkspacePage:
    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    # ----- who and where

    def open(self) -> None:
        self.page.goto(self.url)
        expect(self.page.locator("#sb-person option")).not_to_have_count(0)

    def act_as(self, user_id: str, zone: str) -> None:
        """Switch person, and wait until the page shows them (their zone under the switcher)."""
        self.page.locator("#sb-person").select_option(user_id)
        expect(self.page.locator("#sb-person")).to_have_value(user_id)
        expect(self.page.locator("#sb-person-detail")).to_contain_text(zone.replace("_", " ", 1))
        expect(self.page.locator("#sb-channel-title")).to_have_text(APP_NAME)

    def open_app_dm(self) -> None:
        self.page.locator("#sb-apps a.sb-nav-item", has_text=APP_NAME).click()
        expect(self.page.locator("#sb-channel-title")).to_have_text(APP_NAME)

    def open_channel(self, channel_id: str, name: str) -> None:
        self.page.locator(f'#sb-channels a.sb-nav-item[data-channel-id="{channel_id}"]').click()
        expect(self.page.locator("#sb-channel-title")).to_have_text(f"# {name}")

    # ----- messages

    def send(self, text: str) -> None:
        box = self.page.locator("#sb-message-input")
        box.fill(text)
        box.press("Enter")
        expect(box).to_have_value("")  # the page took it

    def post(self, text: str) -> Locator:
        """The latest message in the open channel that contains `text`."""
        return self.page.locator("#sb-messages .sb-post").filter(has_text=text).last

    def app_post(self, text: str) -> Locator:
        post = self.post(text)
        expect(post).to_be_visible()
        expect(post.locator(".sb-post-author").first).to_have_text(APP_NAME)
        return post

    # ----- modals

    @property
    def modal(self) -> Locator:
        return self.page.locator("#sb-modal-layer form.sb-modal")

    def expect_modal(self, title: str) -> Locator:
        expect(self.modal.locator("h2.sb-modal-title")).to_have_text(title)
        return self.modal

    def modal_button(self, action: str) -> Locator:
        """The footer's "submit" or "close" button."""
        return self.modal.locator(f'button[data-view-action="{action}"]')

    def submit_modal(self, *, then: str | None = None) -> None:
        """Submit; then expect the modal titled `then`, or none. A failure lists the errors the
        modal shows, so that a refused submission says why."""
        self.modal_button("submit").click()
        try:
            if then is None:
                expect(self.page.locator("#sb-modal-layer")).to_be_hidden()
            else:
                expect(self.modal.locator("h2.sb-modal-title")).to_have_text(then)
        except AssertionError as error:
            errors = self.modal.locator(".sb-error").all_inner_texts()
            notices = self.page.locator("#sb-notices .sb-notice").all_inner_texts()
            error.add_note(f"Errors in the modal: {errors}; notices on the page: {notices}")
            raise

    def close_modal(self) -> None:
        self.modal_button("close").click()
        expect(self.page.locator("#sb-modal-layer")).to_be_hidden()

    # ----- settings

    def nudge_every_day(self) -> None:
        """`/coach settings`: the morning nudge on every day of the week."""
        self.send("/coach settings")
        modal = self.expect_modal("Nudge settings")
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
            modal.get_by_role("checkbox", name=day, exact=True).check()
        self.submit_modal(then="Nudge settings")
        expect(self.modal).to_contain_text("Saved. Your morning nudge comes at 9:00 AM on Mon,")
        self.close_modal()

    # ----- the clock

    def run_clock(self, button_id: str, at: datetime, zone: str) -> Locator:
        """Fill "As of" with `at` (the current person's wall time) and run; the report."""
        self.page.locator("#sb-clock-at").fill(at.strftime("%Y-%m-%dT%H:%M"))
        self.page.locator(button_id).click()
        output = self.page.locator("#sb-clock-output")
        # The heading names the zone only once the run has answered; moving the sandbox's clock
        # restarts the app first.
        expect(output).to_contain_text(f"as of {at:%Y-%m-%d %H:%M} ({zone})", timeout=60_000)
        return output


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def long_date(at: datetime, today: date) -> str:
    """A `{date_long} at {time}` Slack date token as the page shows it in `at`'s zone
    ("Tuesday, December 1st at 3:00 PM"; the year only when not this one)."""
    year = f", {at.year}" if at.year != today.year else ""
    return f"{at:%A}, {at:%B} {at.day}{ordinal(at.day)}{year} at {at.hour % 12 or 12}:{at:%M %p}"
