"""The reader on the classes of rep phrasing: locales, refusals, everyday words, holidays, the
same-day weekday, both DST changes and a half-hour zone; and says_when agreeing with the reader."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from when_cases import PHRASES, SCENES

from app.domain.dates import read_when, says_when

NY, LONDON, SYDNEY, KOLKATA, PARIS = (
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Europe/Paris",
)


def _at(zone: str, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


MONDAY_NY = _at(NY, "2026-12-07 10:00")

READS = [
    # locales: the numeric order is the rep's
    (NY, "en-US", "2026-12-07 10:00", "05/06", "2027-05-06 09:00"),
    (LONDON, "en-GB", "2026-12-07 10:00", "05/06", "2027-06-05 09:00"),
    (SYDNEY, "en-AU", "2026-12-07 10:00", "05/06 2pm", "2027-06-05 14:00"),
    (KOLKATA, "en-IN", "2026-12-07 10:00", "10/12", "2026-12-10 09:00"),
    (SYDNEY, "en-AU", "2026-12-07 10:00", "10/13", "2027-10-13 09:00"),  # the one real date
    (NY, None, "2026-12-07 10:00", "05/06", "2027-05-06 09:00"),  # locale unknown: month first
    # emoji, markup and stray punctuation change nothing
    (NY, "en-US", "2026-12-07 10:00", "🚀 next week", "2026-12-14 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "*Thursday 3pm* 🙏", "2026-12-10 15:00"),
    (NY, "en-US", "2026-12-07 10:00", "Friday!!", "2026-12-11 09:00"),
    # month counts over twelve keep their years
    (NY, "en-US", "2026-12-07 10:00", "in 14 months", "2028-02-07 09:00"),
    # everyday phrasing
    (NY, "en-US", "2026-12-07 10:00", "first thing Tuesday", "2026-12-08 09:00"),
    (NY, "en-US", "2026-12-11 10:00", "next working day", "2026-12-14 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "in 2 wks", "2026-12-21 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "week of Jan 11", "2027-01-11 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "Tuesday the 8th", "2026-12-08 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "same time next week", "2026-12-14 10:00"),
    (NY, "en-US", "2026-12-07 10:00", "second Tuesday in February", "2027-02-09 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "in a couple of weeks", "2026-12-21 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "in a few days", "2026-12-10 09:00"),
    (NY, "en-US", "2026-12-07 10:00", "by the weekend", "2026-12-11 17:00"),
    (NY, "en-US", "2026-12-07 10:00", "wendsday 2pm", "2026-12-09 14:00"),
    (NY, "en-US", "2026-12-07 10:00", "febuary 3rd", "2027-02-03 09:00"),
    (SYDNEY, "en-AU", "2026-10-02 11:00", "Monday arvo", "2026-10-05 14:00"),
    (NY, "en-US", "2026-12-07 10:00", "next tues 3", "2026-12-15 15:00"),
    (NY, "en-US", "2026-12-07 10:00", "Thu 4pm. Dana to confirm", "2026-12-10 16:00"),
    (LONDON, "en-GB", "2026-12-09 09:30", "Monday week", "2026-12-21 09:00"),
    # holidays of the rep's country
    (NY, "en-US", "2026-12-07 10:00", "Christmas Eve", "2026-12-24 09:00"),
    (NY, "en-US", "2026-11-25 08:00", "after Thanksgiving", "2026-11-27 09:00"),
    (LONDON, "en-GB", "2026-12-09 09:30", "boxing day", "2026-12-26 09:00"),
    (NY, "en-US", "2027-03-12 15:00", "after Memorial Day", "2027-06-01 09:00"),
    # the same-day weekday (docs/dates.md)
    (NY, "en-US", "2026-12-09 08:30", "Wednesday 3pm", "2026-12-09 15:00"),
    (NY, "en-US", "2026-12-09 16:00", "Wednesday 3pm", "2026-12-16 15:00"),
    (NY, "en-US", "2026-12-09 08:30", "Wednesday", "2026-12-16 09:00"),
    # both DST changes, counted as elapsed time or as wall clock
    (NY, "en-US", "2027-03-12 15:00", "in 48 hours", "2027-03-14 16:00"),
    (NY, "en-US", "2027-03-12 15:00", "same time next week", "2027-03-19 15:00"),
    (PARIS, "fr-FR", "2026-10-22 16:00", "in 72 hours", "2026-10-25 15:00"),
    (PARIS, "fr-FR", "2026-10-22 16:00", "26/10 14h", "2026-10-26 14:00"),
    (SYDNEY, "en-AU", "2026-10-02 11:00", "in 48 hours", "2026-10-04 12:00"),
    # a half-hour zone
    (KOLKATA, "en-IN", "2026-12-08 14:00", "3pm ET tomorrow", "2026-12-10 01:30"),
    (KOLKATA, "en-IN", "2026-12-08 14:00", "in 90 mins", "2026-12-08 15:30"),
]


@pytest.mark.parametrize(("zone", "locale", "now", "text", "expected"), READS)
def test_reads_as_the_rep_means(zone, locale, now, text, expected):
    reading = read_when(text, zone, _at(zone, now), locale=locale)

    assert reading.problem is None
    assert reading.at == _at(zone, expected)


REFUSALS = [
    ("26:30 Friday", "26:30 is not a time of day"),
    ("Tuesday 9:75", "9:75 is not a time of day"),
    ("13pm Thursday", "13pm is not a time of day"),
    ("Tuesday the 9th", "Dec 9 is a Wednesday, not a Tuesday"),
    ("31/11", "could not read"),
    ("in 25 months", "too far ahead"),
    ("yesterday 3pm", "in the past"),
    ("???", "could not read"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSALS)
def test_refuses_with_a_reason_rather_than_guessing(text, reason):
    reading = read_when(text, NY, MONDAY_NY, locale="en-GB")

    assert not reading.ok
    assert reason in reading.problem


# "12-24" reads as a date in the date field, but in an objective it is as often a range of numbers.
@pytest.mark.parametrize("phrase", [phrase for phrase in PHRASES if phrase != "12-24"])
def test_says_when_accepts_what_the_reader_reads(phrase):
    # Every phrase of the reader's table, inside an objective, is accepted as saying when.
    scene = next(s for s in SCENES.values() if any(c.phrase == phrase for c in s.cases))
    if read_when(phrase, scene.zone, scene.now).at is not None:
        assert says_when(f"Dana books the pricing review on {phrase}", scene.zone, scene.now)


@pytest.mark.parametrize(
    "text",
    ["Dana books the review soon", "Dana agrees to a pilot", "3/4 of the team joins", "Q&A later"],
)
def test_says_when_refuses_what_names_no_moment(text):
    assert not says_when(text, NY, MONDAY_NY)


LOCALES = st.sampled_from([None, "en-US", "en-GB", "en-AU", "en-IN", "fr-FR", "ja-JP", "xx"])
WORDS = [
    "05/06", "13/13", "26:30", "9:75", "🚀", "*", "next", "tues", "3", "Thanksgiving",
    "after", "the", "8th", "week", "of", "same", "time", "in", "14", "months", "arvo", ".",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=80) | st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    locale=LOCALES,
    now=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1)),
    zone=st.sampled_from([NY, LONDON, SYDNEY, KOLKATA, "Asia/Kathmandu"]),
)
def test_any_locale_never_raises_nor_reads_a_naive_or_past_moment(text, locale, now, zone):
    at_now = now.replace(tzinfo=ZoneInfo(zone))
    reading = read_when(text, zone, at_now, locale=locale)

    if reading.ok:
        assert reading.at.utcoffset() is not None
        assert reading.at >= at_now.replace(second=0, microsecond=0)
    says_when(text, zone, at_now)  # never raises either
