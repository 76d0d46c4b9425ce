"""Reading when: a rep's plain words as a moment, and whether free text says when at all.

vocabulary (the words), normalise (one spelling), reading (the product's rules), fallback
(dateparser), describe (the read-back), mentions (says_when, for the coach), locales, holiday_names.
"""

from app.domain.dates.describe import describe
from app.domain.dates.mentions import (
    mentions_time,
    reads_when,
    says_when,
    time_mention,
    when_words,
)
from app.domain.dates.reading import WhenReading, find_when_phrase, read_when, warm_up
from app.domain.dates.vocabulary import (
    ADD_A_TIME,
    EXAMPLES,
    SAY_WHEN,
    TOO_LONG,
    WHICH_DAY_THIS_WEEK,
)

__all__ = [
    "ADD_A_TIME",
    "EXAMPLES",
    "SAY_WHEN",
    "TOO_LONG",
    "WHICH_DAY_THIS_WEEK",
    "WhenReading",
    "describe",
    "find_when_phrase",
    "mentions_time",
    "read_when",
    "reads_when",
    "says_when",
    "time_mention",
    "warm_up",
    "when_words",
]
