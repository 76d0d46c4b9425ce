"""Whether free text says when something happens, in the reader's own vocabulary."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from app.domain.dates.vocabulary import COUNT, SHORTHAND, SHORTHAND_WORD

# The widest run of words around a time word that is tried as a date ("the second Tuesday in
# February" is five words).
_WORDS_AROUND = 4
_A_MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)
_FAR = timedelta(days=3660)

# What mentions_time looks for: words that pin a commitment to a time.

_WEEKDAY_WORDS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?<!['’])(?:mon|tues?|weds?|thu|thurs?|fri)\.?"
)
# Month names that are also words or first names count only next to a day or a date word.
_PLAIN_MONTHS = r"january|february|july|september|october|november|december"
_WORDY_MONTHS = r"march|april|may|june|august|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
_DATE_LEAD = (
    r"in|by|before|until|till|through|thru|from|since|after|during|early|mid|late"
    r"|(?:end|beginning|start|middle) of|first week of|next|this"
)
_SPAN_UNITS = (
    r"minutes?|mins?|hours?|hrs?|days?|business days?|working days?|weeks?|wks?|months?|mos?"
    r"|fortnight|quarters?"
)
# "Sat" and "Sun" are words too: they count only after a word that leads to a day.
_WEEKEND_DAY_LEAD = r"on|by|before|until|till|this|next|coming|from|after"
_SPAN_COUNT = rf"{COUNT}|a few|few|a couple(?: of)?|couple(?: of)?|several"
# Matched against lower-cased words (see _spotted): case-blind matching is three times slower.
_TIME_WORDS = re.compile(
    "|".join(
        rf"(?:{alternative})"
        for alternative in (
            rf"\b(?:{_WEEKDAY_WORDS})(?!\w)",
            rf"\b(?:{_PLAIN_MONTHS})\b",
            rf"\b(?:{_DATE_LEAD})[\s-]+(?:{_WORDY_MONTHS})\b",
            rf"\b(?:{_WORDY_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_WORDY_MONTHS})\b",
            r"\b(?:today|tonight|tomorrow|tmrw|tmr|overmorrow|noon|midnight)\b",
            r"\b(?:eod|eow|eom|eoq|eoy|cob|eob)\b",
            r"\b(?:this|next|coming)\s+(?:week|month|quarter|weekend|morning|afternoon|evening)\b",
            r"\b(?:by|before|over|on)\s+(?:the\s+)?weekend\b",
            rf"\b(?:{_WEEKEND_DAY_LEAD})\s+(?:sat|sun)\b",
            r"\b(?:day|week|month|quarter|year)[\s-]end\b",
            r"\b(?:within|during|by|before|over)\s+(?:the|this|next)\s+"
            r"(?:day|week|month|quarter|weekend)\b",
            r"\b(?:end|beginning|start|middle|close)[\s-]+of[\s-]+(?:the\s+|this\s+|next\s+)?"
            r"(?:day|business|play|week|month|quarter|year|q[1-4])\b",
            r"\b(?:fy)?q[1-4]\b",
            r"\b(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\b",
            r"\b\d{4}-\d{2}-\d{2}\b",
            r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
            r"\bin\s+half\s+an\s+hour\b",
            r"\b\d{1,2}(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)",
            r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b",
            rf"\b(?:in|within|inside(?:\s+of)?)\s+(?:the\s+next\s+)?(?:{_SPAN_COUNT})\s+"
            rf"(?:{_SPAN_UNITS})\b",
            rf"\b(?:next|coming)\s+(?:{_SPAN_COUNT})\s+(?:{_SPAN_UNITS})\b",
            rf"\b(?:{_SPAN_COUNT})\s+(?:{_SPAN_UNITS})\s+(?:from\s+(?:now|today)|out)\b",
            r"\b(?:on|by|before|until|till|after|from|for)\s+the\s+\d{1,2}(?:st|nd|rd|th)\b",
            r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\s*(?:of\b|[.!?]*$)",
            r"\b(?:christmas|xmas|thanksgiving|new year'?s)\b",
        )
    ),
)
_NUMERIC_DATE = re.compile(
    r"(?P<lead>\b(?:on|by|before|until|till|after|from|due|for)\s+)?"
    r"(?<![\d/])(?P<month>\d{1,2})/(?P<day>\d{1,2})(?P<year>/\d{2}(?:\d{2})?)?(?![\d/])"
)


# Shorthand that is also an everyday word ("sat down", "the sun") is left as typed: the rules
# above count it only after a word that leads to a day.
_EVERYDAY_WORDS = frozenset({"sat", "sun"})


def _spell(word: str) -> str:
    def spelled(found: re.Match[str]) -> str:
        # "c'mon" is no Monday: shorthand after an apostrophe is part of a word.
        after_apostrophe = found.start() > 0 and word[found.start() - 1] in "'’"
        keep = after_apostrophe or found[0] in _EVERYDAY_WORDS
        return found[0] if keep else SHORTHAND[found[0]]

    return SHORTHAND_WORD.sub(spelled, word)


def _spotted(text: str) -> tuple[list[re.Match[str]], list[tuple[int, int]]]:
    """The words of `text`, and the runs of them (first and last index) that name a time.
    Words are spotted in the reader's own spelling ("next wk" as "next week", "thrusday" as
    "thursday"), so what the reader reads through its shorthand is spotted too."""
    words = list(re.finditer(r"\S+", text))
    spelled = [word[0].lower() for word in words]
    line = " ".join(spelled)
    if SHORTHAND_WORD.search(line):  # word by word, so that each keeps its place
        spelled = [_spell(word) for word in spelled]
        line = " ".join(spelled)
    starts = list(accumulate((len(word) + 1 for word in spelled[:-1]), initial=0))
    spots = [found.span() for found in _TIME_WORDS.finditer(line)]
    spots += [found.span() for found in _NUMERIC_DATE.finditer(line) if _is_numeric_date(found)]
    spots.sort()
    # A spot starts and ends inside words: the words holding its first and its last letter.
    return words, [
        (bisect_right(starts, start) - 1, bisect_right(starts, end - 1) - 1) for start, end in spots
    ]


def time_mention(text: str) -> str | None:
    """The first words of `text` that name a time ("next month"), whether or not they read."""
    words, runs = _spotted(text)
    if not runs:
        return None
    first, last = runs[0]
    return text[words[first].start() : words[last].end()].strip(".,;:!?")


def mentions_time(text: str) -> bool:
    """Whether free text names a time ("by Friday", "in Q1", "next month"; not "soon"), whether
    or not the reader can read a moment from it: says_when asks that."""
    return bool(_spotted(text)[1])


def _is_numeric_date(found: re.Match[str]) -> bool:
    month, day = int(found["month"]), int(found["day"])
    if month > 12:  # day first, as reps outside the US write it; "24/7" alone is no date
        month, day = day, month
        if not (found["lead"] or found["year"]):
            return False
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    # "3/4 of the team" is a fraction; "by 3/4" or "3/4/27" is a date.
    looks_like_fraction = month < day <= 10
    return bool(found["lead"] or found["year"]) or not looks_like_fraction


def says_when(text: str, zone: str | ZoneInfo = "UTC", now: datetime = _A_MONDAY) -> bool:
    """Whether the reader can read a moment from some words of `text`: the coach's Time-bound
    check, so that what it accepts as saying when is what the forms can read."""
    return when_words(text, zone, now) is not None


def when_words(
    text: str, zone: str | ZoneInfo = "UTC", now: datetime = _A_MONDAY
) -> tuple[int, int] | None:
    """Where in `text` the first words the reader reads a moment from begin and end: the words
    that name a time, with as few words around them as it takes ("the second Tuesday in")."""
    words, runs = _spotted(text)
    for first, last in runs:
        for before in range(min(_WORDS_AROUND, first) + 1):
            for after in range(min(_WORDS_AROUND, len(words) - 1 - last) + 1):
                start, end = words[first - before].start(), words[last + after].end()
                if reads_when(text[start:end], zone, now):
                    return start, end
    return None


def reads_when(phrase: str, zone: str | ZoneInfo = "UTC", now: datetime = _A_MONDAY) -> bool:
    """Whether the reader reads a moment from the whole `phrase`, past or far ahead as it may be:
    an objective says when even if the forms would then ask for a nearer date."""
    # Imported here: the reader imports this package's vocabulary, not the other way round.
    from app.domain.dates.reading import read_when

    return read_when(phrase.strip(".,;:!?"), zone, now, horizon=_FAR).at is not None
