"""Slack's side of talking to the app: what a person does, sent signed to the app's Request URL.

A slash command, a view submission or a button click becomes the request Slack would send; the
app's answer is applied the way Slack applies it (an ephemeral reply, inline errors, a pushed or
closed view), and a failure becomes the message Slack shows the person.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from app.sandbox import inbound
from app.sandbox.slack_double import Message, SlackDouble
from app.slack.bolt import KNOWN_COMMANDS
from app.slack.listeners.shortcuts import SHORTCUTS, Shortcut

logger = logging.getLogger(__name__)

# Slack gives the app 3 seconds to answer, then tells the person it timed out.
SLACK_TIMEOUT_SECONDS = 3.0
SUBMIT_FAILED = "We had some trouble connecting. Try again?"  # Slack's words in a modal
NOT_OPEN = "This form is no longer open."
NOT_A_COMMAND = (  # Slack's words for a command no installed app declares
    '{command} is not a valid command. In Slack, all messages that start with the "/" character '
    'are interpreted as commands. If you are trying to send a message that starts with "/", '
    "try preceding it with a space."
)


@dataclass(frozen=True)
class AppAnswer:
    """The app's HTTP answer: status 0 when it never came (refused, timed out)."""

    status: int
    body: dict | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


class Dispatcher:
    """Sends what people do in the sandbox to the app, as Slack does, and applies the answers."""

    def __init__(self, slack: SlackDouble, request_url: str, signing_secret: str) -> None:
        self.slack = slack
        self.request_url = request_url
        self.signing_secret = signing_secret

    # ----- what a person does

    def slash_command(self, user_id: str, channel_id: str, command: str, text: str) -> None:
        """`/command text` typed in a channel; the ack's message (if any) appears to that person."""
        if command not in KNOWN_COMMANDS:  # the manifest's commands; Slack keeps the rest
            self.slack.post_notice(channel_id, user_id, NOT_A_COMMAND.format(command=command))
            return
        channel_name = self._channel_name(channel_id)
        response_url = self.slack.response_url(channel=channel_id, user=user_id)
        body = inbound.slash_command_body(
            command=command,
            text=text,
            user_id=user_id,
            team_id=self.slack.team_id,
            channel_id=channel_id,
            channel_name=channel_name,
            user_name=self._handle(user_id),
            response_url=response_url,
        )
        answer = self._post(body)
        if not answer.ok:
            failure = f'{command} failed with the error "{answer.error or "dispatch_failed"}"'
            self.slack.post_notice(channel_id, user_id, failure)
        elif answer.body and (answer.body.get("text") or answer.body.get("blocks")):
            # An immediate reply is a message payload, handled like one sent to the response_url.
            self._respond(response_url, answer.body)

    def submit_view(self, user_id: str, view_id: str, values: dict) -> str | None:
        """Submit the top view of a person's modal; a problem to show them, or None."""
        view = self._top_view(user_id, view_id)
        if view is None:
            return NOT_OPEN
        self.slack.set_view_state(view_id, values)
        payload = inbound.view_submission_payload(
            view=view,
            values=values,
            user_id=user_id,
            team_id=self.slack.team_id,
            user_name=self._handle(user_id),
        )
        answer = self._post(inbound.interaction_body(payload))
        if not answer.ok:
            return SUBMIT_FAILED
        return self.slack.apply_submission_response(user_id, view_id, answer.body)

    def close_view(self, user_id: str, view_id: str) -> None:
        """Close (or go back from) the top view; tell the app when the view asked to know."""
        closed = self.slack.close_view(user_id, view_id)
        if closed is not None and closed.get("notify_on_close"):
            payload = inbound.view_closed_payload(
                view=closed,
                user_id=user_id,
                team_id=self.slack.team_id,
                user_name=self._handle(user_id),
            )
            self._post(inbound.interaction_body(payload))

    def act_in_view(self, user_id: str, view_id: str, action: dict, values: dict) -> str | None:
        """A button or a dispatching input inside the top view."""
        view = self._top_view(user_id, view_id)
        if view is None:
            return NOT_OPEN
        self.slack.set_view_state(view_id, values)
        payload = inbound.block_actions_payload(
            user_id=user_id,
            team_id=self.slack.team_id,
            actions=[self._stamped(action)],
            view=view,
            values=values,
            user_name=self._handle(user_id),
        )
        return None if self._post(inbound.interaction_body(payload)).ok else SUBMIT_FAILED

    def act_in_message(
        self, user_id: str, channel_id: str, message_ts: str, action: dict, values: dict
    ) -> str | None:
        """A button or select in a message; the app may answer through the response_url."""
        message = self._find_message(user_id, channel_id, message_ts)
        if message is None:
            return "That message is gone."
        ephemeral = message.ephemeral_to is not None
        payload = inbound.block_actions_payload(
            user_id=user_id,
            team_id=self.slack.team_id,
            actions=[self._stamped(action)],
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id),
            message=None if ephemeral else _message_object(message),
            ephemeral_message_ts=message.ts if ephemeral else None,
            values=values,
            user_name=self._handle(user_id),
        )
        payload["response_url"] = self.slack.response_url(
            channel=channel_id, user=user_id, message_ts=message.ts
        )
        answer = self._post(inbound.interaction_body(payload))
        if not answer.ok:
            error = answer.error or "dispatch_failed"
            self.slack.post_notice(channel_id, user_id, f'The app failed to answer ("{error}").')
        return None

    def shortcut(
        self, user_id: str, channel_id: str, callback_id: str, message_ts: str | None
    ) -> str | None:
        """A shortcut from the message box's menu (global) or a message's "more actions" menu
        (with `message_ts`); only those the manifest declares, as Slack offers no others."""
        declared: dict[str, Shortcut] = {s.callback_id: s for s in SHORTCUTS}
        shortcut = declared.get(callback_id)
        if shortcut is None:
            return "That shortcut is not one of the app's."
        if shortcut.type == "message":
            message = self._find_message(user_id, channel_id, message_ts or "")
            if message is None or message.ephemeral_to is not None:
                return "That message is gone."
            payload = inbound.message_shortcut_payload(
                callback_id=callback_id,
                user_id=user_id,
                team_id=self.slack.team_id,
                channel_id=channel_id,
                channel_name=self._channel_name(channel_id),
                message=_message_object(message),
                user_name=self._handle(user_id),
            )
            payload["response_url"] = self.slack.response_url(channel=channel_id, user=user_id)
        else:
            payload = inbound.global_shortcut_payload(
                callback_id=callback_id,
                user_id=user_id,
                team_id=self.slack.team_id,
                user_name=self._handle(user_id),
            )
        answer = self._post(inbound.interaction_body(payload))
        return (
            None
            if answer.ok
            else f'The app failed to answer ("{answer.error or "dispatch_failed"}").'
        )

    def open_home(self, user_id: str) -> str | None:
        """The app's Home tab opened: Slack sends app_home_opened, the app publishes the Home."""
        event = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.slack.dm_channel_id(user_id),
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        body = json.dumps(inbound.event_callback_payload(event=event, team_id=self.slack.team_id))
        answer = self._post(body, {"Content-Type": "application/json"})
        return None if answer.ok else SUBMIT_FAILED

    # ----- talking to the app

    def _post(self, body: str, extra_headers: dict[str, str] | None = None) -> AppAnswer:
        headers = inbound.signed_headers(self.signing_secret, body) | (extra_headers or {})
        request = urllib.request.Request(
            self.request_url, data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=SLACK_TIMEOUT_SECONDS) as response:
                return AppAnswer(response.status, _json_or_none(response.read()))
        except urllib.error.HTTPError as error:
            logger.warning("the app answered %s to a request from the sandbox", error.code)
            return AppAnswer(error.code, None, "dispatch_failed")
        except TimeoutError:
            return AppAnswer(0, None, "operation_timeout")
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return AppAnswer(0, None, "operation_timeout")
            logger.warning("the app could not be reached: %s", error.reason)
            return AppAnswer(0, None, "dispatch_failed")

    def _respond(self, response_url: str, message: dict) -> None:
        request = urllib.request.Request(
            response_url,
            data=json.dumps(message).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=SLACK_TIMEOUT_SECONDS):
                pass
        except urllib.error.HTTPError as error:
            # The double recorded the violation; the page shows it.
            logger.warning("Slack refused the app's reply: %s", error.code)

    # ----- the workspace

    def _top_view(self, user_id: str, view_id: str) -> dict | None:
        """The view `user_id` acts in: their top modal, or their Home tab."""
        for view in (self.slack.top_view(user_id), self.slack.home_view(user_id)):
            if view is not None and view["id"] == view_id:
                return view
        return None

    def _find_message(self, user_id: str, channel_id: str, ts: str) -> Message | None:
        for message in self.slack.messages(channel_id):
            if message.ts == ts and message.ephemeral_to in (None, user_id):
                return message
        return None

    def _channel_name(self, channel_id: str) -> str:
        channel = next((c for c in self.slack.channels() if c.id == channel_id), None)
        return channel.name if channel else "directmessage"

    def _handle(self, user_id: str) -> str:
        user = self.slack.user(user_id)
        return user.name if user else user_id.lower()

    @staticmethod
    def _stamped(action: dict) -> dict:
        """The action with the action_ts Slack adds."""
        return inbound.block_action(
            action["action_id"],
            action["block_id"],
            type=action.get("type", "button"),
            **{k: v for k, v in action.items() if k not in ("action_id", "block_id", "type")},
        )


def _message_object(message: Message) -> dict:
    """A message as Slack puts it in a block_actions payload."""
    body = {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "blocks": message.blocks,
    }
    if message.thread_ts:
        body["thread_ts"] = message.thread_ts
    return body


def _json_or_none(raw: bytes) -> dict | None:
    try:
        decoded = json.loads(raw) if raw.strip() else None
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, dict) else None
