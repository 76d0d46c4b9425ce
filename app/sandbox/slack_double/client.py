"""What a person does in the Slack client, for the sandbox page and the tests: post, type into
a view, submit it (with the app's answer applied as Slack applies it), close it."""

from __future__ import annotations

import copy
from typing import Any

from app.sandbox.limits import slack_error
from app.sandbox.slack_double.messages import Messages
from app.sandbox.slack_double.records import Message, SlackError
from app.sandbox.slack_double.views import VIEW_STACK_MAX, Views


class PersonActions(Messages, Views):
    """A person's side of the workspace: what the Dispatcher and the page do on their behalf."""

    def post_as_user(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """A person's own message; `channel` may be a user id: the bot's DM with that user."""
        with self._lock:
            if user not in self._users:
                raise ValueError(f"no user {user}")
            if not text:
                raise ValueError("a message needs text")
            place = self._place(channel)
            if place is None or place.is_archived:
                raise ValueError(f"nobody can post in {channel}")
            message = Message(place.id, self._next_ts(), text, [], user, thread_ts=thread_ts)
            self._messages.setdefault(place.id, []).append(message)
            self._changed()
            return copy.deepcopy(message)

    def post_notice(
        self, channel: str, user: str, text: str, blocks: list | None = None
    ) -> Message | None:
        """An ephemeral message to `user` from the app or Slack, e.g. a slash command's ack body.

        None when Slack would show nothing: no content, or blocks it refuses (recorded).
        """
        with self._lock:
            place = self._place(channel)
            if place is None:
                raise ValueError(f"no channel {channel}")
            args: dict[str, Any] = {"text": text} | ({"blocks": blocks} if blocks else {})
            try:
                message = self._new_message("post_notice", place, args)
            except SlackError:
                return None
            message.ephemeral_to = user
            self._messages.setdefault(place.id, []).append(message)
            self._changed()
            return copy.deepcopy(message)

    def set_view_state(self, view_id: str, values: dict) -> None:
        """Keep what a person typed in a view (`state.values`), so re-rendering shows it."""
        with self._lock:
            self._views[view_id]["state"] = {"values": copy.deepcopy(values)}
            self._changed()

    def apply_submission_response(self, user: str, view_id: str, body: dict | None) -> str | None:
        """Do what Slack does with the app's ack of a view_submission of `user`'s top view.

        Returns what Slack tells the person when it refuses the answer, else None.
        """
        with self._lock:
            stack = self._view_stacks.get(user, [])
            if not stack or stack[-1] != view_id:
                return None  # a late answer about a view that is gone already
            body = body or {}
            action = body.get("response_action")
            try:
                if action in ("update", "push"):
                    view = self._checked_view("response_action", body.get("view"), "modal")
                if action is None:
                    self._pop_view(user)
                elif action == "errors":
                    self._view_errors[view_id] = self._checked_errors(view_id, body.get("errors"))
                elif action == "update":
                    self._replace_view(self._views[view_id], view)
                elif action == "push":
                    if len(stack) >= VIEW_STACK_MAX:
                        limit = f"at most {VIEW_STACK_MAX} views can be stacked"
                        self._refuse("response_action", [slack_error(limit, "/view")])
                    stack.append(self._store_view(view, previous_view_id=view_id)["id"])
                elif action == "clear":
                    while user in self._view_stacks:
                        self._pop_view(user)
                else:
                    unknown = f"unknown response_action {action!r}"
                    self._refuse("response_action", [slack_error(unknown, "/response_action")])
            except SlackError as refusal:
                problems = refusal.extra.get("response_metadata", {}).get("messages")
                first = problems[0].removeprefix("[ERROR] ") if problems else refusal.error
                return f"Slack refused the app's view: {first}"
            finally:
                self._changed()  # a refusal records violations: a change too
            return None

    def close_view(self, user: str, view_id: str) -> dict | None:
        """The person closed their top view (Close, Cancel or back): the one below shows again,
        unless the view clears the stack on close.

        Returns the closed view, typed state included, for a view_closed; None if it is not on top.
        """
        with self._lock:
            stack = self._view_stacks.get(user)
            if not stack or stack[-1] != view_id:
                return None
            closed = copy.deepcopy(self._views[view_id])
            self._pop_view(user)
            # A view with clear_on_close closes the whole stack, as in Slack.
            while closed.get("clear_on_close") and user in self._view_stacks:
                self._pop_view(user)
            return closed
