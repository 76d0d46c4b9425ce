"""One-message modals: a notice where a form or a button leads, and what a user sees when
something fails on our side."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from app.slack.views.formatting import escape

STALE_FORM = "This form changed since it was opened: open it again."
SOMETHING_WENT_WRONG = (
    "Something went wrong on our side and nothing was saved. "
    "Close this to get back to your form, then try again in a minute."
)


def failure_modal(message: str = SOMETHING_WENT_WRONG) -> View:
    """Pushed on top of a form, so closing it returns the user to what they typed."""
    return View(
        type="modal",
        title="Something went wrong",
        close="Back",
        # The message may quote the rep (a date that could not be read): never as mrkdwn.
        blocks=[SectionBlock(text=escape(message))],
    )


def notice_modal(title: str, message: str) -> View:
    """A one-message modal: what a button or a saved form did, or why it could not."""
    return View(type="modal", title=title, close="Close", blocks=[SectionBlock(text=message)])


def stale_form_modal() -> View:
    """What replaces a form (or answers its button) whose private_metadata this version of
    the app did not write: one opened before a deploy, or altered. Nothing was saved."""
    return notice_modal("Form changed", STALE_FORM)
