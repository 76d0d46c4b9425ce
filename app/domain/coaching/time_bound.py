"""Time-bound: does the objective say when? Read sentence by sentence with the date reader.

The check is the forms' own (says_when): an objective says when only if the reader can read a
moment from its words, so a time the coach accepts is one the /postcall field can read.
"""

from __future__ import annotations

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
from app.domain.dates import reads_when, says_when, time_mention, when_words

Span = tuple[int, int]  # token indexes, the end excluded


def timed_sentence(parse: Parse) -> tuple[int, int] | None:
    """Token span of the first sentence that says when, if any."""
    tokens, text = parse.tokens, parse.text
    start = 0
    for index, token in enumerate(tokens):
        following = text[token.end : token.end + 1]
        ends = token.low in SENTENCE_ENDS and (not following or following.isspace())
        if ends or index + 1 == len(tokens):  # "p.m." does not end a sentence
            if says_when(text[tokens[start].start : token.end]):
                return start, index + 1
            start = index + 1
    return None


def time_bound(parse: Parse, sentence: Span | None) -> str | None:
    if sentence is not None:
        return None
    vague = next((item for item in parse.items if VAGUE_TIME in item.tags), None)
    if vague is not None:
        return f"{quote(parse.said(vague))} is not a date. {TIME_BOUND_TIP}"
    # A time the forms cannot read as a day ("next month", "this week") is named, so the rep
    # sees why it does not count.
    named = time_mention(parse.text)
    if named is not None:
        return f"{quote(named)} names no day. {TIME_BOUND_TIP}"
    return TIME_BOUND_TIP


def time_span(parse: Parse, sentence: Span | None) -> Span | None:
    """Token span of the first time phrase: the words the reader read it from (when_words), with
    the words that lead it ("by") or carry it on ("at 2pm") while it still reads."""
    if sentence is None:
        return None
    start, end = sentence
    tokens, text = parse.tokens, parse.text
    offset = tokens[start].start
    found = when_words(text[offset : tokens[end - 1].end])
    if found is None:
        return None
    begins, ends = offset + found[0], offset + found[1]
    ends -= len(text[begins:ends]) - len(text[begins:ends].rstrip(".,;:!?"))
    inside = [i for i in range(start, end) if tokens[i].start >= begins and tokens[i].end <= ends]
    if not inside:
        return None
    low, stop = inside[0], inside[-1] + 1
    first, last = low, stop
    while first > start and tokens[first - 1].low in TIME_LEADS:
        first -= 1
    while last < end and _continues_time(parse, last, end):
        last += 1

    # Words around the phrase are kept only while the reader still reads it whole, so what the
    # rewrite quotes is a time the forms read: "Monday 0/0" is quoted as "Monday".
    def reads(first: int, last: int) -> bool:
        return reads_when(text[tokens[first].start : tokens[last - 1].end])

    while last > stop and not reads(low, last):
        last -= 1
    while first < low and not reads(first, last):
        first += 1
    return first, last


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
