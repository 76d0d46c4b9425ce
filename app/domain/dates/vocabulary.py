"""The words reps use for when: weekdays, months, spans, shorthand, lead words, zones, clock times.

One table serves both the reader (reading.py) and the check that a text says when (mentions.py).
"""

from __future__ import annotations

import calendar
import re
from datetime import time, timedelta

MAX_LENGTH = 200
# Further ahead than this, a date without a year can only be next year's: this year's passed.
ROLLED_OVER = timedelta(days=300)
# A caller whose horizon is shorter records what already happened (the horizon only allows for
# clocks and zones), so a moment beyond it is "in the future" rather than "too far ahead".
RECORDS_THE_PAST = timedelta(days=1)
DAY_START = time(9)  # a day named without a time
DAY_END = time(17)  # EOD, EOW, end of month, end of quarter
NOON = time(12)
PARTS_OF_DAY = {"morning": time(9), "afternoon": time(14), "evening": time(18), "night": time(20)}

EXAMPLES = "'next Tuesday 3pm' or '12/15'"
SAY_WHEN = f"Say when, e.g. {EXAMPLES}"
TOO_LONG = f"That is too long for a date ({MAX_LENGTH} characters at most): try {EXAMPLES}"
ADD_A_TIME = "Add a time for today, e.g. 'today 3pm'"
WHICH_DAY_THIS_WEEK = "Which day this week? Try 'Thursday 2pm' or 'EOW'"

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = tuple(calendar.month_name[1:])
WEEKDAYS = tuple(name.lower() for name in calendar.day_name)

# Generic US zone names follow daylight saving; abbreviations that say S or D are exact offsets.
# Etc/GMT signs are inverted by POSIX convention: Etc/GMT+5 is UTC-5.
ZONES = {
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
ZONE = re.compile(rf"(?<!\S)({'|'.join(ZONES)})(?: time)?(?!\S)")

# Shorthand expanded before reading, so the rules below and dateparser see one spelling.
SHORTHAND = {
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
    "evng": "evening",
    "arvo": "afternoon",
    "wk": "week",
    "wks": "weeks",
    "xmas": "christmas",
    "w/c": "week of",
    # Misspellings reps make often enough to read
    "wendsday": "wednesday",
    "wensday": "wednesday",
    "wednsday": "wednesday",
    "wedensday": "wednesday",
    "thrusday": "thursday",
    "thursay": "thursday",
    "tusday": "tuesday",
    "tuseday": "tuesday",
    "firday": "friday",
    "fridy": "friday",
    "munday": "monday",
    "febuary": "february",
    "feburary": "february",
    "janurary": "january",
    "januray": "january",
    "agust": "august",
    "septmber": "september",
    "novmber": "november",
    "decmber": "december",
    "sept": "september",
    "eod": "end of day",
    "eob": "end of day",
    "cob": "end of day",
    "eow": "end of week",
    "eom": "end of month",
    "eoq": "end of quarter",
    "eoy": "end of year",
}
SHORTHAND_WORD = re.compile(rf"(?<![\w/])(?:{'|'.join(map(re.escape, SHORTHAND))})(?![\w/])")

# Emoji, Slack markup (*bold*, _italic_, ~strike~, `code`) and other symbols are not part of a date.
MARKUP_OR_SYMBOL = re.compile(r"[^\w\s/:.,'’@+-]|[_*~`]")

_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# A count of something: "2 weeks", "a few days", "twelve hours".
_COUNTED = (
    r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|(?:a )?few|(?:a )?couple|several) [a-z]"
)
# Everyday phrasings brought to one the rules read, in this order.
PHRASINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"’", "'"),
        (rf"\b({_DAYS}|today|tomorrow|week|month)'s\b", r"\1"),  # "Thursday's demo"
        (r"\b(day|week|month|quarter|year) end\b", r"end of \1"),  # "by month-end"
        (r"^(\S+ (?:days?|weeks?|months?)) out$", r"in \1"),  # "2 weeks out"
        (r"\bthis (morning|afternoon|evening|night)\b", r"today \1"),
        (r"\bclose of (?:business|play)\b", "end of day"),
        (r"^within ", "in "),
        # "in the next 2 weeks" sets the same deadline as "in 2 weeks".
        (
            rf"^(?:inside(?: of)?|in the next|over the next|the next|next|coming) (?={_COUNTED})",
            "in ",
        ),
        (r"^(.+) from now$", r"in \1"),
        (r"^(?:1st|first) thing (?:on )?", ""),
        (r" first thing$", ""),
        (r"\b(?:a )?couple(?: of)?\b", "2"),
        (r"\b(?:a )?few\b", "3"),
        (r"\b(?:by|before) (?:the )?(?:weekend|end of (?:the )?week)\b", "end of week"),
        (r"\b([01]?\d|2\d)h([0-5]\d)?\b", r"\1:\2"),
        (r":(?= |$)", ":00"),
        (r"^(monday|tuesday|wednesday|thursday|friday) week$", r"a week from \1"),
        (r"^week (?:commencing|beginning) ", "week of "),
        # A bare hour after a weekday is a time of day ("next tues 3"), not the 3rd.
        (rf"^((?:(?:next|this|coming) )?(?:{_DAYS})) (1[0-2]|[1-9])(?: ([ap]m))?$", r"\1 at \2\3"),
        (rf"^next week ({_DAYS})$", r"\1 next week"),
        (r"\b(christmas|new year's|thanksgiving|memorial|labor|labour|boxing) day\b", r"\1"),
    )
]

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
NUMBER_WORDS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
COUNT = rf"\d{{1,3}}|{'|'.join(NUMBER_WORDS)}"

# Words that introduce a date without changing it ("by Friday", "on the 15th", "in Q1").
# "in" stays when it starts a span ("in 3 days", "in a fortnight").
LEAD_IN = re.compile(
    rf"(?:by|on|before|around|until|till|due|for|no later than|the|in(?! (?:{COUNT}|half|few)\b)) "
)

MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
MONTH_WORD = re.compile(rf"\b(?:{MONTH}|month)\b")
YEAR_WORD = re.compile(r"\b(?:\d{4}|years?)\b")
RELATIVE_SPAN = re.compile(rf"in (?:{COUNT}) (?:months?|years?)")

# A time of day. Without am/pm, 1 to 6 is afternoon: sales calls happen in working hours.
CLOCK = (
    r"(?:(?:at )?(?:"
    r"(?P<h12>1[0-2]|0?[1-9])(?::(?P<m12>[0-5]\d))? ?(?P<ampm>[ap])m?"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)"
    r"|(?P<noon>noon|midday|lunchtime|lunch)"
    rf"|(?:in the )?(?P<part>{'|'.join(PARTS_OF_DAY)}))"
    r"|at (?P<hour>1[0-2]|0?[1-9]))"
)
TIME_ONLY = re.compile(CLOCK)
DAY_THEN_TIME = re.compile(rf"(?P<day>.+?) {CLOCK}")
TIME_THEN_DAY = re.compile(rf"{CLOCK} (?P<day>.+)")
# "in 2 hours" or "2 hours ago", not "2 hours": the conditional asks for "ago" unless "in" led.
CLOCK_SPAN = re.compile(
    rf"(?P<ahead>in )?(?:(?P<count>{COUNT}) (?P<unit>hours?|hrs?|minutes?|mins?)"
    r"|(?P<half>half an hour))(?(ahead)| ago)"
)
NOW = re.compile(r"(?:right |just )?now")
# A numeric date: "12/1" (month first), "15/12" (the first cannot be a month), "2026-12-01".
NUMERIC_DAY = re.compile(
    r"(?<![\w/-])(?:(?P<first>\d{1,2})(?P<sep>[/-])(?P<second>\d{1,2})(?:(?P=sep)\d{2}(?:\d{2})?)?"
    r"|\d{4}-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2}))(?![\w/-])"
)
