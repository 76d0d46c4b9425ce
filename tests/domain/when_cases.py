"""Phrases and the moments they must read as; shared by test_when.py and bench/parse_dates.py."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Case:
    phrase: str
    local: str  # expected wall clock in the rep's zone, "YYYY-MM-DD HH:MM"
    utc: str | None = None  # expected instant in UTC, where DST or zones make it matter


@dataclass(frozen=True)
class Scene:
    """A rep's zone, the moment they type, and what their phrases must read as."""

    zone: str
    now: datetime
    cases: tuple[Case, ...]


def _at(zone: str, *fields: int) -> datetime:
    return datetime(*fields, tzinfo=ZoneInfo(zone))


NY = "America/New_York"
BERLIN = "Europe/Berlin"
KOLKATA = "Asia/Kolkata"
TOKYO = "Asia/Tokyo"

SCENES = {
    # Thursday 26 Nov 2026, 10:00 EST.
    "ny_thursday": Scene(
        NY,
        _at(NY, 2026, 11, 26, 10, 0),
        (
            Case("Tue", "2026-12-01 09:00"),
            Case("Tues", "2026-12-01 09:00"),
            Case("thu", "2026-12-03 09:00"),
            Case("thurs", "2026-12-03 09:00"),
            Case("Thursday", "2026-12-03 09:00"),
            Case("this Tuesday", "2026-12-01 09:00"),
            Case("next Tuesday", "2026-12-01 09:00"),
            Case("next Friday", "2026-12-04 09:00"),
            Case("this Friday", "2026-11-27 09:00"),
            Case("Friday", "2026-11-27 09:00"),
            Case("by Friday", "2026-11-27 09:00"),
            Case("next Tuesday 3pm", "2026-12-01 15:00", "2026-12-01 20:00"),
            Case("Tuesday next week", "2026-12-01 09:00"),
            Case("tomorrow", "2026-11-27 09:00"),
            Case("tomorrow morning", "2026-11-27 09:00"),
            Case("tomorrow afternoon", "2026-11-27 14:00"),
            Case("tmrw 2pm", "2026-11-27 14:00"),
            Case("noon tomorrow", "2026-11-27 12:00"),
            Case("Monday 10am", "2026-11-30 10:00"),
            Case("Mon 9:30am", "2026-11-30 09:30"),
            Case("Tuesday at 3", "2026-12-01 15:00"),
            Case("Tue, Dec 1, 3 p.m.", "2026-12-01 15:00"),
            Case("3pm", "2026-11-26 15:00"),
            Case("9am", "2026-11-27 09:00"),
            Case("at 3:30", "2026-11-26 15:30"),
            Case("tonight", "2026-11-26 20:00"),
            Case("in 3 days", "2026-11-29 09:00"),
            Case("in two weeks", "2026-12-10 09:00"),
            Case("a week from Monday", "2026-12-07 09:00"),
            Case("a week from today", "2026-12-03 09:00"),
            Case("in a fortnight", "2026-12-10 09:00"),
            Case("in 2 hours", "2026-11-26 12:00"),
            Case("in half an hour", "2026-11-26 10:30"),
            Case("EOD", "2026-11-26 17:00"),
            Case("by EOD", "2026-11-26 17:00"),
            Case("EOD Friday", "2026-11-27 17:00"),
            Case("Friday EOD", "2026-11-27 17:00"),
            Case("end of day tomorrow", "2026-11-27 17:00"),
            Case("EOW", "2026-11-27 17:00"),
            Case("end of week", "2026-11-27 17:00"),
            Case("end of month", "2026-11-30 17:00"),
            Case("end-of-month", "2026-11-30 17:00"),
            Case("next week", "2026-11-30 09:00"),
            Case("early next week", "2026-11-30 09:00"),
            Case("late next week", "2026-12-03 09:00"),
            Case("end of next week", "2026-12-04 17:00"),
            Case("mid December", "2026-12-15 09:00"),
            Case("mid-December", "2026-12-15 09:00"),
            Case("late December", "2026-12-25 09:00"),
            Case("early January", "2027-01-01 09:00"),
            Case("mid November", "2027-11-15 09:00"),
            Case("first week of December", "2026-12-01 09:00"),
            Case("Q1", "2027-01-01 09:00"),
            Case("in Q1", "2027-01-01 09:00"),
            Case("Q4", "2027-10-01 09:00"),
            Case("Q1 2027", "2027-01-01 09:00"),
            Case("next quarter", "2027-01-01 09:00"),
            Case("end of Q1", "2027-03-31 17:00"),
            Case("EOY", "2026-12-31 17:00"),
            Case("the 15th", "2026-12-15 09:00"),
            Case("on the 15th", "2026-12-15 09:00"),
            Case("the 31st", "2026-12-31 09:00"),
            Case("the 15th at 2pm", "2026-12-15 14:00"),
            Case("12/3", "2026-12-03 09:00"),
            Case("12/1", "2026-12-01 09:00"),
            Case("1/12/2027", "2027-01-12 09:00"),
            Case("2026-12-01", "2026-12-01 09:00"),
            Case("15/12", "2026-12-15 09:00"),
            Case("2/29", "2028-02-29 09:00"),
            Case("12-24", "2026-12-24 09:00"),
            Case("12/15/2026", "2026-12-15 09:00"),
            Case("2026-12-15", "2026-12-15 09:00"),
            Case("2026-12-15 14:00", "2026-12-15 14:00"),
            Case("Jan 15th at 2pm", "2027-01-15 14:00"),
            Case("Nov 26 3pm", "2026-11-26 15:00"),
            Case("3pm ET", "2026-11-26 15:00", "2026-11-26 20:00"),
            Case("3pm PT", "2026-11-26 18:00", "2026-11-26 23:00"),
            Case("3pm Pacific", "2026-11-26 18:00", "2026-11-26 23:00"),
            Case("3pm UTC", "2026-11-26 10:00", "2026-11-26 15:00"),
            Case("Monday 9am CT", "2026-11-30 10:00", "2026-11-30 15:00"),
        ),
    ),
    # Thursday 26 Nov 2026, after the working day.
    "ny_thursday_evening": Scene(
        NY,
        _at(NY, 2026, 11, 26, 18, 30),
        (
            Case("EOD", "2026-11-27 17:00"),
            Case("3pm", "2026-11-27 15:00"),
        ),
    ),
    # Friday 27 Nov 2026, after the working day.
    "ny_friday_evening": Scene(
        NY,
        _at(NY, 2026, 11, 27, 18, 0),
        (
            Case("EOD", "2026-11-30 17:00"),
            Case("EOW", "2026-12-04 17:00"),
        ),
    ),
    # Monday 30 Nov 2026, after the month's last working day ended.
    "ny_month_end": Scene(
        NY,
        _at(NY, 2026, 11, 30, 18, 0),
        (Case("end of month", "2026-12-31 17:00"),),
    ),
    # Friday 6 Mar 2026, 10:00 EST; clocks go forward on Sunday 8 Mar.
    "ny_spring_forward": Scene(
        NY,
        _at(NY, 2026, 3, 6, 10, 0),
        (
            Case("next Monday 9am", "2026-03-09 09:00", "2026-03-09 13:00"),
            Case("Monday", "2026-03-09 09:00", "2026-03-09 13:00"),
            Case("in 3 days", "2026-03-09 09:00", "2026-03-09 13:00"),
            Case("next week", "2026-03-09 09:00", "2026-03-09 13:00"),
            Case("Sunday 2:30am", "2026-03-08 03:30", "2026-03-08 07:30"),
            Case("tomorrow 3pm", "2026-03-07 15:00", "2026-03-07 20:00"),
            Case("9am", "2026-03-07 09:00", "2026-03-07 14:00"),
            Case("EOW", "2026-03-06 17:00", "2026-03-06 22:00"),
            Case("in 48 hours", "2026-03-08 11:00", "2026-03-08 15:00"),
            Case("end of month", "2026-03-31 17:00", "2026-03-31 21:00"),
        ),
    ),
    # Friday 30 Oct 2026, 10:00 EDT; clocks go back on Sunday 1 Nov.
    "ny_fall_back": Scene(
        NY,
        _at(NY, 2026, 10, 30, 10, 0),
        (
            Case("Monday 9am", "2026-11-02 09:00", "2026-11-02 14:00"),
            Case("in 3 days", "2026-11-02 09:00", "2026-11-02 14:00"),
            Case("EOD Monday", "2026-11-02 17:00", "2026-11-02 22:00"),
            Case("next week", "2026-11-02 09:00", "2026-11-02 14:00"),
            Case("Sunday 1:30am", "2026-11-01 01:30", "2026-11-01 05:30"),
            Case("in 2 days at 2pm", "2026-11-01 14:00", "2026-11-01 19:00"),
            Case("tomorrow 10am", "2026-10-31 10:00", "2026-10-31 14:00"),
            Case("3pm PT", "2026-10-30 18:00", "2026-10-30 22:00"),
            Case("3pm PST", "2026-10-30 19:00", "2026-10-30 23:00"),
        ),
    ),
    # Friday 23 Oct 2026, 10:00 CEST; clocks go back on Sunday 25 Oct.
    "berlin_fall_back": Scene(
        BERLIN,
        _at(BERLIN, 2026, 10, 23, 10, 0),
        (
            Case("Monday 9am", "2026-10-26 09:00", "2026-10-26 08:00"),
            Case("next Monday 9am", "2026-10-26 09:00", "2026-10-26 08:00"),
            Case("tomorrow 9am", "2026-10-24 09:00", "2026-10-24 07:00"),
            Case("in 3 days", "2026-10-26 09:00", "2026-10-26 08:00"),
            Case("Sunday 2:30am", "2026-10-25 02:30", "2026-10-25 00:30"),
            Case("end of month", "2026-10-30 17:00", "2026-10-30 16:00"),
            Case("EOW", "2026-10-23 17:00", "2026-10-23 15:00"),
            Case("3pm ET", "2026-10-23 21:00", "2026-10-23 19:00"),
            Case("3pm UTC", "2026-10-23 17:00", "2026-10-23 15:00"),
            Case("Monday 3pm ET", "2026-10-26 20:00", "2026-10-26 19:00"),
            Case("15.12.2026", "2026-12-15 09:00", "2026-12-15 08:00"),
        ),
    ),
    # Friday 27 Mar 2026, 10:00 CET; clocks go forward on Sunday 29 Mar (New York already has).
    "berlin_spring_forward": Scene(
        BERLIN,
        _at(BERLIN, 2026, 3, 27, 10, 0),
        (
            Case("Monday 9am", "2026-03-30 09:00", "2026-03-30 07:00"),
            Case("Sunday 2:30am", "2026-03-29 03:30", "2026-03-29 01:30"),
            Case("3pm ET", "2026-03-27 20:00", "2026-03-27 19:00"),
        ),
    ),
    # Wednesday 15 Jul 2026, 16:30 IST (UTC+5:30).
    "kolkata": Scene(
        KOLKATA,
        _at(KOLKATA, 2026, 7, 15, 16, 30),
        (
            Case("3pm", "2026-07-16 15:00", "2026-07-16 09:30"),
            Case("5pm", "2026-07-15 17:00", "2026-07-15 11:30"),
            Case("tomorrow 10:30am", "2026-07-16 10:30", "2026-07-16 05:00"),
            Case("3pm ET", "2026-07-16 00:30", "2026-07-15 19:00"),
            Case("EOD", "2026-07-15 17:00", "2026-07-15 11:30"),
            Case("Friday", "2026-07-17 09:00", "2026-07-17 03:30"),
            Case("in 90 minutes", "2026-07-15 18:00", "2026-07-15 12:30"),
            Case("end of month", "2026-07-31 17:00"),
            Case("Q3", "2027-07-01 09:00"),
            Case("next quarter", "2026-10-01 09:00"),
            Case("mid August", "2026-08-17 09:00"),
            Case("the 15th at 6pm", "2026-07-15 18:00"),
            Case("12/25", "2026-12-25 09:00"),
        ),
    ),
    # Monday 28 Dec 2026, 11:00 JST: the year turns over.
    "tokyo_year_end": Scene(
        TOKYO,
        _at(TOKYO, 2026, 12, 28, 11, 0),
        (
            Case("next week", "2027-01-04 09:00", "2027-01-04 00:00"),
            Case("Monday", "2027-01-04 09:00"),
            Case("next Monday", "2027-01-04 09:00"),
            Case("this Monday 3pm", "2026-12-28 15:00"),
            Case("end of month", "2026-12-31 17:00"),
            Case("end of quarter", "2026-12-31 17:00"),
            Case("EOY", "2026-12-31 17:00"),
            Case("Q1", "2027-01-01 09:00"),
            Case("early January", "2027-01-01 09:00"),
            Case("mid January", "2027-01-15 09:00"),
            Case("Jan 5", "2027-01-05 09:00"),
            Case("the 2nd", "2027-01-02 09:00"),
            Case("tomorrow 9am JST", "2026-12-29 09:00"),
            Case("9am PT", "2026-12-29 02:00", "2026-12-28 17:00"),
        ),
    ),
}

PHRASES = tuple(dict.fromkeys(case.phrase for scene in SCENES.values() for case in scene.cases))

# Where a screen records what already happened (`read_when(..., allow_past=90 days,
# horizon=12 hours)`, as /postcall's "When did it happen"): a weekday alone or a month and day
# without a year is the most recent one. Phrases read differently for planning, so these scenes
# stay out of PHRASES.
RECORDED_SCENES = {
    # Thursday 26 Nov 2026, 22:01 EST.
    "ny_thursday_evening": Scene(
        NY,
        _at(NY, 2026, 11, 26, 22, 1),
        (
            Case("Friday", "2026-11-20 09:00"),
            Case("Tuesday", "2026-11-24 09:00"),
            Case("Tues", "2026-11-24 09:00"),
            Case("Tuesday 3pm", "2026-11-24 15:00", "2026-11-24 20:00"),
            Case("Tue at 3", "2026-11-24 15:00"),
            Case("3pm Tuesday", "2026-11-24 15:00"),
            Case("Tuesday 3pm PT", "2026-11-24 18:00", "2026-11-24 23:00"),
            Case("Mon", "2026-11-23 09:00"),
            Case("on Friday at 10", "2026-11-20 10:00"),
            Case("Saturday", "2026-11-21 09:00"),
            Case("Sunday 4pm", "2026-11-22 16:00"),
            Case("Thursday", "2026-11-26 09:00"),
            Case("Thursday 3pm", "2026-11-26 15:00"),
            Case("Thursday 10pm", "2026-11-26 22:00"),
            Case("Thursday 10:30pm", "2026-11-19 22:30"),
            Case("Friday EOD", "2026-11-20 17:00"),
            Case("EOD Thursday", "2026-11-26 17:00"),
        ),
    ),
    # Thursday 26 Nov 2026, 10:00 EST: today's 3pm is still to come, so "Thursday 3pm" is last
    # week's.
    "ny_thursday_morning": Scene(
        NY,
        _at(NY, 2026, 11, 26, 10, 0),
        (
            Case("Thursday 3pm", "2026-11-19 15:00"),
            Case("Thursday 9:30am", "2026-11-26 09:30"),
            Case("thu", "2026-11-26 09:00"),
            Case("EOD Thursday", "2026-11-19 17:00"),
            Case("Wednesday 4pm", "2026-11-25 16:00"),
        ),
    ),
    # Monday 1 Feb 2027, 10:00 EST: 20 November is 73 days back.
    "ny_february": Scene(
        NY,
        _at(NY, 2027, 2, 1, 10, 0),
        (
            Case("Nov 20", "2026-11-20 09:00"),
            Case("11/20 3pm", "2026-11-20 15:00", "2026-11-20 20:00"),
            Case("Friday", "2027-01-29 09:00"),
            Case("Mon 11am", "2027-01-25 11:00"),
        ),
    ),
    # Monday 26 Oct 2026, 08:00 CET: clocks went back on Sunday.
    "berlin_after_fall_back": Scene(
        BERLIN,
        _at(BERLIN, 2026, 10, 26, 8, 0),
        (
            Case("Sunday 2:30am", "2026-10-25 02:30", "2026-10-25 00:30"),
            Case("Saturday", "2026-10-24 09:00", "2026-10-24 07:00"),
            Case("Fri 4pm", "2026-10-23 16:00", "2026-10-23 14:00"),
            Case("Monday 9am", "2026-10-19 09:00", "2026-10-19 07:00"),
            Case("Monday 7:30am", "2026-10-26 07:30", "2026-10-26 06:30"),
        ),
    ),
    # Wednesday 15 Jul 2026, 16:30 IST: 20 April is 86 days back.
    "kolkata": Scene(
        KOLKATA,
        _at(KOLKATA, 2026, 7, 15, 16, 30),
        (
            Case("Wednesday 4pm", "2026-07-15 16:00", "2026-07-15 10:30"),
            Case("Wednesday 5pm", "2026-07-08 17:00"),
            Case("Friday", "2026-07-10 09:00"),
            Case("Apr 20", "2026-04-20 09:00"),
        ),
    ),
    # Thursday 26 Nov 2026, 00:30 JST, just after midnight.
    "tokyo_after_midnight": Scene(
        TOKYO,
        _at(TOKYO, 2026, 11, 26, 0, 30),
        (
            Case("Wednesday", "2026-11-25 09:00", "2026-11-25 00:00"),
            Case("Wed 11pm", "2026-11-25 23:00", "2026-11-25 14:00"),
            Case("Thursday 12:15am", "2026-11-26 00:15", "2026-11-25 15:15"),
            Case("Thursday 3pm", "2026-11-19 15:00"),
            Case("Friday", "2026-11-20 09:00"),
        ),
    ),
    # Wednesday 25 Nov 2026, 23:50 JST, just before midnight: "Thursday" is not tomorrow.
    "tokyo_before_midnight": Scene(
        TOKYO,
        _at(TOKYO, 2026, 11, 25, 23, 50),
        (
            Case("Thursday", "2026-11-19 09:00"),
            Case("Wednesday 11pm", "2026-11-25 23:00"),
            Case("Wed 11:55pm", "2026-11-18 23:55"),
        ),
    ),
    # Friday 1 Jan 2027, 00:10 JST: the year has just turned.
    "tokyo_new_year": Scene(
        TOKYO,
        _at(TOKYO, 2027, 1, 1, 0, 10),
        (
            Case("Thursday", "2026-12-31 09:00"),
            Case("Thu 11:30pm", "2026-12-31 23:30", "2026-12-31 14:30"),
            Case("Friday 9am", "2026-12-25 09:00"),
            Case("Oct 20", "2026-10-20 09:00"),
        ),
    ),
}
