"""Holidays a rep names ("Thanksgiving", "Christmas Eve"), from the `holidays` library."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

import holidays

# Christmas and New Year are named everywhere, also where they are no public holiday.
_EVERYWHERE = {"christmas": (12, 25), "new year's": (1, 1), "new year's eve": (12, 31)}


def _key(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", name.lower()).replace("’", "'")
    name = re.sub(r" day$", "", name).strip()
    return re.sub(r"^(?:the )", "", name)


def _table(country: str, year: int) -> Mapping[date, str]:
    # Years beyond the library's tables are answered with what it knows; it warns of that.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            table = holidays.country_holidays(country, years=year)
        except NotImplementedError:  # a country the library does not know
            return {}
        if "unofficial" in type(table).supported_categories:  # Christmas Eve in the US
            table = holidays.country_holidays(
                country, years=year, categories=("public", "unofficial")
            )
    return table


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> dict[str, date]:
    found: dict[str, date] = {}
    for day, names in sorted(_table(country, year).items()):
        for name in str(names).split("; "):
            if "observed" not in name.lower():
                found.setdefault(_key(name), day)
    for name, (month, day_of_month) in _EVERYWHERE.items():
        found.setdefault(name, date(year, month, day_of_month))
    if "christmas" in found:
        found.setdefault("christmas eve", date(year, 12, 24))
    return found


def holiday_on(name: str, country: str, year: int) -> date | None:
    """The day `name` falls on in `year` where the rep lives, if it is a holiday there."""
    return _calendar(country, year).get(_key(name))


def is_holiday(day: date, country: str) -> bool:
    return day in _calendar(country, day.year).values()
