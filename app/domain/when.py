"""Reading a rep's plain words ("next Tuesday 3pm") as an aware datetime in the rep's own zone."""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple, NoReturn
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

MAX_LENGTH = 200
# Further ahead than this, a date without a year can only be next year's: this year's passed.
_ROLLED_OVER = timedelta(days=300)
# A caller whose horizon is shorter records what already happened (the horizon only allows for
# clocks and zones), so a moment beyond it is "in the future" rather than "too far ahead".
_RECORDS_THE_PAST = timedelta(days=1)
DAY_START = time(9)  # a day named without a time
DAY_END = time(17)  # EOD, EOW, end of month, end of quarter
NOON = time(12)
PARTS_OF_DAY = {"morning": time(9), "afternoon": time(14), "evening": time(18), "night": time(20)}

EXAMPLES = "'next Tuesday 3pm' or '12/15'"
SAY_WHEN = f"Say when, e.g. {EXAMPLES}"
TOO_LONG = f"That is too long for a date ({MAX_LENGTH} characters at most): try {EXAMPLES}"
ADD_A_TIME = "Add a time for today, e.g. 'today 3pm'"
WHICH_DAY_THIS_WEEK = "Which day this week? Try 'Thursday 2pm' or 'EOW'"

_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = tuple(calendar.month_name[1:])
_WEEKDAYS = tuple(name.lower() for name in calendar.day_name)

# Generic US zone names follow daylight saving; abbreviations that say S or D are exact offsets.
# Etc/GMT signs are inverted by POSIX convention: Etc/GMT+5 is UTC-5.
_ZONES = {
    "et": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "central": "America/Chicago",
    "mt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "est": "Etc/GMT+5",
    "edt": "Etc/GMT+4",
    "cst": "Etc/GMT+6",
    "cdt": "Etc/GMT+5",
    "mst": "Etc/GMT+7",
    "mdt": "Etc/GMT+6",
    "pst": "Etc/GMT+8",
    "pdt": "Etc/GMT+7",
    "utc": "UTC",
    "gmt": "Etc/GMT",
    "bst": "Etc/GMT-1",
    "cet": "Etc/GMT-1",
    "cest": "Etc/GMT-2",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
}
_ZONE = re.compile(rf"(?<!\S)({'|'.join(_ZONES)})(?: time)?(?!\S)")

# Shorthand expanded before reading, so the rules below and dateparser see one spelling.
_SHORTHAND = {
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "weds": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmw": "tomorrow",
    "tomorow": "tomorrow",
    "tonight": "today night",
    "sept": "september",
    "eod": "end of day",
    "eob": "end of day",
    "cob": "end of day",
    "eow": "end of week",
    "eom": "end of month",
    "eoq": "end of quarter",
    "eoy": "end of year",
}
_SHORTHAND_WORD = re.compile(rf"\b(?:{'|'.join(_SHORTHAND)})\b")

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBER_WORDS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT = rf"\d{{1,3}}|{'|'.join(_NUMBER_WORDS)}"

# Words that introduce a date without changing it ("by Friday", "on the 15th", "in Q1").
# "in" stays when it starts a span ("in 3 days", "in a fortnight").
_LEAD_IN = re.compile(
    rf"(?:by|on|before|around|until|till|due|for|no later than|the|in(?! (?:{_COUNT}|half|few)\b)) "
)

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_WORD = re.compile(rf"\b(?:{_MONTH}|month)\b")
_YEAR_WORD = re.compile(r"\b(?:\d{4}|years?)\b")
_RELATIVE_SPAN = re.compile(rf"in (?:{_COUNT}) (?:months?|years?)")

# A time of day. Without am/pm, 1 to 6 is afternoon: sales calls happen in working hours.
_CLOCK = (
    r"(?:(?:at )?(?:"
    r"(?P<h12>1[0-2]|0?[1-9])(?::(?P<m12>[0-5]\d))? ?(?P<ampm>[ap])m?"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)"
    r"|(?P<noon>noon|midday|lunchtime|lunch)"
    rf"|(?:in the )?(?P<part>{'|'.join(PARTS_OF_DAY)}))"
    r"|at (?P<hour>1[0-2]|0?[1-9]))"
)
_TIME_ONLY = re.compile(_CLOCK)
_DAY_THEN_TIME = re.compile(rf"(?P<day>.+?) {_CLOCK}")
_TIME_THEN_DAY = re.compile(rf"{_CLOCK} (?P<day>.+)")
# "in 2 hours" or "2 hours ago", not "2 hours": the conditional asks for "ago" unless "in" led.
_CLOCK_SPAN = re.compile(
    rf"(?P<ahead>in )?(?:(?P<count>{_COUNT}) (?P<unit>hours?|hrs?|minutes?|mins?)"
    r"|(?P<half>half an hour))(?(ahead)| ago)"
)
_NOW = re.compile(r"(?:right |just )?now")
# A numeric date: "12/1" (month first), "15/12" (the first cannot be a month), "2026-12-01".
_NUMERIC_DAY = re.compile(
    r"(?<![\w/-])(?:(?P<first>\d{1,2})(?P<sep>[/-])(?P<second>\d{1,2})(?:(?P=sep)\d{2}(?:\d{2})?)?"
    r"|\d{4}-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2}))(?![\w/-])"
)


class _Refused(Exception):
    """A phrase that reads as something, but not as a moment (a month without a day)."""


class _Past(NamedTuple):
    """A day wanted in the past (a screen recording what happened), and the time said with it."""

    at: time | None


class _Reading(NamedTuple):
    at: datetime  # aware, in the rep's zone
    timed: bool  # the rep said (or the phrase implies) a time of day


@dataclass(frozen=True)
class WhenReading:
    """What the rep typed, the moment it was read as, and why it cannot be used, if so."""

    text: str
    at: datetime | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.at is not None and self.problem is None


def read_when(
    text: str,
    zone: str | ZoneInfo,
    now: datetime,
    *,
    allow_past: timedelta = timedelta(0),
    horizon: timedelta = timedelta(days=731),
) -> WhenReading:
    """Read `text` as a moment in the rep's `zone`, relative to the aware `now`; never raises."""
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    rep_zone = _zone(zone)
    said = text.strip()
    if not said:
        return WhenReading(said, None, SAY_WHEN)
    if len(said) > MAX_LENGTH:
        return WhenReading(said, None, TOO_LONG)
    earliest = now.replace(second=0, microsecond=0) - allow_past
    latest = now + horizon
    records_the_past = horizon < _RECORDS_THE_PAST
    try:
        reading = _read(said, rep_zone, now, earliest, latest, records_the_past)
    except _Refused as refusal:
        return WhenReading(said, None, str(refusal))
    except (OverflowError, ValueError):  # arithmetic past year 9999 or before year 1
        reading = None
    if reading is None:
        return WhenReading(said, None, f"I could not read a date in '{said}': try {EXAMPLES}")
    at = reading.at
    local_now = now.astimezone(rep_zone)
    if at < earliest:
        if not reading.timed and at.date() == local_now.date():
            return WhenReading(said, at, ADD_A_TIME)
        label = describe(
            at, with_year=at.year != local_now.year, with_time=reading.timed, with_zone=False
        )
        return WhenReading(said, at, f"That is {label}, in the past")
    if at > latest:
        if records_the_past:
            label = describe(
                at, with_year=at.year != local_now.year, with_time=reading.timed, with_zone=False
            )
            return WhenReading(said, at, f"That is {label}, in the future: say when it happened")
        label = describe(at, with_zone=False)
        return WhenReading(said, at, f"I read this as {label}: too far ahead")
    return WhenReading(said, at, None)


def describe(
    at: datetime, *, with_year: bool = True, with_time: bool = True, with_zone: bool = True
) -> str:
    """Show a moment to the rep: 'Tue 1 Dec 2026, 3:00 PM EST', or fewer of its parts."""
    shown = f"{_WEEKDAY_NAMES[at.weekday()]} {at.day} {_MONTH_NAMES[at.month - 1][:3]}"
    if with_year:
        shown += f" {at.year}"
    if with_time:
        shown += f", {at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"
        if with_zone and at.tzname():
            shown += f" {at.tzname()}"
    return shown


def find_when_phrase(text: str, zone: str | ZoneInfo, now: datetime) -> tuple[int, int] | None:
    """Span of the longest run of whole words ending `text` that reads as a date, if any."""
    words = [match.span() for match in re.finditer(r"\S+", text)][-10:]
    if not words:
        return None
    end = words[-1][1]
    while end > words[-1][0] and text[end - 1] in ".,;:!?":
        end -= 1
    for start, _ in words:
        if start < end and read_when(text[start:end], zone, now).at is not None:
            return start, end
    return None


def warm_up() -> None:
    """Load dateparser's English data so the first rep does not wait for it."""
    now = datetime.now(UTC)
    for phrase in ("next Tuesday 3pm", "Dec 15", "purple"):
        # A named zone rather than UTC: pytz's list of zones also loads on first use.
        read_when(phrase, "America/New_York", now)


def _zone(zone: str | ZoneInfo) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def _read(
    said: str,
    rep_zone: ZoneInfo,
    now: datetime,
    earliest: datetime,
    latest: datetime,
    records_the_past: bool,
) -> _Reading | None:
    phrase = _normalise(said)
    zone = rep_zone
    if found := _ZONE.search(phrase):
        zone = ZoneInfo(_ZONES[found[1]])
        phrase = " ".join((phrase[: found.start()] + phrase[found.end() :]).split())
    if not phrase or _names_no_real_day(phrase):
        return None
    if _NOW.fullmatch(phrase):
        return _Reading(now.replace(second=0, microsecond=0).astimezone(rep_zone), True)
    if span := _CLOCK_SPAN.fullmatch(phrase):
        # Elapsed time, so count in UTC: "in 2 hours" across a DST change is still 2 hours.
        count = 30 if span["half"] else _count(span["count"])
        unit = "minutes" if span["half"] or span["unit"].startswith("m") else "hours"
        elapsed = timedelta(**{unit: count})
        at = now.astimezone(UTC).replace(second=0, microsecond=0)
        at = at + elapsed if span["ahead"] else at - elapsed
        return _Reading(at.astimezone(rep_zone), True)
    base = now.astimezone(zone).replace(second=0, microsecond=0)
    if clock := _TIME_ONLY.fullmatch(phrase):
        # A time alone means the next time the clock shows it: "9am" said at 10:00 is tomorrow
        # 9:00. A caller accepting the recent past keeps today's within allow_past, and takes
        # yesterday's when today's lies beyond its horizon ("11pm" said at 10:00 is last night).
        wall = _clock_time(clock)
        at = _attach(datetime.combine(base.date(), wall), zone)
        if at < earliest:
            at = _attach(datetime.combine(base.date() + timedelta(days=1), wall), zone)
        elif at > latest:
            yesterday = _attach(datetime.combine(base.date() - timedelta(days=1), wall), zone)
            at = yesterday if yesterday >= earliest else at
        return _Reading(at.astimezone(rep_zone), True)
    found_day = _read_day_and_time(phrase, base, records_the_past)
    if found_day is None:
        return None
    day, at_time = found_day
    local = datetime.combine(day, at_time or DAY_START)
    at = _attach(local, zone)
    if at - now > _ROLLED_OVER and not _YEAR_WORD.search(phrase):
        # A date without a year was moved on to next year because this year's has passed;
        # a caller accepting the recent past (logging a call after the fact) wants this year's.
        with contextlib.suppress(ValueError):  # 29 February
            last_year = _attach(local.replace(year=local.year - 1), zone)
            if last_year >= earliest:
                at = last_year
    return _Reading(at.astimezone(rep_zone), at_time is not None)


def _normalise(said: str) -> str:
    phrase = said.lower()
    phrase = re.sub(r"(?<![a-z])([ap])\.m\b\.?", r"\1m", phrase)
    phrase = re.sub(r"(?<=[a-z])\.|[(),;!?\"]", " ", phrase)
    phrase = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", phrase)
    phrase = phrase.replace("@", " at ")
    phrase = " ".join(phrase.split()).rstrip(".")
    phrase = _SHORTHAND_WORD.sub(lambda word: _SHORTHAND[word[0]], phrase)
    phrase = re.sub(r"\bthis (morning|afternoon|evening|night)\b", r"today \1", phrase)
    phrase = re.sub(r"\bclose of (?:business|play)\b", "end of day", phrase)
    phrase = re.sub(r"^within ", "in ", phrase)
    phrase = re.sub(r"^(.+) from now$", r"in \1", phrase)
    return _strip_lead_ins(phrase)


def _names_no_real_day(phrase: str) -> bool:
    """Whether a numeric date in the phrase is no month and day ('13/45', '2/30'): dateparser
    would take one of its numbers for a year (13 Nov 2045)."""
    for found in _NUMERIC_DAY.finditer(phrase):
        if found["iso_month"]:
            month, day = int(found["iso_month"]), int(found["iso_day"])
        else:
            first, second = int(found["first"]), int(found["second"])
            month, day = (first, second) if first <= 12 else (second, first)
        # A leap year, so that 2/29 without a year is a day (the next 29 February).
        if not (1 <= month <= 12 and 1 <= day <= _last_day(2028, month).day):
            return True
    return False


def _strip_lead_ins(phrase: str) -> str:
    while lead_in := _LEAD_IN.match(phrase):
        phrase = phrase[lead_in.end() :]
    return phrase


def _attach(local: datetime, zone: ZoneInfo) -> datetime:
    # Through UTC so that a wall time that does not exist (the spring-forward gap) moves forward
    # to a real one, and an ambiguous one (fall back) takes its first occurrence.
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _clock_time(clock: re.Match[str]) -> time:
    if clock["ampm"]:
        hour = int(clock["h12"]) % 12 + (12 if clock["ampm"] == "p" else 0)
        return time(hour, int(clock["m12"] or 0))
    if clock["h24"]:
        hour = int(clock["h24"])
        # "3:30" is afternoon; "03:30" and "15:30" mean what they say.
        return time(_working_hour(hour) if len(clock["h24"]) == 1 else hour, int(clock["m24"]))
    if clock["hour"]:
        return time(_working_hour(int(clock["hour"])))
    if clock["noon"]:
        return NOON
    return PARTS_OF_DAY[clock["part"]]


def _working_hour(hour: int) -> int:
    return hour + 12 if 1 <= hour <= 6 else hour


def _read_day_and_time(
    phrase: str, base: datetime, records_the_past: bool
) -> tuple[date, time | None] | None:
    for split in (_DAY_THEN_TIME, _TIME_THEN_DAY):
        if parts := split.fullmatch(phrase):
            at = _clock_time(parts)
            if found := _read_day(parts["day"], base, _Past(at) if records_the_past else None):
                return found[0], at
    return _read_day(phrase, base, _Past(None) if records_the_past else None)


def _read_day(
    phrase: str, base: datetime, past: _Past | None = None
) -> tuple[date, time | None] | None:
    """The day a phrase names, with the time it implies (None: the rep gave none). With `past`
    (a screen recording what happened), a weekday alone or a month and day without a year is the
    most recent one rather than the coming one."""
    phrase = _strip_lead_ins(phrase)
    if re.fullmatch(r"[0-9]+", phrase):
        # A number alone is not a date; four digits read as a year.
        if len(phrase) == 4:
            raise _Refused(_year_only(int(phrase)))
        return None
    for pattern, rule in _RULES:
        if found := pattern.fullmatch(phrase):
            return rule(found, base, past)
    return _dateparser_day(phrase, base, past is not None)


def _dateparser_day(
    phrase: str, base: datetime, records_the_past: bool
) -> tuple[date, time | None] | None:
    # A naive base (an aware one breaks time-only phrases, dateparser #1213) at the current
    # wall-clock time, so that "90 minutes ago" counts back from now, not from midnight.
    parser = DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past" if records_the_past else "future",
            "RELATIVE_BASE": base.replace(tzinfo=None),
            "TIMEZONE": str(base.tzinfo),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "MDY",
        },
    )
    try:
        data = parser.get_date_data(phrase)
    except Exception:  # read_when never raises, and dateparser can on pathological input
        return None
    found = data.date_obj
    if found is None:
        return None
    # What the phrase itself gave (day, month, year, time), as opposed to what was filled in.
    parts: tuple[str, ...] = data.parts  # type: ignore[attr-defined]  # stubs predate 1.5's parts
    if "day" not in parts and not _RELATIVE_SPAN.fullmatch(phrase):
        if "month" in parts and _MONTH_WORD.search(phrase):
            raise _Refused(_month_only(found.month))
        if "year" in parts and _YEAR_WORD.search(phrase):
            raise _Refused(_year_only(found.year))
        return None
    today = base.date()
    day = found.date()
    if "year" not in parts and (day.month, day.day) == (today.month, today.day):
        # dateparser moves a month and day that fall today to next year (or, preferring the past,
        # to last year when its time is still to come): today's is meant.
        day = today
    return day, found.time() if "time" in parts else None


def _month_only(month: int) -> str:
    name = _MONTH_NAMES[month - 1]
    return f"{name} is a month, not a day: try '{name[:3]} 15' or 'mid {name}'"


def _year_only(year: int) -> str:
    return f"{year} is a year, not a day: try '1/15/{year}' or 'Q1 {year}'"


# The product's own rules, for phrases dateparser reads wrongly or not at all.


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _workday_on_or_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _workday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday() - 4) if day.weekday() >= 5 else day


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    year_offset, month_index = divmod(month - 1 + months, 12)
    return year + year_offset, month_index + 1


def _month_number(name: str) -> int:
    return [month[:3].lower() for month in _MONTH_NAMES].index(name[:3]) + 1


def _passed(day: date, at: time | None, base: datetime) -> bool:
    """Whether a day (before today) or a moment (at or before now) is over."""
    if at is None:
        return day < base.date()
    return (day, at) <= (base.date(), base.time())


def _weekday(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, None]:
    # "next Friday" is the Friday of next week (Monday to Sunday), even when said on Thursday;
    # "Friday" is the next Friday after today; "this Friday" may also be today. Where the past
    # is recorded, "Friday" is the most recent Friday: today's once the time said (if any) has
    # passed, otherwise the one before.
    today = base.date()
    target = _WEEKDAYS.index(found["weekday"])
    if "next" in (found["modifier"], found["week"]):
        return _monday(today) + timedelta(weeks=1, days=target), None
    if found["week"] == "this":
        return _monday(today) + timedelta(days=target), None
    if past is not None and found["modifier"] is None:
        back = (today.weekday() - target) % 7
        if back == 0 and past.at is not None and not _passed(today, past.at, base):
            back = 7
        return today - timedelta(days=back), None
    ahead = (target - today.weekday()) % 7
    if ahead == 0 and found["modifier"] != "this":
        ahead = 7
    return today + timedelta(days=ahead), None


# Days after next week's Monday: "early next week" is Monday, "late next week" Thursday.
_NEXT_WEEK_OFFSETS = {"mid": 2, "middle of": 2, "late": 3, "later": 3, "end of": 4}


def _next_week(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, time | None]:
    offset = _NEXT_WEEK_OFFSETS.get(found["part"], 0)
    day = _monday(base.date()) + timedelta(weeks=1, days=offset)
    return day, DAY_END if found["part"] == "end of" else None


def _end_of_week(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, time]:
    friday = _monday(base.date()) + timedelta(days=4)
    if _passed(friday, DAY_END, base):
        friday += timedelta(weeks=1)
    return friday, DAY_END


def _this_week(found: re.Match[str], base: datetime, past: _Past | None) -> NoReturn:
    raise _Refused(WHICH_DAY_THIS_WEEK)


def _end_of_day(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, time] | None:
    if found["day"]:
        named = _read_day(found["day"], base, None if past is None else _Past(DAY_END))
        return (named[0], DAY_END) if named else None
    today = base.date()
    if today.weekday() < 5 and not _passed(today, DAY_END, base):
        return today, DAY_END
    return _workday_on_or_after(today + timedelta(days=1)), DAY_END


def _month_anchor(part: str, year: int, month: int) -> tuple[date, time | None]:
    if part in ("mid", "middle of"):
        return _workday_on_or_after(date(year, month, 15)), None
    if part == "late":
        return _workday_on_or_after(date(year, month, 25)), None
    if part == "end of":
        return _workday_on_or_before(_last_day(year, month)), DAY_END
    return _workday_on_or_after(date(year, month, 1)), None


def _part_of_month(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, time | None]:
    # A named month that is over this year means next year's; "the month" that is over means
    # next month's; an explicit year or "next month" is taken as said.
    today = base.date()
    part = found["part"]
    if found["month"]:
        year, month = int(found["year"] or today.year), _month_number(found["month"])
        step = 0 if found["year"] else 12
    else:
        year, month = today.year, today.month
        step = 1
        if found["next"]:
            year, month = _add_months(year, month, 1)
            step = 0
    day, at = _month_anchor(part, year, month)
    if step and _passed(day, at, base):
        day, at = _month_anchor(part, *_add_months(year, month, step))
    return day, at


_QUARTER_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_QUARTER_ORDINALS |= {"fourth": 3, "4th": 3}


def _quarter_index(found: re.Match[str], today: date) -> tuple[int, int, bool]:
    """The year and quarter (0-3) a phrase names, and whether to roll it on when it is over."""
    if found["next"]:
        year, quarter = divmod(today.year * 4 + (today.month - 1) // 3 + 1, 4)
        return year, quarter, False
    if found["q"]:
        quarter = int(found["q"]) - 1
    elif found["ordinal"]:
        quarter = _QUARTER_ORDINALS[found["ordinal"]]
    else:
        quarter = (today.month - 1) // 3
    return int(found["year"] or today.year), quarter, not found["year"]


def _quarter_start(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, None]:
    year, quarter, rolls = _quarter_index(found, base.date())
    start = _workday_on_or_after(date(year, quarter * 3 + 1, 1))
    if rolls and _passed(start, None, base):
        start = _workday_on_or_after(date(year + 1, quarter * 3 + 1, 1))
    return start, None


def _quarter_end(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, time]:
    # "end of quarter" that is over means next quarter's; "end of Q1" that is over, next year's.
    year, quarter, rolls = _quarter_index(found, base.date())
    end = _workday_on_or_before(_last_day(year, quarter * 3 + 3))
    if rolls and _passed(end, DAY_END, base):
        named = found["q"] or found["ordinal"]
        year, quarter = (year + 1, quarter) if named else divmod(year * 4 + quarter + 1, 4)
        end = _workday_on_or_before(_last_day(year, quarter * 3 + 3))
    return end, DAY_END


def _end_of_year(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, time]:
    year = base.date().year + (1 if found["next"] else 0)
    end = _workday_on_or_before(date(year, 12, 31))
    if not found["next"] and _passed(end, DAY_END, base):
        end = _workday_on_or_before(date(year + 1, 12, 31))
    return end, DAY_END


def _day_of_month(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, None] | None:
    # "the 15th" is the next 15th, today included, skipping months too short for it.
    today = base.date()
    wanted = int(found["day"])
    year, month = today.year, today.month
    if found["which"]:
        if found["which"] == "next":
            year, month = _add_months(year, month, 1)
        return (date(year, month, wanted), None) if wanted <= _last_day(year, month).day else None
    while wanted > _last_day(year, month).day or date(year, month, wanted) < today:
        year, month = _add_months(year, month, 1)
    return date(year, month, wanted), None


def _weeks_from(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, None] | None:
    named = _read_day(found["day"], base)
    if named is None:
        return None
    return named[0] + timedelta(weeks=_count(found["count"])), None


_QUARTER = r"q(?P<q>[1-4])|(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th) quarter"
_END_OF_DAY = r"end of (?:the )?(?:business )?day"
# A rule reads a matched phrase from `base`; `past` is given where the past is recorded.
_Rule = Callable[[re.Match[str], datetime, _Past | None], tuple[date, time | None] | None]
_RULES: list[tuple[re.Pattern[str], _Rule]] = [
    (
        re.compile(
            r"(?:(?P<modifier>this coming|coming|this|next) )?"
            rf"(?P<weekday>{'|'.join(_WEEKDAYS)})(?: (?P<week>this|next) week)?"
        ),
        _weekday,
    ),
    (
        re.compile(
            r"(?:(?P<part>early|beginning of|start of|mid|middle of|late|later|end of) )?next week"
        ),
        _next_week,
    ),
    (re.compile(r"end of (?:the |this )?week"), _end_of_week),
    (re.compile(r"(?:later |sometime |some time )?this week"), _this_week),
    (re.compile(rf"{_END_OF_DAY}(?: (?P<day>.+))?"), _end_of_day),
    (re.compile(rf"(?P<day>.+) {_END_OF_DAY}"), _end_of_day),
    (
        re.compile(
            r"(?P<part>early|beginning of|start of|first week of|mid|middle of|late|end of) "
            rf"(?:(?P<month>{_MONTH})(?: (?P<year>\d{{4}}))?"
            r"|(?:the |this )?month|(?P<next>next) month)"
        ),
        _part_of_month,
    ),
    (
        re.compile(
            rf"(?:(?:early|beginning of|start of) )?(?:(?:{_QUARTER})(?: (?P<year>\d{{4}}))?"
            r"|(?P<next>next) quarter)"
        ),
        _quarter_start,
    ),
    (
        re.compile(
            rf"end of (?:(?:{_QUARTER})(?: (?P<year>\d{{4}}))?"
            r"|(?:the |this )?quarter|(?P<next>next) quarter)"
        ),
        _quarter_end,
    ),
    (re.compile(r"end of (?:(?:the |this )?year|(?P<next>next) year)|year end"), _end_of_year),
    (
        re.compile(
            r"(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)(?: of (?P<which>this|next) month)?"
        ),
        _day_of_month,
    ),
    (re.compile(rf"(?P<count>{_COUNT}) weeks? from (?P<day>.+)"), _weeks_from),
]


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
_SPAN_COUNT = rf"{_COUNT}|a few|few|a couple(?: of)?|couple(?: of)?|several"
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
            r"\b(?:end|beginning|start|middle|close)\s+of\s+(?:the\s+|this\s+|next\s+)?"
            r"(?:day|business|play|week|month|quarter|year|q[1-4])\b",
            r"\b(?:fy)?q[1-4]\b",
            r"\b(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\b",
            r"\b\d{4}-\d{2}-\d{2}\b",
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
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    # "3/4 of the team" is a fraction; "by 3/4" or "3/4/27" is a date.
    looks_like_fraction = month < day <= 10
    return bool(found["lead"] or found["year"]) or not looks_like_fraction
