"""Properties of reading dates: any text is answered, never with a naive or too early moment."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.dates import find_when_phrase, mentions_time, read_when

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo", "UTC"]
DATE_WORDS = [
    "next", "this", "Tuesday", "Fri", "tomorrow", "3pm", "at", "9", "EOD", "EOW", "end", "of",
    "month", "mid", "December", "Q1", "the", "15th", "in", "2", "weeks", "hours", "ET", "PT",
    "12/15", "2027", "2026-12-15", "14:00", "a", "week", "from", "Monday", "May", "Acme", "by",
]  # fmt: skip

texts = st.text(max_size=1000) | st.lists(st.sampled_from(DATE_WORDS), max_size=12).map(" ".join)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)
zones = st.sampled_from(ZONES)
allowances = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))


@settings(max_examples=200, deadline=None)
@given(text=texts, zone=zones, now=moments, allow_past=allowances)
def test_read_when_always_answers(text, zone, now, allow_past):
    # Time stays bounded because text over MAX_LENGTH is refused before any parsing
    # (tested with the refusals); a wall-clock bound here would only be flaky.
    reading = read_when(text, zone, now, allow_past=allow_past)

    assert reading.at is None or reading.at.utcoffset() is not None
    if reading.at is not None:
        assert reading.at.tzinfo == ZoneInfo(zone)
    if reading.ok:
        assert reading.at >= now.replace(second=0, microsecond=0) - allow_past
    else:
        assert reading.problem


@settings(max_examples=200, deadline=None)
@given(text=texts, zone=zones, now=moments)
def test_find_when_phrase_returns_a_span_that_reads(text, zone, now):
    span = find_when_phrase(text, zone, now)

    if span is not None:
        start, end = span
        assert 0 <= start < end <= len(text)
        assert read_when(text[start:end], zone, now).at is not None


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_mentions_time_never_raises(text):
    assert mentions_time(text) in (True, False)
