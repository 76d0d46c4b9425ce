"""What a rep's Slack locale says about how they write dates."""

from __future__ import annotations

from dataclasses import dataclass

# Locales whose reps write the month first (5/6 is May 6); every other writes the day first.
# Japanese, Chinese and Korean dates run year, month, day, so a short one is month/day too.
_MONTH_FIRST = {"en-US", "ja-JP", "zh-CN", "zh-TW", "ko-KR"}


@dataclass(frozen=True)
class Conventions:
    day_first: bool
    country: str  # ISO 3166 code, for the holidays the rep keeps


def conventions_for(locale: str | None) -> Conventions:
    """Month first and US holidays when the locale is unknown, as before locales were read."""
    if not locale:
        return Conventions(day_first=False, country="US")
    language, _, region = locale.replace("_", "-").partition("-")
    country = region.upper() if len(region) == 2 else "US"
    if locale == "es-LA":  # Slack's Latin American Spanish
        country = "MX"
    return Conventions(day_first=locale not in _MONTH_FIRST, country=country)
