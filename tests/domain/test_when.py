"""Reading reps' date phrases: the table, the refusals, find_when_phrase and mentions_time."""

from datetime import UTC, datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from when_cases import NY, RECORDED_SCENES, SCENES

from app.domain.dates import (
    ADD_A_TIME,
    EXAMPLES,
    SAY_WHEN,
    TOO_LONG,
    WHICH_DAY_THIS_WEEK,
    WhenReading,
    describe,
    find_when_phrase,
    mentions_time,
    read_when,
    reading,
)

NY_ZONE = ZoneInfo(NY)
THURSDAY = SCENES["ny_thursday"].now  # Thu 26 Nov 2026, 10:00 EST

TABLE = [
    pytest.param(scene, case, id=f"{name}:{case.phrase}")
    for name, scene in SCENES.items()
    for case in scene.cases
]


@pytest.mark.parametrize(("scene", "case"), TABLE)
def test_reads_phrase_as_local_wall_clock_and_instant(scene, case):
    reading = read_when(case.phrase, scene.zone, scene.now)

    assert reading.problem is None
    assert reading.ok
    assert reading.at.tzinfo == ZoneInfo(scene.zone)
    assert reading.at.strftime("%Y-%m-%d %H:%M") == case.local
    if case.utc is not None:
        assert reading.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == case.utc


def test_table_is_large_and_covers_four_zones():
    assert len(TABLE) >= 80
    assert {scene.zone for scene in SCENES.values()} >= {
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Asia/Tokyo",
    }


def test_accepts_a_zone_object_and_a_now_in_another_zone():
    reading = read_when("tomorrow 3pm", NY_ZONE, THURSDAY.astimezone(ZoneInfo("Asia/Tokyo")))

    assert reading.at == datetime(2026, 11, 27, 15, tzinfo=NY_ZONE)
    assert reading.text == "tomorrow 3pm"


def test_text_is_kept_stripped():
    assert read_when("  Friday \n", NY, THURSDAY).text == "Friday"


def test_not_understood():
    reading = read_when("purple", NY, THURSDAY)

    assert reading == WhenReading(
        "purple", None, "I could not read a date in 'purple': try 'next Tuesday 3pm' or '12/15'"
    )
    assert not reading.ok


@pytest.mark.parametrize("text", ["15", "a", "ET", "Acme Corp", "tomorrowish"])
def test_other_words_and_bare_numbers_are_not_dates(text):
    reading = read_when(text, NY, THURSDAY)

    assert reading.at is None
    assert reading.problem.startswith("I could not read a date in")


def test_past_date_is_read_and_refused():
    reading = read_when("last Monday", NY, THURSDAY)

    assert reading.at == datetime(2026, 11, 23, 9, tzinfo=NY_ZONE)
    assert reading.problem == "That is Mon 23 Nov, in the past"
    assert not reading.ok


def test_past_moment_with_a_time_shows_the_time():
    reading = read_when("today 9am", NY, THURSDAY)

    assert reading.problem == "That is Thu 26 Nov, 9:00 AM, in the past"


def test_past_in_another_year_shows_the_year():
    assert read_when("12/1/2025", NY, THURSDAY).problem == "That is Mon 1 Dec 2025, in the past"


def test_allow_past_accepts_recent_moments():
    reading = read_when("last Monday", NY, THURSDAY, allow_past=timedelta(days=7))

    assert reading.ok
    assert reading.at == datetime(2026, 11, 23, 9, tzinfo=NY_ZONE)


def test_time_alone_within_allow_past_is_not_rolled_forward():
    reading = read_when("9am", NY, THURSDAY, allow_past=timedelta(hours=2))

    assert reading.ok
    assert reading.at == datetime(2026, 11, 26, 9, tzinfo=NY_ZONE)


# As a screen recording what already happened asks: far back, and only a little ahead.
RECORDED = {"allow_past": timedelta(days=90), "horizon": timedelta(hours=12)}
TOKYO = "Asia/Tokyo"


@pytest.mark.parametrize(
    ("zone", "said_at", "text", "local"),
    [
        (NY, datetime(2026, 11, 26, 22, 1), "an hour ago", "2026-11-26 21:01"),
        (NY, datetime(2026, 11, 26, 22, 1), "10 minutes ago", "2026-11-26 21:51"),
        (NY, datetime(2026, 11, 26, 22, 1), "just now", "2026-11-26 22:01"),
        (NY, datetime(2026, 11, 26, 22, 1), "2 hours ago", "2026-11-26 20:01"),
        (NY, datetime(2026, 11, 26, 22, 1), "half an hour ago", "2026-11-26 21:31"),
        (NY, datetime(2026, 11, 26, 22, 1), "1 hour 30 minutes ago", "2026-11-26 20:31"),
        (NY, datetime(2026, 11, 26, 22, 1), "yesterday 3pm", "2026-11-25 15:00"),
        (NY, datetime(2026, 11, 26, 10, 0), "11pm", "2026-11-25 23:00"),
        (TOKYO, datetime(2026, 11, 26, 12, 1), "an hour ago", "2026-11-26 11:01"),
        (TOKYO, datetime(2026, 11, 26, 0, 1), "an hour ago", "2026-11-25 23:01"),
        (TOKYO, datetime(2026, 11, 26, 0, 1), "10 minutes ago", "2026-11-25 23:51"),
        (TOKYO, datetime(2026, 11, 26, 0, 1), "just now", "2026-11-26 00:01"),
        (TOKYO, datetime(2026, 11, 26, 0, 1), "2 hours ago", "2026-11-25 22:01"),
        (TOKYO, datetime(2026, 11, 26, 0, 1), "yesterday 3pm", "2026-11-25 15:00"),
        (TOKYO, datetime(2026, 11, 26, 0, 1), "3pm", "2026-11-25 15:00"),
        ("Asia/Kolkata", datetime(2026, 7, 15, 0, 10), "an hour ago", "2026-07-14 23:10"),
        ("Europe/Berlin", datetime(2026, 10, 23, 23, 45), "in 30 minutes", "2026-10-24 00:15"),
    ],
)
def test_recent_past_counts_back_from_now(zone, said_at, text, local):
    reading = read_when(text, zone, said_at.replace(tzinfo=ZoneInfo(zone)), **RECORDED)

    assert reading.ok, reading.problem
    assert reading.at.strftime("%Y-%m-%d %H:%M") == local


def test_hours_ago_count_real_elapsed_time_across_a_daylight_saving_change():
    # 03:00 EST on 1 Nov 2026, an hour after the clocks went back: two hours earlier the wall
    # clock showed 01:00 EST, the second 1:00 of the night.
    said_at = datetime(2026, 11, 1, 3, tzinfo=NY_ZONE)

    reading = read_when("2 hours ago", NY, said_at, **RECORDED)

    assert reading.at.astimezone(UTC) == datetime(2026, 11, 1, 6, tzinfo=UTC)


def test_a_future_moment_where_the_past_is_recorded_says_it_is_in_the_future():
    evening = THURSDAY.replace(hour=22, minute=1)

    reading = read_when("tomorrow 3pm", NY, evening, **RECORDED)

    assert reading.at == datetime(2026, 11, 27, 15, tzinfo=NY_ZONE)
    assert reading.problem == "That is Fri 27 Nov, 3:00 PM, in the future: say when it happened"
    assert read_when("this Saturday", NY, evening, **RECORDED).problem == (
        "That is Sat 28 Nov, in the future: say when it happened"
    )
    assert read_when("1/5/2027", NY, evening, **RECORDED).problem == (
        "That is Tue 5 Jan 2027, in the future: say when it happened"
    )


RECORDED_TABLE = [
    pytest.param(scene, case, id=f"{name}:{case.phrase}")
    for name, scene in RECORDED_SCENES.items()
    for case in scene.cases
]


@pytest.mark.parametrize(("scene", "case"), RECORDED_TABLE)
def test_where_the_past_is_recorded_a_day_is_the_most_recent_one(scene, case):
    reading = read_when(case.phrase, scene.zone, scene.now, **RECORDED)

    assert reading.problem is None
    assert reading.at.strftime("%Y-%m-%d %H:%M") == case.local
    if case.utc is not None:
        assert reading.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == case.utc


def test_recorded_scenes_cover_four_zones():
    assert {scene.zone for scene in RECORDED_SCENES.values()} >= {
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Asia/Tokyo",
    }


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("Nov 20", "2026-11-20 09:00"),
        ("11/20 3pm", "2026-11-20 15:00"),
        ("Nov 26 3pm", "2026-11-26 15:00"),
        ("mid November", "2026-11-15 09:00"),
        ("yesterday 3pm", "2026-11-25 15:00"),
        ("last Tuesday", "2026-11-24 09:00"),
        ("Tuesday this week", "2026-11-24 09:00"),
    ],
)
def test_where_the_past_is_recorded_other_recent_dates_are_kept(text, local):
    reading = read_when(text, NY, THURSDAY.replace(hour=22, minute=1), **RECORDED)

    assert reading.ok, reading.problem
    assert reading.at.strftime("%Y-%m-%d %H:%M") == local


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("next Tuesday", "That is Tue 1 Dec, in the future: say when it happened"),
        ("this Friday", "That is Fri 27 Nov, in the future: say when it happened"),
        ("tomorrow", "That is Fri 27 Nov, in the future: say when it happened"),
        ("Friday next week", "That is Fri 4 Dec, in the future: say when it happened"),
    ],
)
def test_where_the_past_is_recorded_days_said_to_be_ahead_stay_ahead(text, problem):
    assert read_when(text, NY, THURSDAY, **RECORDED).problem == problem


@pytest.mark.parametrize(
    ("text", "allow_past", "problem"),
    [
        ("Aug 1", timedelta(days=90), "That is Sat 1 Aug, in the past"),
        ("8/1 3pm", timedelta(days=90), "That is Sat 1 Aug, 3:00 PM, in the past"),
        ("Nov 30", timedelta(days=90), "That is Sun 30 Nov 2025, in the past"),
        ("Friday", timedelta(days=2), "That is Fri 20 Nov, in the past"),
        ("Tuesday 3pm", timedelta(days=2), "That is Tue 24 Nov, 3:00 PM, in the past"),
    ],
)
def test_where_the_past_is_recorded_a_day_too_far_back_is_refused(text, allow_past, problem):
    evening = THURSDAY.replace(hour=22, minute=1)

    reading = read_when(text, NY, evening, allow_past=allow_past, horizon=timedelta(hours=12))

    assert reading.problem == problem


@pytest.mark.parametrize(
    "text", ["13/45 3pm", "13/45", "45/13", "2/30", "12/32", "13-45", "2026-13-01", "by 0/5"]
)
def test_numbers_that_are_no_month_and_day_are_not_read(text):
    reading = read_when(text, NY, THURSDAY)

    assert reading.at is None
    assert reading.problem == f"I could not read a date in '{text}': try {EXAMPLES}"


@pytest.mark.parametrize("text", ["today", "this Thursday", "the 26th"])
def test_today_without_a_time_after_nine_asks_for_a_time(text):
    reading = read_when(text, NY, THURSDAY)

    assert reading.at == datetime(2026, 11, 26, 9, tzinfo=NY_ZONE)
    assert reading.problem == ADD_A_TIME


def test_today_without_a_time_before_nine_is_nine():
    early = THURSDAY.replace(hour=7)

    assert read_when("today", NY, early).at == datetime(2026, 11, 26, 9, tzinfo=NY_ZONE)


def test_too_far_ahead():
    reading = read_when("1/3/2028 10am", NY, THURSDAY, horizon=timedelta(days=365))

    assert reading.at == datetime(2028, 1, 3, 10, tzinfo=NY_ZONE)
    assert reading.problem == "I read this as Mon 3 Jan 2028, 10:00 AM: too far ahead"


def test_default_horizon_is_about_two_years():
    assert read_when("11/1/2028", NY, THURSDAY).ok
    assert read_when("in 3 years", NY, THURSDAY).problem == (
        "I read this as Mon 26 Nov 2029, 9:00 AM: too far ahead"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("December", "December is a month, not a day: try 'Dec 15' or 'mid December'"),
        ("in December", "December is a month, not a day: try 'Dec 15' or 'mid December'"),
        ("next month", "December is a month, not a day: try 'Dec 15' or 'mid December'"),
        ("May", "May is a month, not a day: try 'May 15' or 'mid May'"),
        ("2027", "2027 is a year, not a day: try '1/15/2027' or 'Q1 2027'"),
        ("in 2027", "2027 is a year, not a day: try '1/15/2027' or 'Q1 2027'"),
        ("next year", "2027 is a year, not a day: try '1/15/2027' or 'Q1 2027'"),
        ("this week", WHICH_DAY_THIS_WEEK),
    ],
)
def test_month_year_and_week_alone_ask_for_a_day(text, problem):
    reading = read_when(text, NY, THURSDAY)

    assert reading.at is None
    assert reading.problem == problem


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank(text):
    assert read_when(text, NY, THURSDAY) == WhenReading("", None, SAY_WHEN)


def test_over_200_characters_is_refused_before_parsing():
    text = "next Tuesday 3pm " + "x" * 190

    reading = read_when(text, NY, THURSDAY)

    assert reading.at is None
    assert reading.problem == TOO_LONG
    assert read_when("x" * 200, NY, THURSDAY).problem != TOO_LONG


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError):
        read_when("tomorrow", NY, datetime(2026, 11, 26, 10))


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (datetime(2026, 12, 1, 15, tzinfo=NY_ZONE), "Tue 1 Dec 2026, 3:00 PM EST"),
        (datetime(2026, 7, 4, 0, 5, tzinfo=NY_ZONE), "Sat 4 Jul 2026, 12:05 AM EDT"),
        (
            datetime(2026, 7, 15, 12, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
            "Wed 15 Jul 2026, 12:30 PM IST",
        ),
        (
            datetime(2026, 10, 26, 9, tzinfo=ZoneInfo("Europe/Berlin")),
            "Mon 26 Oct 2026, 9:00 AM CET",
        ),
    ],
)
def test_describe(at, shown):
    assert describe(at) == shown


def test_describe_leaves_out_what_is_not_wanted():
    at = datetime(2026, 12, 1, 15, tzinfo=NY_ZONE)

    assert describe(at, with_zone=False) == "Tue 1 Dec 2026, 3:00 PM"
    assert describe(at, with_year=False, with_zone=False) == "Tue 1 Dec, 3:00 PM"
    assert describe(at, with_time=False) == "Tue 1 Dec 2026"


# find_when_phrase


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Acme Corp demo tomorrow 2pm", "tomorrow 2pm"),
        ("Initech renewal EOW", "EOW"),
        ("Umbrella pricing call next Tuesday at 3pm ET", "next Tuesday at 3pm ET"),
        ("Acme QBR in Q1", "in Q1"),
        ("Hooli security review 12/15.", "12/15"),
        ("Acme Tuesday", "Tuesday"),
        ("Acme 3pm", "3pm"),
        ("Globex kickoff mid December", "mid December"),
        ("tomorrow", "tomorrow"),
        ("Acme demo last Monday", "last Monday"),
    ],
)
def test_find_when_phrase_finds_the_trailing_date(text, phrase):
    span = find_when_phrase(text, NY, THURSDAY)

    assert span is not None
    assert text[span[0] : span[1]] == phrase


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Acme",
        "Acme Corp",
        "May Corp",
        "Acme May",
        "Globex 2027",
        "Wayne Enterprises 3",
        "Stark Industries",
        "tomorrow demo with Acme",
    ],
)
def test_find_when_phrase_leaves_company_names_alone(text):
    assert find_when_phrase(text, NY, THURSDAY) is None


def test_find_when_phrase_looks_at_the_last_ten_words_only():
    text = "tomorrow " + "word " * 30 + "Friday"

    assert find_when_phrase(text, NY, THURSDAY) == (len(text) - len("Friday"), len(text))


# mentions_time


@pytest.mark.parametrize(
    "text",
    [
        "Dana agrees to book a pilot by Friday",
        "Dana (CFO) agrees to a 30-minute pricing review on Tuesday",
        "Dana signs the order form within 2 weeks",
        "Procurement sends the redlines on the 3rd",
        "Dana books the security review next week",
        "Legal returns the MSA by EOW",
        "CFO approves the budget before end of month",
        "Dana confirms the pilot scope by 12/15",
        "Rollout starts in Q1",
        "Sam schedules the demo for tomorrow at 2pm",
        "Kick-off call at 3:30pm",
        "Dana introduces us to the CTO by mid-May",
        "The board approves the spend in March",
        "Signed contract by December",
        "Pilot go-live on 2027-01-15",
        "Dana replies in a couple of days",
        "Decision within 48 hours",
        "Dana agrees to the trial by COB",
        "Dana sends the W-9 today",
        "POC results review 3 weeks from now",
        "The team signs before Christmas",
        "Dana books a follow-up for the first week of January",
        "Budget sign-off next quarter",
        "Security questionnaire back by Jan 10",
        "Contract signed by the end of the quarter",
        "Meeting with the VP this afternoon",
        "Dana returns the order form by 1/10",
        "We meet Weds to review",
        "Second quarter roll-out approved",
        "Dana agrees to an intro call with IT on the 15th",
        "Intro to the CISO by the 3rd of May",
        "Dana signs by month-end",
        "PO raised before quarter end",
        "Dana replies in 2 wks",
        "Legal reviews within the week",
        "Dana calls back on Sat",
        "Pilot starts next Sun",
    ],
)
def test_mentions_time(text):
    assert mentions_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Dana agrees to book a pilot soon",
        "Dana will sign at some point",
        "Get the contract signed ASAP",
        "Dana agrees to a 30-minute call",
        "Dana agrees to a 2-week pilot",
        "Dana may agree to a pilot",
        "June (VP Sales) agrees to introduce us to the CFO",
        "Jan from procurement sends the security questionnaire",
        "Dana agrees to invite 3 stakeholders",
        "Roll out to 3/4 of the team",
        "Confirm 24/7 support coverage",
        "Sign the $50,000 order form",
        "Dana agrees to the next step",
        "Dana meets us next time she is in town",
        "Discuss the 2026 budget",
        "Dana agrees to review pricing later",
        "Get a yes eventually",
        "C'mon Dana, sign it",
        "Sat down with Dana to agree a plan",
        "The 3rd stakeholder joins the call",
        "Dana agrees to a demo for 10 users",
        "Sun Microsystems alumni join the call",
    ],
)
def test_does_not_mention_time(text):
    assert not mentions_time(text)


def test_a_date_without_a_year_can_be_recent_past_when_the_caller_allows_it() -> None:
    now = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    logged = read_when("11/20 3pm", "America/New_York", now, allow_past=timedelta(days=90))
    assert logged.ok and logged.at == datetime(
        2026, 11, 20, 15, 0, tzinfo=ZoneInfo("America/New_York")
    )
    planned = read_when("11/20 3pm", "America/New_York", now)
    assert planned.ok and planned.at.year == 2027


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tomorrow 2pm", "2026-11-27 14:00"),
        ("2pm tomorrow", "2026-11-27 14:00"),
        ("the day after tomorrow", "2026-11-28 09:00"),
        ("overmorrow 11am", "2026-11-28 11:00"),  # mentions_time says it says when: so it reads
        ("today 4pm", "2026-11-26 16:00"),
    ],
)
def test_day_words_are_read_by_the_products_rules_without_dateparser(phrase, expected) -> None:
    with patch.object(reading, "dateparser_day", side_effect=AssertionError("dateparser asked")):
        reading_of = read_when(phrase, NY, THURSDAY)
    assert reading_of.ok, reading_of.problem
    assert reading_of.at == datetime.fromisoformat(expected).replace(tzinfo=NY_ZONE)
    assert mentions_time(phrase)
