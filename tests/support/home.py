"""The App Home in tests: a scheduler the test runs by hand, opening the Home, its buttons."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.sandbox import inbound
from app.slack.debounce import Debouncer
from app.slack.forms.reschedule import RescheduleIds
from app.slack.services import HOME_DEBOUNCE_SECONDS
from tests.support.coach import Coach
from tests.support.workspace import REP_NY


class ManualScheduler:
    """Work scheduled for later runs only when the test says: no sleeps, no timing."""

    def __init__(self) -> None:
        self.scheduled: list[tuple[float, Callable[[], None]]] = []
        self._lock = threading.Lock()

    def call_later(self, delay: float, work: Callable[[], None]) -> None:
        with self._lock:
            self.scheduled.append((delay, work))

    def run(self) -> list[float]:
        """Run what is scheduled now (not what that schedules); the delays it was due after."""
        with self._lock:
            due, self.scheduled = self.scheduled, []
        for _, work in due:
            work()
        return [delay for delay, _ in due]


def manual_home(coach: Coach) -> ManualScheduler:
    """The coach's Home publishes, held until the test runs them."""
    scheduler = ManualScheduler()
    coach.services.home_publishes = Debouncer(scheduler, HOME_DEBOUNCE_SECONDS)
    return scheduler


def publishes(coach: Coach, user_id: str = REP_NY) -> list:
    return [c for c in coach.slack.calls("views.publish") if c.args.get("user_id") == user_id]


def open_home(coach: Coach, user_id: str = REP_NY) -> dict:
    """Open the app's Home tab as `user_id`; the Home as the app published it."""
    before = len(publishes(coach, user_id))
    event = {"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home"}
    assert coach.send_event(event).status == 200
    coach.settle()
    # As open_modal waits for views.update: the publish is the event's answer, made after the ack.
    coach.slack.wait_for(
        "views.publish", lambda c: c.args.get("user_id") == user_id, count=before + 1, timeout=15
    )
    view = coach.slack.home_view(user_id)
    assert view is not None
    return view


def home_text(view: dict) -> str:
    """Every text of the Home, in order, one line per block."""
    lines = []
    for block in view["blocks"]:
        if block.get("text"):
            lines.append(block["text"]["text"])
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                lines.append(element["text"])
    return "\n".join(lines)


def buttons(view: dict, action_id: str) -> list[str]:
    """The values of the Home's buttons with `action_id`, in order."""
    return [
        element.get("value", "")
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    ]


def click_home(coach: Coach, action_id: str, value: str | None, user_id: str = REP_NY) -> dict:
    """Click a button of `user_id`'s Home; the modal it opened (or None)."""
    view = coach.slack.home_view(user_id) or {"type": "home", "id": "V0OLD", "blocks": []}
    opened = len(coach.slack.calls("views.open"))
    action = inbound.block_action(action_id, "home_block", value=value)
    assert coach.act_in_view(view, action, user_id).status == 200
    coach.settle()
    calls = coach.slack.calls("views.open")
    assert len(calls) == opened + 1, "the button opened nothing"
    return calls[-1].response["view"]


def reschedule_values(text: str) -> dict:
    return {RescheduleIds.WHEN_BLOCK: {RescheduleIds.READ_WHEN: inbound.plain_text_value(text)}}
