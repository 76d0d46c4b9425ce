"""Time-bound: does the objective say when? Read sentence by sentence with the date reader."""

from __future__ import annotations

import re

from app.domain.coaching.lexicon import (
    SENTENCE_ENDS,
    TIME_LEADS,
    TIME_TRAILERS,
    VAGUE_TIME,
)
from app.domain.coaching.parse import Parse
from app.domain.coaching.results import (
    TIME_BOUND_TIP,
    quote,
)
from app.domain.when import mentions_time

Span = tuple[int, int]  # token indexes, the end excluded

# Shorthand for the spans the date reader names in full: "next wk", "in 2 wks".
_SHORTHAND = re.compile(r"\b(wk|wks)\b", re.IGNORECASE)
_SPELLED_OUT = {"wk": "week", "wks": "weeks"}


def _says_when(text: str) -> bool:
    return mentions_time(_SHORTHAND.sub(lambda found: _SPELLED_OUT[found[1].lower()], text))


def timed_sentence(parse: Parse) -> tuple[int, int] | None:
    """Token span of the first sentence that says when, if any."""
    tokens, text = parse.tokens, parse.text
    start = 0
    for index, token in enumerate(tokens):
        following = text[token.end : token.end + 1]
        ends = token.low in SENTENCE_ENDS and (not following or following.isspace())
        if ends or index + 1 == len(tokens):  # "p.m." does not end a sentence
            if _says_when(text[tokens[start].start : token.end]):
                return start, index + 1
            start = index + 1
    return None


def time_bound(parse: Parse, sentence: Span | None) -> str | None:
    if sentence is not None:
        return None
    vague = next((item for item in parse.items if VAGUE_TIME in item.tags), None)
    if vague is None:
        return TIME_BOUND_TIP
    return f"{quote(parse.said(vague))} is not a date. {TIME_BOUND_TIP}"


def time_span(parse: Parse, sentence: Span | None) -> Span | None:
    """Token span of the first time phrase, found by halving its sentence with mentions_time."""
    if sentence is None:
        return None
    start, end = sentence
    tokens, text = parse.tokens, parse.text

    def says_time(first: int, last: int) -> bool:
        return _says_when(text[tokens[first].start : tokens[last - 1].end])

    low, high = start + 1, end  # the shortest prefix that says a time ends at `high`
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if says_time(start, middle) else (middle + 1, high)
    stop = high
    low, high = start, stop - 1  # the latest start that still says it
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if says_time(middle, stop) else (low, middle - 1)
    first = low
    while first > start and tokens[first - 1].low in TIME_LEADS:
        first -= 1
    while stop < end and _continues_time(parse, stop, end):
        stop += 1
    return first, stop


def _continues_time(parse: Parse, index: int, end: int) -> bool:
    """Whether a time phrase goes on: "tomorrow morning", "Tues 12/3", "Tuesday at 2pm"."""
    token = parse.tokens[index]
    if token.low in TIME_TRAILERS or token.low[0].isdigit():
        return True
    following = parse.tokens[index + 1] if index + 1 < end else None
    return token.low in ("/", ":", ",") and following is not None and following.low[0].isdigit()


def span_text(parse: Parse, span: tuple[int, int]) -> str:
    text = parse.words(parse.tokens[span[0]].start, parse.tokens[span[1] - 1].end)
    return text[0].lower() + text[1:] if parse.tokens[span[0]].low in TIME_LEADS else text
