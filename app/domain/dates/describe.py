"""Showing a moment back to the rep in words."""

from __future__ import annotations

from datetime import datetime

from app.domain.dates.vocabulary import MONTH_NAMES, WEEKDAY_NAMES


def describe(
    at: datetime, *, with_year: bool = True, with_time: bool = True, with_zone: bool = True
) -> str:
    """Show a moment to the rep: 'Tue 1 Dec 2026, 3:00 PM EST', or fewer of its parts."""
    shown = f"{WEEKDAY_NAMES[at.weekday()]} {at.day} {MONTH_NAMES[at.month - 1][:3]}"
    if with_year:
        shown += f" {at.year}"
    if with_time:
        shown += f", {at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"
        if with_zone and at.tzname():
            shown += f" {at.tzname()}"
    return shown
