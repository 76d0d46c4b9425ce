"""The app's confirmation DMs and their buttons, pressed as the rep (or someone else) does."""

from __future__ import annotations

from app.sandbox import inbound
from tests.support.coach import Coach
from tests.support.workspace import REP_NY


def confirmation(
    coach: Coach, starts: str, user_id: str = REP_NY, nth: int = -1
) -> tuple[str, dict]:
    """The channel and message (as Slack answered chat.postMessage) of the DM to `user_id`
    whose text starts with `starts` ("Plan saved", "Outcome logged", ...): the latest one."""
    posted = [
        c
        for c in coach.slack.calls("chat.postMessage")
        if c.args["channel"] == user_id and c.args["text"].startswith(starts)
    ]
    assert posted, f"no DM starting with {starts!r}"
    response = posted[nth].response
    return response["channel"], response["message"]


def button(message: dict, action_id: str) -> dict:
    """The message's button with `action_id`, as Slack shows it."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in the message")


def press(coach: Coach, posted: tuple[str, dict], action_id: str, user_id: str = REP_NY) -> None:
    """Press the button `action_id` of a DM the app posted (by `user_id`, who may not be the
    rep it was for: a forwarded or crafted click); wait until the app is done with it."""
    channel, message = posted
    pressed = button(message, action_id)
    block_id = next(
        b["block_id"] for b in message["blocks"] if pressed in (b.get("elements") or [])
    )
    action = inbound.block_action(action_id, block_id, value=pressed["value"])
    assert coach.act_in_message(channel, message, action, user_id).status == 200
    coach.settle()


def view_after_press(
    coach: Coach,
    posted: tuple[str, dict],
    action_id: str,
    user_id: str = REP_NY,
    *,
    method: str = "views.update",
) -> dict:
    """Press the button; the view it led to: the form once filled in (views.update), or with
    `method="views.open"` what was opened (a notice)."""
    before = len(coach.slack.calls(method))
    press(coach, posted, action_id, user_id)
    (led_to,) = coach.slack.wait_for(method, count=before + 1)[before:]
    return led_to.response["view"] if method == "views.update" else led_to.args["view"]
