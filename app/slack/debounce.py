"""Coalescing bursts: many requests for one key within a delay run the work once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Protocol

logger = logging.getLogger(__name__)


class Scheduler(Protocol):
    def call_later(self, delay: float, work: Callable[[], None]) -> None:
        """Run `work` once, `delay` seconds from now, on some other thread."""


class TimerScheduler:
    """The production scheduler: a daemon timer thread per call (a handful a second at most)."""

    def call_later(self, delay: float, work: Callable[[], None]) -> None:
        timer = threading.Timer(delay, work)
        timer.daemon = True
        timer.start()


class Debouncer:
    """Runs a key's work once per burst: the first request schedules it `delay` seconds on,
    later ones before it runs join it. Safe across threads; the clock is the scheduler's, so
    tests drive it without sleeping."""

    def __init__(self, scheduler: Scheduler, delay: float) -> None:
        self.scheduler = scheduler
        self.delay = delay
        self._pending: set[Hashable] = set()
        self._lock = threading.Lock()

    def request(self, key: Hashable, work: Callable[[], None], delay: float | None = None) -> bool:
        """Schedule `work` for `key` unless it is already scheduled; True when scheduled."""
        with self._lock:
            if key in self._pending:
                return False
            self._pending.add(key)
        self.scheduler.call_later(
            self.delay if delay is None else delay, lambda: self._run(key, work)
        )
        return True

    def _run(self, key: Hashable, work: Callable[[], None]) -> None:
        # Released before the work: a change made while it runs schedules a fresh run.
        with self._lock:
            self._pending.discard(key)
        try:
            work()
        except Exception:  # a timer thread has nobody to tell; the next change runs it again
            logger.exception("debounced work for %r failed", key)
