"""Bringing a rep's phrase to one spelling before it is read."""

from __future__ import annotations

import calendar
import re

from app.domain.dates.vocabulary import (
    LEAD_IN,
    MARKUP_OR_SYMBOL,
    NUMERIC_DAY,
    PHRASINGS,
    SHORTHAND,
    SHORTHAND_WORD,
)


def normalise(said: str) -> str:
    """Lower case, one spelling per word, and nothing that is not part of a date: emoji,
    Slack markup and stray punctuation are dropped, so "🚀 next week!!" reads as "next week"."""
    phrase = MARKUP_OR_SYMBOL.sub(" ", said.lower())
    phrase = re.sub(r"(?<![a-z])([ap])\.m\b\.?", r"\1m", phrase)
    phrase = re.sub(r"(?<=[a-z])\.|[(),;!?\"]", " ", phrase)
    phrase = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", phrase)
    phrase = phrase.replace("@", " at ")
    phrase = " ".join(phrase.split()).rstrip(".")
    phrase = SHORTHAND_WORD.sub(lambda word: SHORTHAND[word[0]], phrase)
    for pattern, replacement in PHRASINGS:
        phrase = pattern.sub(replacement, phrase)
    return strip_lead_ins(" ".join(phrase.split()))


def names_no_real_day(phrase: str, *, day_first: bool = False) -> bool:
    """Whether a numeric date in the phrase is no month and day ('13/45', '2/30'): dateparser
    would take one of its numbers for a year (13 Nov 2045)."""
    for found in NUMERIC_DAY.finditer(phrase):
        if found["iso_month"]:
            month, day = int(found["iso_month"]), int(found["iso_day"])
        else:
            first, second = int(found["first"]), int(found["second"])
            month, day = (second, first) if day_first else (first, second)
            if month > 12:
                month, day = day, month
        # A leap year, so that 2/29 without a year is a day (the next 29 February).
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2028, month)[1]):
            return True
    return False


def strip_lead_ins(phrase: str) -> str:
    while lead_in := LEAD_IN.match(phrase):
        phrase = phrase[lead_in.end() :]
    return phrase
