"""The errors a listener raises instead of answering them itself, and their one renderer.

A listener raises `Unavailable`, `NotAllowed` or `FieldError`; the app's error handler shows
it where the request came from (see `render_error`): inline errors on a submitted form, an
ephemeral for a command, a notice modal for a button, nothing for an event. A database or
Slack failure raised from a listener is shown as `Unavailable`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from app.slack.services import REQUESTER_KEY
from app.slack.views.formatting import escape
from app.slack.views.notices import failure_modal, notice_modal

logger = logging.getLogger(__name__)

TRY_AGAIN = "Slack is slow right now: nothing was stored. Try again in a minute."
DATABASE_DOWN = "That could not be done just now: nothing was stored. Try again in a minute."
# Once acked, part of the work may be done: the user is told it did not all go through.
NOT_FINISHED = "Slack is slow right now, so I could not finish that. Try again in a minute."
DATABASE_NOT_FINISHED = "That could not be finished just now. Try again in a minute."
COMMAND_FAILED = "Something went wrong on our side and nothing was saved. Try again in a minute."
# Slack's deadline came before the listener's answer (a hung database, a saturated process).
NOT_IN_TIME = "That is not available just now. Try again in a minute."
NOTICE_TITLE = "Commitment Coach"


class CoachError(Exception):
    """An error with the sentence the user is shown; `block_id` places it in a form."""

    default_message = COMMAND_FAILED
    late_message = COMMAND_FAILED  # once the request was acked

    def __init__(
        self, message: str | None = None, *, block_id: str | None = None, title: str | None = None
    ) -> None:
        self.explicit = message is not None
        self.message = message or self.default_message
        self.block_id = block_id
        self.title = title  # of the notice modal, where a button's answer shows
        super().__init__(self.message)

    def text(self, acked: bool) -> str:
        """What the user reads; after the ack it cannot promise that nothing changed."""
        return self.late_message if acked and not self.explicit else self.message


class Unavailable(CoachError):
    """The database or Slack is down, slow or rate limited: the user may try again."""

    default_message = TRY_AGAIN
    late_message = NOT_FINISHED


class DatabaseUnavailable(Unavailable):
    """The database is down or too busy to answer."""

    default_message = DATABASE_DOWN
    late_message = DATABASE_NOT_FINISHED


def not_saved(message: str, title: str, wrote: dict[str, str | None]) -> DatabaseUnavailable:
    """The answer to a form the database did not take after it closed: `message`, then what the
    person wrote (label: their text, Slack-escaped), so that nothing of it is lost."""
    lines = [f"{label}: {escape(text)}" for label, text in wrote.items() if text]
    return DatabaseUnavailable("\n".join([message, *lines]), title=title)


class NotAllowed(CoachError):
    """The user may not do this (not an admin, not their item)."""


class FieldError(CoachError):
    """One field of a submitted form is wrong: shown under that field."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message, block_id=block_id)


class TooLate(Exception):
    """Raised by a listener's ack() once Slack has been answered without it (see the runner):
    the listener stops there, and the person, already told, is told nothing more."""


def as_coach_error(error: Exception) -> CoachError:
    """What the user is told about `error`: a database or Slack failure is `Unavailable`."""
    if isinstance(error, CoachError):
        return error
    if isinstance(error, SQLAlchemyError):
        return DatabaseUnavailable()
    if isinstance(error, SlackApiError | OSError):
        return Unavailable()
    return CoachError()


@dataclass(frozen=True)
class Surface:
    """Where a request came from, as far as answering it goes."""

    kind: str  # "view_submission", "command", "action" or "event"
    trigger_id: str | None
    user_id: str | None

    @classmethod
    def of(cls, body: dict) -> Surface:
        user = body.get("user")
        user_id = (user.get("id") if isinstance(user, dict) else None) or body.get("user_id")
        if body.get("command"):
            kind = "command"
        elif body.get("type") == "view_submission":
            kind = "view_submission"
        elif body.get("type") in (
            "block_actions",
            "interactive_message",
            "shortcut",
            "message_action",
        ):
            kind = "action"
        else:
            kind = "event"
        return cls(kind, body.get("trigger_id"), user_id)


def first_input_block(view: dict) -> str | None:
    """Where a form-wide error shows on a submitted form: its first input."""
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id"):
            return block["block_id"]
    return None


def render_error(
    error: Exception,
    body: dict,
    context: BoltContext,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Tell the user about `error` where they are; `response` is None once the listener acked
    (the answer then goes through response_url, a modal or a DM instead of the ack)."""
    if isinstance(error, TooLate):
        logger.info("a listener acked after Slack's deadline had been answered for it")
        return None
    shown = as_coach_error(error)
    if isinstance(error, CoachError):
        logger.info("a listener refused or gave up: %s (%r)", shown.message, error.__cause__)
    elif isinstance(shown, Unavailable):
        logger.warning("a listener could not reach Slack or the database: %r", error)
    else:
        logger.exception("unhandled error in a listener", exc_info=error)
    surface = Surface.of(body)
    if surface.kind == "event":
        return BoltResponse(status=200, body="") if response is not None else None
    if response is not None:
        return _in_the_ack(shown, surface, body, context)
    _after_the_ack(shown.text(acked=True), shown.title, surface, context)
    return None


def answer_in_time(body: dict) -> BoltResponse:
    """Slack's answer when the listener has not acked by Slack's deadline: said in the ack,
    with no Web API call (which could be what is slow)."""
    surface = Surface.of(body)
    if surface.kind == "command":
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": NOT_IN_TIME})
    if surface.kind == "view_submission":
        block = first_input_block(body.get("view") or {})
        if block:
            errors = {block: NOT_IN_TIME}
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    return BoltResponse(status=200, body="")


def _in_the_ack(
    shown: CoachError, surface: Surface, body: dict, context: BoltContext
) -> BoltResponse:
    if surface.kind == "view_submission":
        block = shown.block_id or first_input_block(body.get("view") or {})
        if block and type(shown) is not CoachError:
            errors = {block: shown.message}
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
        return BoltResponse(
            status=200,
            body={"response_action": "push", "view": failure_modal().to_dict()},
        )
    if surface.kind == "command":
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": shown.message})
    # A button: ack it empty, then say why in a modal (the trigger id is still fresh).
    _notice(context.client, surface, shown.message, shown.title)
    return BoltResponse(status=200, body="")


def _after_the_ack(message: str, title: str | None, surface: Surface, context: BoltContext) -> None:
    # A button's trigger id, and a submitted form's once the form has closed, can still open
    # a notice where the person is looking.
    if surface.kind in ("action", "view_submission") and _notice(
        context.client, surface, message, title
    ):
        return
    if context.response_url and context.respond is not None:
        try:
            context.respond(text=message, response_type="ephemeral", replace_original=False)
            return
        except (OSError, SlackApiError) as failure:
            logger.info("could not answer through response_url: %s", failure)
    if surface.user_id and context.client is not None:
        # A closed form has no response_url: the app's DM with the person is where they look.
        try:
            context.client.chat_postMessage(channel=surface.user_id, text=message)
        except (OSError, SlackApiError) as failure:
            logger.info("could not tell %s about a failure: %s", surface.user_id, failure)


def _notice(client: WebClient | None, surface: Surface, message: str, title: str | None) -> bool:
    if client is None or not surface.trigger_id:
        return False
    try:
        view = notice_modal(title or NOTICE_TITLE, message)
        client.views_open(trigger_id=surface.trigger_id, view=view)
        return True
    except (OSError, SlackApiError) as failure:  # the trigger expired
        logger.info("could not open a notice modal: %s", failure)
        return False


def handled(listener: Callable[..., Any]) -> Callable[..., None]:
    """`listener`, its errors rendered by `render_error`: those raised before ack() by Bolt's
    error handler (it answers in the ack), those raised after it here.

    Bolt, given an error from a listener that has already acked, resets the ack it has yet to
    send: Slack would get no answer, and Bolt would try the next listener (a catch-all).
    """
    names = get_arg_names_of_callable(listener)

    def run(request: BoltRequest, response: BoltResponse | None) -> None:
        if REQUESTER_KEY in names and request.context.get(REQUESTER_KEY) is None:
            # The middleware names a requester only for a user of Slack's shape: a request
            # naming none (an app_home_opened without its user) has nobody to act for.
            logger.info("%s not run: the request names no user", listener.__name__)
            ack = request.context.ack
            if ack is not None and ack.response is None:
                ack()
            return
        kwargs = build_required_kwargs(
            logger=logger,
            required_arg_names=list(names),
            request=request,
            response=response,
            this_func=listener,
            next_keys_required=False,
        )
        try:
            listener(**kwargs)
        except Exception as error:
            ack = request.context.ack
            if ack is None or ack.response is None:
                raise
            body = request.body if isinstance(request.body, dict) else {}
            render_error(error, body, request.context, None)

    update_wrapper(run, listener)
    del run.__wrapped__  # type: ignore[attr-defined]  # Bolt must inject run's own arguments
    return run
