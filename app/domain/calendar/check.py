"""The connect form's check of a pasted address: fetch it now, read it, count what is coming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.calendar.address import normalize_address
from app.domain.calendar.feed import FeedReading, Window, read_feed
from app.domain.calendar.fetch import fetch_feed
from app.domain.calendar.policy import FeedPolicy

UPCOMING_DAYS = 14  # what "upcoming" means on the form, and the import's horizon


@dataclass(frozen=True)
class CheckedFeed:
    address: str  # normalized (webcal:// made https://)
    reading: FeedReading
    etag: str | None
    last_modified: str | None

    @property
    def upcoming(self) -> int:
        return len(self.reading.meetings)


def upcoming_window(now: datetime, days: int = UPCOMING_DAYS) -> Window:
    return Window(now, now + timedelta(days=days))


def check_feed(
    text: str,
    policy: FeedPolicy,
    *,
    rep_addresses: frozenset[str],
    company_domains: frozenset[str],
    now: datetime,
    rep_zone: str,
) -> CheckedFeed:
    """The address as it will be stored and what it holds; FeedProblem saying what is wrong."""
    address = normalize_address(text, allow_http=policy.allow_http)
    fetched = fetch_feed(address, policy, seconds=policy.check_seconds)
    reading = read_feed(
        fetched.body or b"",
        rep_addresses=rep_addresses,
        company_domains=company_domains,
        window=upcoming_window(now),
        rep_zone=rep_zone,
    )
    return CheckedFeed(address, reading, fetched.etag, fetched.last_modified)
