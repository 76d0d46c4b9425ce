"""Pacing sends: a steady rate, and a pause after Slack's Retry-After."""

from __future__ import annotations

from app.slack.delivery import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_sends_are_spaced_at_the_rate_and_held_after_a_429() -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        pacer.wait()
    assert clock.slept == [0.5, 0.5]
    clock.now += 10  # idle time is not banked for a burst
    pacer.wait()
    pacer.wait()
    assert clock.slept == [0.5, 0.5, 0.5]
    pacer.hold(30)
    assert pacer.delay() == 30
    pacer.wait()
    assert clock.slept[-1] == 30


def test_a_rate_of_zero_never_waits_but_still_honours_retry_after() -> None:
    clock = FakeClock()
    pacer = Pacer(0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        pacer.wait()
    assert clock.slept == []
    pacer.hold(2)
    pacer.wait()
    assert clock.slept == [2]
