"""Small Block Kit text helpers shared by every view: dates, truncation, quoting."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain import dates

SECTION_TEXT_MAX = 3000
PLAIN_TEXT_FIELD_MAX = 2000


# Where a rep plans, a date shows its weekday ("Tuesday, December 1st at 3:00 PM"): Slack's
# {date_short_pretty} has none, and {date_long_pretty} drops it for "today" and "tomorrow".
MOMENT_TOKEN = "{date_long} at {time}"
DAY_TOKEN = "{date_long}"


def slack_date(at: datetime, zone: str, token: str = MOMENT_TOKEN) -> str:
    """A Slack date token: shown in each reader's own zone; the fallback is in `zone`."""
    fallback = dates.describe(at.astimezone(ZoneInfo(zone)))
    return f"<!date^{int(at.timestamp())}^{token}|{fallback}>"


def short_moment(at: datetime, zone: str) -> str:
    """ "Fri 27 Nov, 2:00 PM": for plain text where a date token cannot go (option labels)."""
    return dates.describe(at.astimezone(ZoneInfo(zone)), with_year=False, with_zone=False)


def zone_label(zone: str, at: datetime) -> str:
    """ "Asia/Tokyo (JST)": the IANA name a rep recognises and the abbreviation they see daily."""
    abbreviation = at.astimezone(ZoneInfo(zone)).tzname()
    if not abbreviation or abbreviation.startswith(("+", "-")) or abbreviation == zone:
        return zone
    return f"{zone} ({abbreviation})"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Slack's mrkdwn needs only these three escaped; user text must not become a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str, limit: int = SECTION_TEXT_MAX - 100) -> str:
    """User text as a mrkdwn block quote, cut to fit a section."""
    return "\n".join("> " + line for line in escape(truncate(text, limit)).splitlines() or [">"])


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`noun` as `count` of it reads: "1 outcome", "2 outcomes" (the count not included)."""
    return noun if count == 1 else many or f"{noun}s"
