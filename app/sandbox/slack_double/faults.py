"""Faults on demand: rate limits, server errors, Slack errors and slow answers."""

from __future__ import annotations

from app.sandbox.slack_double.records import Answer, Fault
from app.sandbox.slack_double.state import DoubleState


class Faults(DoubleState):
    """The faults queued per method, taken one call at a time."""

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        team_id: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with a fault instead of, or before, the answer.

        status=429: rate limited, with a Retry-After header (`retry_after`, default 1 s).
        status>=500: a server error. `error` with status 200: `{"ok": false, "error": error}`.
        `delay` alone: the call is answered normally, `delay` seconds late (a client timeout),
        and its effects (a posted message...) happen all the same, as they do on Slack.
        `team_id`: only calls made with that workspace's token (Slack's limits are per workspace).
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if retry_after is not None and status != 429:
            raise ValueError("retry_after goes with status=429")
        if status == 200 and error is None and not delay:
            raise ValueError("give an error, a non-200 status or a delay")
        with self._lock:
            self._faults.setdefault(method, []).append(
                Fault(error, status, retry_after, delay, remaining=times, team_id=team_id)
            )

    def _take_fault(self, method: str, team_id: str | None = None) -> Fault | None:
        queue = self._faults.get(method)
        fault = next((f for f in queue or [] if f.team_id in (None, team_id)), None)
        if queue is None or fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.remove(fault)
        return fault

    @staticmethod
    def _fault_answer(fault: Fault) -> Answer:
        if fault.status == 429:
            body = {"ok": False, "error": fault.error or "ratelimited"}
            return Answer(429, body, {"Retry-After": str(fault.retry_after or 1)})
        if fault.status >= 500:
            return Answer(fault.status, {"ok": False, "error": fault.error or "fatal_error"})
        return Answer(fault.status, {"ok": False, "error": fault.error or "invalid_request"})
