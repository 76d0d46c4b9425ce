"""The app's clock: the real time, shifted by CLOCK_OFFSET_SECONDS when one is set (the sandbox
sets it from its clock panel, so that commands, saved records and passes share one "now")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def shift(seconds: float) -> None:
    """Make the whole process's clock read `seconds` ahead of the real time (behind, if < 0)."""
    global _offset
    _offset = timedelta(seconds=seconds)


def utcnow() -> datetime:
    return datetime.now(UTC) + _offset
