"""dateparser, for the phrases the product's own rules do not cover."""

from __future__ import annotations

from datetime import date, datetime, time

from dateparser.date import DateDataParser

from app.domain.dates.vocabulary import MONTH_NAMES, MONTH_WORD, RELATIVE_SPAN, YEAR_WORD


class Refused(Exception):
    """A phrase that reads as something, but not as a moment (a month without a day)."""


def dateparser_day(
    phrase: str, base: datetime, records_the_past: bool, *, day_first: bool = False
) -> tuple[date, time | None] | None:
    # A naive base (an aware one breaks time-only phrases, dateparser #1213) at the current
    # wall-clock time, so that "90 minutes ago" counts back from now, not from midnight.
    parser = DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past" if records_the_past else "future",
            "RELATIVE_BASE": base.replace(tzinfo=None),
            "TIMEZONE": str(base.tzinfo),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "DMY" if day_first else "MDY",
        },
    )
    try:
        data = parser.get_date_data(phrase)
    except Exception:  # read_when never raises, and dateparser can on pathological input
        return None
    found = data.date_obj
    if found is None:
        return None
    # What the phrase itself gave (day, month, year, time), as opposed to what was filled in.
    parts: tuple[str, ...] = data.parts  # type: ignore[attr-defined]  # stubs predate 1.5's parts
    if "day" not in parts and not RELATIVE_SPAN.fullmatch(phrase):
        if "month" in parts and MONTH_WORD.search(phrase):
            raise Refused(month_only(found.month))
        if "year" in parts and YEAR_WORD.search(phrase):
            raise Refused(year_only(found.year))
        return None
    today = base.date()
    day = found.date()
    if "year" not in parts and (day.month, day.day) == (today.month, today.day):
        # dateparser moves a month and day that fall today to next year (or, preferring the past,
        # to last year when its time is still to come): today's is meant.
        day = today
    return day, found.time() if "time" in parts else None


def month_only(month: int) -> str:
    name = MONTH_NAMES[month - 1]
    return f"{name} is a month, not a day: try '{name[:3]} 15' or 'mid {name}'"


def year_only(year: int) -> str:
    return f"{year} is a year, not a day: try '1/15/{year}' or 'Q1 {year}'"
