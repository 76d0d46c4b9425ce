"""One vocabulary: what the coach's Time-bound check accepts as saying when, the forms can read."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.coaching import Criterion, review_objective
from app.domain.coaching.parse import parse
from app.domain.coaching.time_bound import time_span, timed_sentence
from app.domain.dates import read_when, says_when
from app.domain.dates.vocabulary import MONTH_NAMES, NUMBER_WORDS, SHORTHAND, WEEKDAYS

# The moment says_when reads from when the coach asks it (a Monday), and as far ahead.
MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)
FAR = timedelta(days=3660)


def coach_accepts(objective: str) -> bool:
    return review_objective(objective, None).result(Criterion.TIME_BOUND).passed


LEADS = [
    "by", "on", "before", "until", "in", "within", "inside of", "in the next", "next", "this",
    "coming", "end of", "mid", "early", "late", "the", "from", "after", "no later than", "due",
]  # fmt: skip
UNITS = [
    "minutes", "hours", "hrs", "days", "business days", "working days", "weeks", "wks", "wk",
    "months", "mos", "quarter", "quarters", "fortnight", "week", "month", "year", "weekend",
]  # fmt: skip
COUNTS = [*NUMBER_WORDS, "2", "10", "a few", "a couple of", "several", "0", "999"]
NOISE = [
    "Dana", "signs", "the", "MSA", "agrees", "to", "a", "pilot", "with", "her", "CFO", "soon",
    "later", "sat", "sun", "may", "march", "3/4", "24/7", "c'mon", "Mon's", ".", "!", "out",
    "from", "now", "day", "end", "3pm", "at", "9", "noon", "Q1", "15th", "ET", "EOD", "of",
]  # fmt: skip
numeric_dates = st.builds("{}/{}".format, st.integers(0, 32), st.integers(0, 32)) | st.builds(
    "{}/{}/{}".format, st.integers(1, 12), st.integers(1, 31), st.sampled_from([27, 2027])
)
pieces = st.one_of(
    st.sampled_from(LEADS),
    st.sampled_from(WEEKDAYS),
    st.sampled_from(MONTH_NAMES),
    st.sampled_from(sorted(SHORTHAND)),
    st.sampled_from(UNITS),
    st.sampled_from(COUNTS),
    numeric_dates,
    st.sampled_from(NOISE),
)
objectives = st.lists(pieces, min_size=1, max_size=10).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(objective=objectives)
def test_whatever_the_coach_accepts_as_saying_when_the_reader_reads(objective):
    if not coach_accepts(objective):
        return
    assert says_when(objective)
    # The time phrase the rewrite quotes is one the reader reads too.
    read = parse(objective)
    span = time_span(read, timed_sentence(read))
    assert span is not None
    phrase = objective[read.tokens[span[0]].start : read.tokens[span[1] - 1].end]
    assert read_when(phrase.strip(".,;:!?"), "UTC", MONDAY, horizon=FAR).at is not None, phrase


# Phrases the coach took as saying when though the reader refused them. Either the reader now
# reads them (and the coach keeps accepting them) or the coach stops accepting them.
NOW_READ = [
    "Dana agrees to bring her CFO to Thursday's demo",
    "Dana books the kickoff by month-end",
    "Get a signed LOI from the VP by month end",
    "Security signs off on the questionnaire within 10 business days",
    "Dana signs the order form in 2 working days",
    "Dana signs the order form 2 weeks out",
    "Dana signs the order form in the next 2 weeks",
    "Dana signs the order form inside of three days",
    "Dana signs the order form next 2 wks",
    "Dana signs the order form by quarter end",
]
NO_LONGER_ACCEPTED = [
    "Invite Dana to our user conference in May",
    "Acme agrees to a pilot next month",
    "Dana's team sends us sample data this week",
    "Dana signs the MSA this wk",
    "Dana signs the order form by sept",
    "Dana signs the order form before March",
    "Win the Acme deal this quarter",
    "They think about the proposal over the weekend",
    "Dana signs the order form in 2 mos",
]


@pytest.mark.parametrize("objective", NOW_READ)
def test_a_time_the_coach_accepted_and_the_reader_refused_is_now_read(objective):
    assert says_when(objective)
    assert coach_accepts(objective)


@pytest.mark.parametrize("objective", NO_LONGER_ACCEPTED)
def test_a_time_the_reader_cannot_read_no_longer_passes_and_the_coach_says_why(objective):
    assert not says_when(objective)
    time_bound = review_objective(objective, None).result(Criterion.TIME_BOUND)
    assert not time_bound.passed
    assert "names no day" in time_bound.suggestion


@pytest.mark.parametrize(
    ("objective", "quoted"),
    [
        ("Dana agrees to a pilot next wk", "next wk"),
        ("Dana signs the order form by tmw", "by tmw"),
        ("Dana books the review on Thrusday", "on Thrusday"),
    ],
)
def test_shorthand_is_the_readers_own_and_the_rewrite_quotes_it(objective, quoted):
    # The coach keeps no shorthand of its own: "tmw" and "Thrusday" come from the reader's table.
    assert coach_accepts(objective)
    read = parse(objective)
    span = time_span(read, timed_sentence(read))
    assert span is not None
    assert objective[read.tokens[span[0]].start : read.tokens[span[1] - 1].end] == quoted


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("in 10 business days", MONDAY, datetime(2026, 12, 14, 9, tzinfo=UTC)),
        ("within 3 working days", MONDAY, datetime(2026, 12, 3, 9, tzinfo=UTC)),
        # Christmas Eve and Day (holidays in the US calendar) and the weekend are skipped.
        (
            "in 3 business days",
            datetime(2026, 12, 22, 10, tzinfo=UTC),
            datetime(2026, 12, 29, 9, tzinfo=UTC),
        ),
        ("2 weeks out", MONDAY, datetime(2026, 12, 14, 9, tzinfo=UTC)),
        ("in the next 2 weeks", MONDAY, datetime(2026, 12, 14, 9, tzinfo=UTC)),
        ("next 3 days", MONDAY, datetime(2026, 12, 3, 9, tzinfo=UTC)),
        ("by month-end", MONDAY, datetime(2026, 11, 30, 17, tzinfo=UTC)),
        ("quarter end", MONDAY, datetime(2026, 12, 31, 17, tzinfo=UTC)),
        ("Thursday's", MONDAY, datetime(2026, 12, 3, 9, tzinfo=UTC)),
        # "next" before a weekday still means the weekday, not a count.
        ("next Tuesday 3pm", MONDAY, datetime(2026, 12, 8, 15, tzinfo=UTC)),
    ],
)
def test_the_reader_reads_what_the_coach_used_to_accept_alone(phrase, now, expected):
    reading = read_when(phrase, "UTC", now, locale="en-US")
    assert reading.ok, reading.problem
    assert reading.at == expected
