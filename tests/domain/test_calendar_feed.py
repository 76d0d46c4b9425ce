"""The feed reader: fixture feeds in Google's and Outlook's shapes -> the external meetings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.calendar.feed import EventKey, FeedReading, Ignored, Window, read_feed
from app.domain.calendar.problems import FeedProblem, Problem
from tests.support.feeds import fixture_feed

COMPANY = frozenset({"northwind.com"})
SEASON = Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC))
WEEK = Window(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 12, tzinfo=UTC))
SERIES = "acme-weekly@google.com"


def read(
    name: str,
    window: Window = WEEK,
    zone: str = "America/New_York",
    rep: frozenset[str] = frozenset(),
    company: frozenset[str] = COMPANY,
) -> FeedReading:
    return read_feed(
        fixture_feed(name), rep_addresses=rep, company_domains=company, window=window, rep_zone=zone
    )


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_weekly_series_keeps_its_local_hour_across_both_dst_changes() -> None:
    series = [m for m in read("google.ics", SEASON).meetings if m.key.uid == SERIES]
    starts = {m.starts_at for m in series}
    # 10:00 in New York: 14:00 UTC in summer time, 15:00 UTC in winter time.
    assert utc(2026, 10, 27, 14) in starts  # before 1 November
    assert utc(2026, 11, 3, 15) in starts  # after it
    assert utc(2027, 3, 9, 15) in starts  # before 14 March
    assert utc(2027, 3, 16, 14) in starts  # after it
    assert all(m.ends_at - m.starts_at == timedelta(hours=1) for m in series)


def test_exdate_removes_an_occurrence_and_recurrence_id_moves_one() -> None:
    series = {m.key: m for m in read("google.ics", SEASON).meetings if m.key.uid == SERIES}
    assert not any(m.starts_at.date() == datetime(2026, 11, 24).date() for m in series.values())
    moved = series[EventKey(SERIES, "20261208T150000Z")]  # keyed by its original start
    assert moved.starts_at == utc(2026, 12, 9, 21)  # Wednesday 16:00 in New York
    assert moved.title == "Acme weekly sync (moved)"
    assert not any(m.starts_at == utc(2026, 12, 8, 15) for m in series.values())


def test_a_cancelled_occurrence_and_a_cancelled_event_are_ignored_but_their_keys_kept() -> None:
    reading = read("google.ics", SEASON)
    assert EventKey(SERIES, "20261215T150000Z") in reading.cancelled
    assert EventKey("hooli-demo@google.com") in reading.cancelled
    assert reading.ignored[Ignored.CANCELLED] == 2
    keys = {m.key for m in reading.meetings}
    assert EventKey(SERIES, "20261215T150000Z") not in keys
    assert all(m.key.uid != "hooli-demo@google.com" for m in reading.meetings)


def test_reading_twice_finds_the_same_keys() -> None:
    first = [m.key for m in read("google.ics", SEASON).meetings]
    assert first == [m.key for m in read("google.ics", SEASON).meetings]
    assert len(set(first)) == len(first)
    # A single event has no recurrence id; each occurrence of a series has its own.
    assert EventKey("globex-intro@google.com") in first


def test_what_is_ignored_and_why() -> None:
    reading = read("google.ics")
    titles = [m.title for m in reading.meetings]
    assert titles == [
        "Acme weekly sync",
        "Globex intro",
        "Acme weekly sync (moved)",
        "Coffee with Sam",
    ]
    assert reading.ignored == {
        Ignored.DECLINED: 1,  # Initech pitch
        Ignored.INTERNAL: 1,  # Pipeline review
        Ignored.ALL_DAY: 1,  # the offsite
        Ignored.CANCELLED: 1,  # the Hooli demo (the cancelled occurrence is past this window)
    }


def test_the_declined_event_is_the_reps_own_answer_named_by_their_address() -> None:
    # Without the calendar's name (Google names it after its owner) the rep's address decides.
    feed = fixture_feed("google.ics").replace(
        b"X-WR-CALNAME:ana@northwind.com", b"X-WR-CALNAME:Ana"
    )

    def titles(rep: frozenset[str]) -> list[str]:
        reading = read_feed(
            feed, rep_addresses=rep, company_domains=COMPANY, window=WEEK, rep_zone="UTC"
        )
        return [m.title for m in reading.meetings]

    assert "Initech pitch" in titles(frozenset())
    assert "Initech pitch" not in titles(frozenset({"Ana@Northwind.com"}))


def test_the_account_is_named_from_the_guests_domain_and_the_attendees_are_kept() -> None:
    meetings = {m.title: m for m in read("google.ics").meetings}
    globex = meetings["Globex intro"]
    assert (globex.account_name, globex.account_domain) == ("Globex", "globex.co.uk")
    people = {(a.email, a.name, a.external, a.response, a.organizer) for a in globex.attendees}
    assert people == {
        ("jo@eu.globex.co.uk", "Jo Banks", True, "ACCEPTED", True),
        ("ana@northwind.com", "Ana Ortiz", False, "NEEDS-ACTION", False),
        (None, "Boardroom 4", False, "ACCEPTED", False),  # an attendee with no address
    }
    acme = meetings["Acme weekly sync"]
    assert (acme.account_name, acme.account_domain) == ("Acme", "acme.com")
    # A subdomain of the company's domain is the company: carol is a colleague.
    assert {a.email: a.external for a in acme.attendees}["carol@eu.northwind.com"] is False
    # Personal mail says nothing about a company: the person names the account.
    sam = meetings["Coffee with Sam"]
    assert (sam.account_name, sam.account_domain) == ("Sam Lee", None)
    assert sam.ends_at - sam.starts_at == timedelta(minutes=30)  # from DURATION


def test_without_the_company_domains_colleagues_look_external() -> None:
    reading = read("google.ics", company=frozenset())
    assert "Pipeline review" in [m.title for m in reading.meetings]


def test_outlook_zones_windows_names_with_and_without_vtimezone() -> None:
    meetings = {m.title: m for m in read("outlook.ics").meetings}
    umbrella = meetings["Umbrella quarterly review"]  # W. Europe Standard Time, defined
    assert (umbrella.starts_at, umbrella.zone_guessed) == (utc(2026, 12, 3, 13), False)
    soylent = meetings["Soylent call"]  # Pacific Standard Time, no VTIMEZONE
    assert (soylent.starts_at, soylent.zone_guessed) == (utc(2026, 12, 4, 17), False)
    assert soylent.account_name == "Soylent"


@pytest.mark.parametrize(
    ("zone", "stark_utc"),
    [("America/New_York", utc(2026, 12, 4, 16)), ("Asia/Tokyo", utc(2026, 12, 4, 2))],
)
def test_a_time_with_no_zone_is_read_in_the_reps_zone_and_flagged(zone, stark_utc) -> None:
    meetings = {m.title: m for m in read("outlook.ics", zone=zone).meetings}
    stark = meetings["Stark negotiation"]  # Outlook's "Customized Time Zone": no definition
    assert (stark.starts_at, stark.zone_guessed) == (stark_utc, True)
    wayne = meetings["Wayne lunch"]  # a floating time
    assert wayne.zone_guessed
    assert wayne.starts_at == stark_utc + timedelta(days=1, hours=1)


def test_googles_calendar_zone_applies_to_floating_times() -> None:
    feed = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VEVENT
UID:floating-in-berlin
DTSTART:20261203T100000
DTEND:20261203T110000
ATTENDEE:mailto:guest@acme.com
END:VEVENT
END:VCALENDAR
"""
    (meeting,) = read_feed(
        feed, rep_addresses=frozenset(), company_domains=COMPANY, window=WEEK, rep_zone="UTC"
    ).meetings
    assert meeting.starts_at == utc(2026, 12, 3, 9)


def test_only_meetings_starting_in_the_window() -> None:
    window = Window(utc(2026, 12, 3, 15, 30), utc(2026, 12, 9, 0))
    titles = [m.title for m in read("google.ics", window).meetings]
    assert titles == []  # the Globex intro began before the window; the moved sync is after it
    window = Window(utc(2026, 12, 3, 15), utc(2026, 12, 10))
    assert [m.title for m in read("google.ics", window).meetings] == [
        "Globex intro",
        "Acme weekly sync (moved)",
    ]


@pytest.mark.parametrize(
    "feed",
    [b"", b"<html><body>Sign in</body></html>", b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n"],
    ids=["empty", "html", "vcard"],
)
def test_not_a_calendar(feed: bytes) -> None:
    with pytest.raises(FeedProblem) as raised:
        read_feed(
            feed, rep_addresses=frozenset(), company_domains=COMPANY, window=WEEK, rep_zone="UTC"
        )
    assert raised.value.problem is Problem.NOT_A_CALENDAR
