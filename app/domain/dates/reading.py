"""Reading a rep's plain words ("next Tuesday 3pm") as an aware datetime in the rep's own zone."""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple, NoReturn
from zoneinfo import ZoneInfo

from app.domain.dates.describe import describe
from app.domain.dates.fallback import Refused, dateparser_day, year_only
from app.domain.dates.holiday_names import holiday_on, is_holiday
from app.domain.dates.locales import Conventions, conventions_for
from app.domain.dates.normalise import names_no_real_day, normalise, strip_lead_ins
from app.domain.dates.vocabulary import (
    ADD_A_TIME,
    CLOCK_SPAN,
    COUNT,
    DAY_END,
    DAY_START,
    DAY_THEN_TIME,
    EXAMPLES,
    MAX_LENGTH,
    MONTH,
    MONTH_NAMES,
    NOON,
    NOW,
    NUMBER_WORDS,
    PARTS_OF_DAY,
    RECORDS_THE_PAST,
    RELATIVE_SPAN,
    ROLLED_OVER,
    SAY_WHEN,
    TIME_ONLY,
    TIME_THEN_DAY,
    TOO_LONG,
    WEEKDAYS,
    WHICH_DAY_THIS_WEEK,
    YEAR_WORD,
    ZONE,
    ZONES,
)

# Where the rep writes day before month, and which country's holidays they keep: set for the
# length of one read_when call, so that the rules below need not pass it along.
_conventions: ContextVar[Conventions] = ContextVar(
    "conventions",
    default=conventions_for(None),  # noqa: B039  (frozen, never mutated)
)

# A sentence ends at ., ! or ? followed by a space (not "3 p.m." or "12.15"), or at a new line.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9])[.!?;]+\s+(?=\S)|\n+", re.IGNORECASE)
# Anything that looks like a clock time, valid or not, so an impossible one is refused.
_CLOCK_LIKE = re.compile(
    r"(?<![\d/:.])(\d{1,2}):(\d{1,2})(?![\d:])|(?<![\d/:.])(\d{1,2}) ?([ap])m\b"
)


class _Past(NamedTuple):
    """A day wanted in the past (a screen recording what happened), and the time said with it."""

    at: time | None


class _Moment(NamedTuple):
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
    locale: str | None = None,
) -> WhenReading:
    """Read `text` as a moment in the rep's `zone`, relative to the aware `now`; never raises.
    `locale` is the rep's Slack locale ("en-GB"): it decides whether 05/06 is 5 June or May 6
    and whose holidays "Thanksgiving" names."""
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
    records_the_past = horizon < RECORDS_THE_PAST
    token = _conventions.set(conventions_for(locale))
    try:
        reading = _read_sentences(said, rep_zone, now, earliest, latest, records_the_past)
    except Refused as refusal:
        return WhenReading(said, None, str(refusal))
    except (OverflowError, ValueError):  # arithmetic past year 9999 or before year 1
        reading = None
    finally:
        _conventions.reset(token)
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


def _read_sentences(
    said: str,
    rep_zone: ZoneInfo,
    now: datetime,
    earliest: datetime,
    latest: datetime,
    records_the_past: bool,
) -> _Moment | None:
    """The whole text, or else the one sentence in it that names a moment ("Thu 4pm. Dana to
    confirm"); two sentences that both do are not guessed between."""
    reading = _read(said, rep_zone, now, earliest, latest, records_the_past)
    sentences = [part for part in _SENTENCE_END.split(said) if part.strip()]
    if reading is not None or len(sentences) < 2:
        return reading
    readings = []
    for sentence in sentences:
        try:
            readings.append(_read(sentence, rep_zone, now, earliest, latest, records_the_past))
        except Refused:
            readings.append(None)
    found = [one for one in readings if one is not None]
    return found[0] if len(found) == 1 else None


def _refuse_impossible_clock(phrase: str) -> None:
    for found in _CLOCK_LIKE.finditer(phrase):
        if found[1] is not None:
            hour, minute = int(found[1]), int(found[2])
            if hour > 23 or minute > 59 or len(found[2]) != 2:
                raise Refused(f"{found[0]} is not a time of day: try '3pm' or '15:30'")
        elif not 1 <= int(found[3]) <= 12:
            raise Refused(f"{found[0]} is not a time of day: try '3pm' or '15:30'")


def _read(
    said: str,
    rep_zone: ZoneInfo,
    now: datetime,
    earliest: datetime,
    latest: datetime,
    records_the_past: bool,
) -> _Moment | None:
    phrase = normalise(said)
    zone = rep_zone
    if found := ZONE.search(phrase):
        zone = ZoneInfo(ZONES[found[1]])
        phrase = " ".join((phrase[: found.start()] + phrase[found.end() :]).split())
    _refuse_impossible_clock(phrase)
    if not phrase or names_no_real_day(phrase, day_first=_conventions.get().day_first):
        return None
    if NOW.fullmatch(phrase):
        return _Moment(now.replace(second=0, microsecond=0).astimezone(rep_zone), True)
    if span := CLOCK_SPAN.fullmatch(phrase):
        # Elapsed time, so count in UTC: "in 2 hours" across a DST change is still 2 hours.
        count = 30 if span["half"] else _count(span["count"])
        unit = "minutes" if span["half"] or span["unit"].startswith("m") else "hours"
        elapsed = timedelta(**{unit: count})
        at = now.astimezone(UTC).replace(second=0, microsecond=0)
        at = at + elapsed if span["ahead"] else at - elapsed
        return _Moment(at.astimezone(rep_zone), True)
    base = now.astimezone(zone).replace(second=0, microsecond=0)
    if clock := TIME_ONLY.fullmatch(phrase):
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
        return _Moment(at.astimezone(rep_zone), True)
    found_day = _read_day_and_time(phrase, base, records_the_past)
    if found_day is None:
        return None
    day, at_time = found_day
    local = datetime.combine(day, at_time or DAY_START)
    at = _attach(local, zone)
    counted = RELATIVE_SPAN.fullmatch(strip_lead_ins(phrase))
    if at - now > ROLLED_OVER and not YEAR_WORD.search(phrase) and not counted:
        # A date without a year was moved on to next year because this year's has passed;
        # a caller accepting the recent past (logging a call after the fact) wants this year's.
        with contextlib.suppress(ValueError):  # 29 February
            last_year = _attach(local.replace(year=local.year - 1), zone)
            if last_year >= earliest:
                at = last_year
    return _Moment(at.astimezone(rep_zone), at_time is not None)


def _attach(local: datetime, zone: ZoneInfo) -> datetime:
    # Through UTC so that a wall time that does not exist (the spring-forward gap) moves forward
    # to a real one, and an ambiguous one (fall back) takes its first occurrence.
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


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
    for split in (DAY_THEN_TIME, TIME_THEN_DAY):
        if parts := split.fullmatch(phrase):
            at = _clock_time(parts)
            if found := _read_day(parts["day"], base, _Past(at) if records_the_past else None):
                day = found[0]
                if _means_today(parts["day"], day, at, base) and not records_the_past:
                    day = base.date()
                return day, at
    return _read_day(phrase, base, _Past(None) if records_the_past else None)


def _read_day(
    phrase: str, base: datetime, past: _Past | None = None
) -> tuple[date, time | None] | None:
    """The day a phrase names, with the time it implies (None: the rep gave none). With `past`
    (a screen recording what happened), a weekday alone or a month and day without a year is the
    most recent one rather than the coming one."""
    phrase = strip_lead_ins(phrase)
    if re.fullmatch(r"[0-9]+", phrase):
        # A number alone is not a date; four digits read as a year.
        if len(phrase) == 4:
            raise Refused(year_only(int(phrase)))
        return None
    for pattern, rule in DAY_RULES:
        if found := pattern.fullmatch(phrase):
            return rule(found, base, past)
    if holiday := _holiday(phrase, base):
        return holiday, None
    return dateparser_day(phrase, base, past is not None, day_first=_conventions.get().day_first)


_BARE_WEEKDAY = re.compile(rf"(?:this |coming )?(?P<weekday>{'|'.join(WEEKDAYS)})")


def _means_today(said: str, day: date, at: time, base: datetime) -> bool:
    """A weekday that is today, said with a time still to come today: "Wednesday 3pm" typed on
    Wednesday morning is this afternoon, not next week (docs/dates.md)."""
    found = _BARE_WEEKDAY.fullmatch(strip_lead_ins(said))
    return (
        found is not None
        and WEEKDAYS.index(found["weekday"]) == base.weekday()
        and day == base.date() + timedelta(weeks=1)
        and at > base.time()
    )


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
    return [month[:3].lower() for month in MONTH_NAMES].index(name[:3]) + 1


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
    target = WEEKDAYS.index(found["weekday"])
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
    raise Refused(WHICH_DAY_THIS_WEEK)


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


def _in_months(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, None]:
    # Counted here rather than by dateparser, which drops the years from "in 14 months".
    months = _count(found["count"]) * (12 if found["unit"].startswith("y") else 1)
    year, month = _add_months(base.year, base.month, months)
    return date(year, month, min(base.day, _last_day(year, month).day)), None


def _working_days_ahead(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, None]:
    """The next working day, or the working day `count` of them ahead: weekends and the rep's
    country's holidays are skipped."""
    day, left = base.date(), _count(found.groupdict().get("count") or "1")
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and not is_holiday(day, _conventions.get().country):
            left -= 1
    return day, None


def _same_time(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, time] | None:
    if found["next_week"]:
        return base.date() + timedelta(weeks=1), base.time()
    named = _read_day(found["day"], base, past)
    return (named[0], base.time()) if named else None


def _weekday_the_nth(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, None] | None:
    # "Tuesday the 8th": the next 8th (in the month named, if one is), which must be a Tuesday;
    # one that is not is refused rather than either half guessed.
    wanted, weekday = int(found["day"]), WEEKDAYS.index(found["weekday"])
    today = base.date()
    if found["month"]:
        year, month = today.year, _month_number(found["month"])
        if (month, wanted) < (today.month, today.day):
            year += 1
    else:
        year, month = today.year, today.month
        while wanted > _last_day(year, month).day or date(year, month, wanted) < today:
            year, month = _add_months(year, month, 1)
    if wanted > _last_day(year, month).day:
        return None
    day = date(year, month, wanted)
    if day.weekday() != weekday:
        named = f"{MONTH_NAMES[month - 1][:3]} {wanted}"
        raise Refused(
            f"{named} is a {calendar.day_name[day.weekday()]}, not a {calendar.day_name[weekday]}:"
            " which did you mean?"
        )
    return day, None


_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _nth_weekday_of_month(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, None]:
    weekday, month = WEEKDAYS.index(found["weekday"]), _month_number(found["month"])

    def nth(year: int) -> date:
        if found["nth"] == "last":
            day = _last_day(year, month)
            return day - timedelta(days=(day.weekday() - weekday) % 7)
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=_NTH[found["nth"]] - 1)

    year = int(found["year"] or base.year)
    day = nth(year)
    if not found["year"] and day < base.date():
        day = nth(year + 1)
    return day, None


def _week_of(found: re.Match[str], base: datetime, past: _Past | None) -> tuple[date, None] | None:
    named = _read_day(found["day"], base, past)
    if named is None:
        return None
    monday = _monday(named[0])
    return (monday if monday >= base.date() else named[0]), None


def _numeric_date(
    found: re.Match[str], base: datetime, past: _Past | None
) -> tuple[date, None] | None:
    # In the rep's own order (docs/dates.md); the other order only when it is the one real date.
    first, second = int(found["first"]), int(found["second"])
    day_first = _conventions.get().day_first
    day, month = (first, second) if day_first else (second, first)
    if month > 12 and day <= 12:
        day, month = month, day
    year = found["year"]
    if year is not None:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(full_year, month, day), None
        except ValueError:
            return None
    today = base.date()
    for year_ahead in range(today.year, today.year + 5):  # 29 February is at most 4 years off
        if month <= 12 and day <= _last_day(year_ahead, month).day:
            candidate = date(year_ahead, month, day)
            if past is not None and candidate > today:
                candidate = candidate.replace(year=candidate.year - 1)
                return candidate, None
            if past is not None or candidate >= today:
                return candidate, None
    return None


_RELATIVE_DAYS = {
    "today": 0,
    "tomorrow": 1,
    "overmorrow": 2,
    "day after tomorrow": 2,
    "yesterday": -1,
    "day before yesterday": -2,
}


def _relative_day(found: re.Match[str], base: datetime, _past: _Past | None) -> tuple[date, None]:
    # The commonest day words of all, read here rather than by dateparser: the same days, in a
    # fraction of the time (a plan submission's budget is a few milliseconds).
    return base.date() + timedelta(days=_RELATIVE_DAYS[found["name"]]), None


_HOLIDAY = re.compile(
    r"(?:(?P<after>(?:the )?day after|after) |(?P<before>(?:the )?day before) )?(?P<name>.+)"
)


def _holiday(phrase: str, base: datetime) -> date | None:
    """A holiday of the rep's country by name: its next date; "after" it, the next working day;
    "the day after" or "the day before", that day."""
    found = _HOLIDAY.fullmatch(phrase)
    if found is None:
        return None
    country = _conventions.get().country
    for year in (base.year, base.year + 1):
        day = holiday_on(found["name"], country, year)
        if day is None:
            return None
        if found["after"] and found["after"].endswith("day after"):
            day += timedelta(days=1)
        elif found["after"]:
            day += timedelta(days=1)
            while day.weekday() >= 5 or is_holiday(day, country):
                day += timedelta(days=1)
        elif found["before"]:
            day -= timedelta(days=1)
        if day >= base.date():
            return day
    return None


_QUARTER = r"q(?P<q>[1-4])|(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th) quarter"
_END_OF_DAY = r"end of (?:the )?(?:business )?day"
# A rule reads a matched phrase from `base`; `past` is given where the past is recorded.
_Rule = Callable[[re.Match[str], datetime, _Past | None], tuple[date, time | None] | None]
_WEEKDAY = rf"(?P<weekday>{'|'.join(WEEKDAYS)})"
DAY_RULES: list[tuple[re.Pattern[str], _Rule]] = [
    (re.compile(rf"(?:the )?(?P<name>{'|'.join(_RELATIVE_DAYS)})"), _relative_day),
    (re.compile(rf"in (?P<count>{COUNT}) (?P<unit>months?|years?)"), _in_months),
    (re.compile(r"next (?:working|business|work) day"), _working_days_ahead),
    (re.compile(rf"in (?P<count>{COUNT}) (?:working|business|work) days?"), _working_days_ahead),
    (re.compile(r"same time (?:(?P<next_week>next week)|(?P<day>.+))"), _same_time),
    (
        re.compile(
            rf"{_WEEKDAY},? (?:the )?(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
            rf"(?: (?:of )?(?P<month>{MONTH}))?"
        ),
        _weekday_the_nth,
    ),
    (
        re.compile(
            rf"(?P<nth>first|second|third|fourth|1st|2nd|3rd|4th|last) {_WEEKDAY} (?:in|of) "
            rf"(?P<month>{MONTH})(?: (?P<year>\d{{4}}))?"
        ),
        _nth_weekday_of_month,
    ),
    (re.compile(r"(?:the )?week of (?P<day>.+)"), _week_of),
    (
        re.compile(r"(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?"),
        _numeric_date,
    ),
    (
        re.compile(
            r"(?:(?P<modifier>this coming|coming|this|next) )?"
            rf"(?P<weekday>{'|'.join(WEEKDAYS)})(?: (?P<week>this|next) week)?"
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
            rf"(?:(?P<month>{MONTH})(?: (?P<year>\d{{4}}))?"
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
    (re.compile(rf"(?P<count>{COUNT}) weeks? from (?P<day>.+)"), _weeks_from),
]
