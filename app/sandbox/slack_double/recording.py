"""Recording: every call and every refusal, kept for the tests and the page, and waited on."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from app.sandbox.slack_double.records import RecordedCall, SlackError
from app.sandbox.slack_double.state import DoubleState


class Recording(DoubleState):
    """What the double received and refused, and the version that grows with every change."""

    @property
    def version(self) -> int:
        """Grows with every change a person could see: messages, views, violations, the team."""
        with self._lock:
            return self._version

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until `version` passes `since` or `timeout` runs out; return the version."""
        with self._recorded:
            self._recorded.wait_for(lambda: self._version > since, timeout)
            return self._version

    def violations_since(self, index: int) -> list[str]:
        """The violations recorded after the first `index` (a past `len(violations)`)."""
        with self._lock:
            return self._violations[index:]

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def clear_calls(self) -> None:
        """Forget recorded calls (not violations, nor the state of the workspace)."""
        with self._lock:
            self._calls.clear()

    @property
    def violations(self) -> list[str]:
        """Every Block Kit problem Slack would have refused, as "<method>: [ERROR] ..."."""
        with self._lock:
            return list(self._violations)

    def wait_for(
        self,
        method: str,
        predicate: Callable[[RecordedCall], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[RecordedCall]:
        """Block until `count` calls of `method` matching `predicate` are recorded; return all."""

        def matching() -> list[RecordedCall]:
            return [
                c for c in self._calls if c.method == method and (predicate is None or predicate(c))
            ]

        with self._recorded:
            if self._recorded.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            found = len(matching())
            recorded = [c.method for c in self._calls]
        raise AssertionError(
            f"waited {timeout}s for {count} matching {method} call(s), got {found}; "
            f"recorded calls: {recorded}"
        )

    def _violate(self, method: str, problems: list[str]) -> None:
        self._violations += [f"{method}: {problem}" for problem in problems]
        self._changed()

    def _refuse(self, method: str, problems: list[str]) -> NoReturn:
        """Record what Slack refuses in a view and answer as Slack does."""
        self._violate(method, problems)
        raise SlackError("invalid_arguments", response_metadata={"messages": problems})
