"""Running listeners so that Slack's answer leaves the moment a listener acks, not 10 ms later."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack

from app.slack.errors import TooLate, answer_in_time

# The longest a listener that has acked waits for its answer to be sent before going on anyway.
SEND_WAIT_MAX_S = 0.25
# Slack shows an error 3 s after its request: by then the answer must have left. A listener
# that has not acked by this deadline (the database hangs, every listener thread is busy) is
# answered for, politely, and its own ack() raises TooLate.
ACK_DEADLINE_S = 2.5

_sending = threading.local()


@contextmanager
def answer_sent_when(sent: threading.Event) -> Iterator[None]:
    """While this thread dispatches a request in this block, a listener that acks waits until
    `sent` is set (at most SEND_WAIT_MAX_S) before it goes on. Its work after the ack would
    otherwise hold the GIL while this thread tries to send the answer: in a busy process that
    added 2-5 ms to the answer, far more than the work itself is delayed by waiting."""
    _sending.event = sent
    try:
        yield
    finally:
        _sending.event = None


class SignallingAck(Ack):
    """Bolt's `ack()`, which also wakes whoever waits for it, then lets the answer leave first.

    Bolt sets `response` both through `ack(...)` and by assignment (its error path), so the
    signal hangs on the attribute itself. The first response is kept: it is the one Slack gets,
    even if an error after the ack later overwrites `response`."""

    def __init__(self, sent: threading.Event | None = None) -> None:
        self._acked = threading.Event()
        self._sent = sent
        self._waiter = threading.get_ident()  # the request thread, which must never wait here
        self._response: BoltResponse | None = None
        self.first_response: BoltResponse | None = None
        self._answered_for = False
        self._lock = threading.Lock()
        super().__init__()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        if self._answered_for:
            raise TooLate()
        answer = super().__call__(*args, **kwargs)
        self.let_answer_leave()
        return answer

    @property
    def waits_for_the_answer(self) -> bool:
        """Whether a listener that acks waits for its answer to be sent (see answer_sent_when)."""
        return self._sent is not None

    def let_answer_leave(self) -> None:
        """On a listener's thread, once acked: wait until the answer has been sent."""
        on_listener_thread = threading.get_ident() != self._waiter
        if self._sent is not None and self._acked.is_set() and on_listener_thread:
            self._sent.wait(SEND_WAIT_MAX_S)

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        with self._lock:
            self._response = value
            if value is not None and self.first_response is None:
                self.first_response = value
                self._acked.set()

    def answer_for_listener(self, answer: BoltResponse) -> BoltResponse:
        """Answer with `answer` unless the listener acked first: what Slack gets."""
        with self._lock:
            if self.first_response is None:
                self._answered_for = True
                self.first_response = self._response = answer
                self._acked.set()
            return self.first_response

    def wait(self, timeout: float) -> bool:
        """True once acked, False if `timeout` seconds pass first."""
        return self._acked.wait(timeout)


class PromptAckRunner(ThreadListenerRunner):
    """Bolt's threaded runner (process_before_response=False: ack first, work after), waiting
    for the ack on an event instead of checking it every 10 ms as Bolt's own loop does.

    The listener still runs on Bolt's executor and goes on after the HTTP response has left;
    a listener that has not acked within its `ack_timeout` (3 s) gets Bolt's warning and no
    response, as before. Lazy listeners, and requests a middleware has already acked, take
    Bolt's own path unchanged."""

    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        # Bolt makes the context's `ack` while building any middleware's arguments; one that
        # has not been called yet is replaced before the listener's own arguments are built.
        earlier_ack = request.context.get("ack")
        if (
            self.process_before_response
            or request.lazy_only
            or listener.lazy_functions
            or (earlier_ack is not None and earlier_ack.response is not None)
        ):
            return super().run(request, response, listener_name, listener, starting_time)
        starting_time = starting_time if starting_time is not None else time.time()
        ack = SignallingAck(getattr(_sending, "event", None))
        request.context["ack"] = ack
        if listener.auto_acknowledgement:
            ack()  # Events API: acknowledged at once, as Bolt does
        self.listener_executor.submit(self._run_listener, request, response, listener)
        deadline = min(listener.ack_timeout, ACK_DEADLINE_S)
        if not ack.wait(max(deadline - (time.time() - starting_time), 0.0)):
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return ack.answer_for_listener(answer_in_time(request.body))
        answer = response if response is not None else ack.first_response
        if answer is not None:
            self._debug_log_completion(starting_time, answer)
        return answer

    def _run_listener(
        self, request: BoltRequest, response: BoltResponse | None, listener: Listener
    ) -> None:
        """What Bolt's runner does on its executor thread, error handling included."""
        ack = request.context.ack
        if listener.auto_acknowledgement and isinstance(ack, SignallingAck):
            ack.let_answer_leave()
        try:
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)  # type: ignore[arg-type]
        except Exception as error:
            if listener.auto_acknowledgement:
                self.listener_error_handler.handle(error=error, request=request, response=response)
            else:
                if response is None:
                    response = BoltResponse(status=500)
                response.status = 500
                if ack.response is not None:  # already answered: nothing more reaches Slack
                    response = None
                self.listener_error_handler.handle(error=error, request=request, response=response)
                ack.response = response
        finally:
            self.listener_completion_handler.handle(request=request, response=response)


def answer_on_ack(app: App) -> App:
    """`app`, its listeners run by PromptAckRunner. Call it on a new App, before `app.error`.

    Bolt has no setting for its listener runner, so the one it built is replaced, keeping its
    logger, handlers, executor and lazy runner; a Bolt release that changes this fails here,
    at start-up, rather than slowly."""
    bolt_runner = app.listener_runner
    if type(bolt_runner) is not ThreadListenerRunner or not hasattr(app, "_listener_runner"):
        raise RuntimeError(f"unexpected Bolt listener runner: {type(bolt_runner).__name__}")
    app._listener_runner = PromptAckRunner(
        logger=bolt_runner.logger,
        process_before_response=bolt_runner.process_before_response,
        listener_error_handler=bolt_runner.listener_error_handler,
        listener_start_handler=bolt_runner.listener_start_handler,
        listener_completion_handler=bolt_runner.listener_completion_handler,
        listener_executor=bolt_runner.listener_executor,
        lazy_listener_runner=bolt_runner.lazy_listener_runner,
    )
    return app
