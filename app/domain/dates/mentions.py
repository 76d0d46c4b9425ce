"""Whether free text says when something happens, in the reader's own vocabulary."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.dates.vocabulary import COUNT

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
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(
    r"(?P<lead>\b(?:on|by|before|until|till|after|from|due|for)\s+)?"
    r"(?<![\d/])(?P<month>\d{1,2})/(?P<day>\d{1,2})(?P<year>/\d{2}(?:\d{2})?)?(?![\d/])",
    re.IGNORECASE,
)


def mentions_time(text: str) -> bool:
    """Whether free text says when something happens ("by Friday", "in Q1"; not "soon")."""
    if _TIME_WORDS.search(text):
        return True
    return any(_is_numeric_date(found) for found in _NUMERIC_DATE.finditer(text))


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
    # Imported here: the reader imports this package's vocabulary, not the other way round.
    from app.domain.dates.reading import read_when

    words = list(re.finditer(r"\S+", text))
    spots = [found.span() for found in _TIME_WORDS.finditer(text)]
    spots += [found.span() for found in _NUMERIC_DATE.finditer(text) if _is_numeric_date(found)]
    for start, end in spots:
        inside = [i for i, word in enumerate(words) if word.start() < end and word.end() > start]
        if not inside:
            continue
        first, last = inside[0], inside[-1]
        for before in range(min(_WORDS_AROUND, first) + 1):
            for after in range(min(_WORDS_AROUND, len(words) - 1 - last) + 1):
                run = text[words[first - before].start() : words[last + after].end()]
                if read_when(run.strip(".,;:!?"), zone, now, horizon=_FAR).at is not None:
                    return True
    return False
