"""The feed reader: fixture feeds in Google's and Outlook's shapes -> the external meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.calendar import feed as feed_module
from app.domain.calendar.feed import EventKey, FeedReading, Ignored, Window, read_feed
from app.domain.calendar.policy import FeedPolicy
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


def read_bytes(feed: bytes, window: Window = WEEK, zone: str = "UTC") -> FeedReading:
    return read_feed(
        feed, rep_addresses=frozenset(), company_domains=COMPANY, window=window, rep_zone=zone
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
    (meeting,) = read_bytes(feed).meetings
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
        read_bytes(feed)
    assert raised.value.problem is Problem.NOT_A_CALENDAR


# Outlook's published calendar: a Windows-zoned weekly series in Berlin, a cancelled series in
# "Pacific Standard Time" (no VTIMEZONE), and a "Customized Time Zone" defined by nothing.
CONTOSO = "040000008200E00074C5B7101A82E00800000000D3E4F5A6B7C8"
FABRIKAM = "040000008200E00074C5B7101A82E00800000000E4F5A6B7C8D9"
WINTER = Window(utc(2026, 10, 1), utc(2027, 4, 10))
BERLIN = "Europe/Berlin"


def test_an_outlook_series_keeps_its_berlin_hour_across_both_dst_changes() -> None:
    reading = read("outlook_series.ics", WINTER, zone=BERLIN)
    series = [m for m in reading.meetings if m.key.uid == CONTOSO]
    starts = {m.starts_at for m in series}
    # 14:00 in Berlin: 12:00 UTC in summer time, 13:00 UTC in winter time.
    assert utc(2026, 10, 22, 12) in starts  # before 25 October
    assert utc(2026, 10, 29, 13) in starts  # after it
    assert utc(2027, 3, 25, 13) in starts  # before 28 March
    assert utc(2027, 4, 1, 12) in starts  # after it
    assert not any(m.zone_guessed for m in series)
    assert utc(2026, 11, 5, 13) not in starts  # the EXDATE
    moved = {m.key: m for m in series}[EventKey(CONTOSO, "20261210T130000Z")]
    assert (moved.starts_at, moved.title) == (
        utc(2026, 12, 11, 8),
        "Contoso weekly (Friday this week)",
    )
    assert utc(2026, 12, 10, 13) not in starts
    # 1 Oct to 8 Apr is 28 Thursdays; less the EXDATE and the cancelled one (the moved stays).
    assert len(series) == 26
    assert len({m.key for m in series}) == 26


def test_a_cancelled_occurrence_and_a_cancelled_series_give_their_keys() -> None:
    reading = read("outlook_series.ics", WINTER, zone=BERLIN)
    assert EventKey(CONTOSO, "20270114T130000Z") in reading.cancelled
    # A cancelled series: each occurrence's key (10:00 in Los Angeles is 18:00 UTC).
    assert [k for k in reading.cancelled if k.uid == FABRIKAM] == [
        EventKey(FABRIKAM, f"202612{day}T180000Z") for day in ("07", "14", "21", "28")
    ]
    assert reading.ignored[Ignored.CANCELLED] == 5
    assert not any(m.key.uid == FABRIKAM for m in reading.meetings)


def test_the_organizer_listed_again_and_an_attendee_without_an_address_count_once() -> None:
    reading = read("outlook_series.ics", WEEK, zone=BERLIN, rep=frozenset({"ana@northwind.com"}))
    first = next(m for m in reading.meetings if m.key.uid == CONTOSO)
    people = [(a.email, a.external, a.response, a.organizer) for a in first.attendees]
    assert people == [
        ("ana@northwind.com", False, "ACCEPTED", True),
        ("hana@contoso.co.jp", True, "ACCEPTED", False),
        (None, False, None, False),  # the projector: `invalid:nomail`, named
    ]
    assert (first.account_name, first.account_domain) == ("Contoso", "contoso.co.jp")


@pytest.mark.parametrize(
    ("zone", "starts"),
    [(BERLIN, utc(2026, 12, 9, 14)), ("America/Chicago", utc(2026, 12, 9, 21))],
)
def test_a_customized_time_zone_defined_by_nothing_is_read_in_the_reps_zone(zone, starts) -> None:
    # Its empty VTIMEZONE once made the whole feed unreadable; now only its times are guessed.
    meetings = {m.title: m for m in read("outlook_series.ics", WEEK, zone=zone).meetings}
    pricing = meetings["Contoso pricing"]
    assert (pricing.starts_at, pricing.ends_at, pricing.zone_guessed) == (
        starts,
        starts + timedelta(hours=1),
        True,
    )
    assert not meetings["Contoso weekly"].zone_guessed


def test_one_feeds_zone_definitions_never_apply_to_anothers() -> None:
    # icalendar caches VTIMEZONEs by TZID for the whole process: another rep's definition of
    # "Customized Time Zone" must not become this rep's.
    other = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VTIMEZONE\r
TZID:Customized Time Zone\r
BEGIN:STANDARD\r
DTSTART:16010101T000000\r
TZOFFSETFROM:+0530\r
TZOFFSETTO:+0530\r
END:STANDARD\r
END:VTIMEZONE\r
END:VCALENDAR\r
"""
    read_bytes(other)
    stark = {m.title: m for m in read("outlook.ics").meetings}["Stark negotiation"]
    assert (stark.starts_at, stark.zone_guessed) == (utc(2026, 12, 4, 16), True)


def test_a_floating_series_is_keyed_by_its_own_time_whatever_the_reps_zone() -> None:
    feed = b"""BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:floating-series
DTSTART:20261202T090000
DTEND:20261202T100000
RRULE:FREQ=DAILY;COUNT=2
ATTENDEE:mailto:guest@acme.com
END:VEVENT
END:VCALENDAR
"""

    def keys(zone: str) -> list[str]:
        reading = read_bytes(feed, zone=zone)
        return [m.key.text for m in reading.meetings]

    expected = ["floating-series#20261202T090000", "floating-series#20261203T090000"]
    assert keys("Asia/Tokyo") == keys("America/New_York") == expected


AWAY_WINDOW = Window(utc(2026, 12, 1), utc(2026, 12, 20))


def day(number: int) -> date:
    return date(2026, 12, number)


def test_out_of_office_events_give_the_reps_away_dates_and_are_no_meetings() -> None:
    reading = read("away.ics", AWAY_WINDOW, zone=BERLIN, rep=frozenset({"ana@northwind.com"}))
    assert {d: k.uid for d, k in reading.away.items()} == {
        day(3): "away-oof-all-day",  # all-day, Outlook's OOF
        day(7): "away-oof-timed",  # timed OOF, Monday 09:00 to Wednesday 17:00
        day(8): "away-oof-timed",
        day(9): "away-oof-timed",
        day(10): "away-oof-evening",  # ends at midnight: not the 11th
        day(14): "away-vacation",  # all-day, titled so; DTEND (the 16th) is exclusive
        day(15): "away-vacation",
        day(17): "away-google-ooo@google.com",  # Google's: timed, no guests, titled so
        day(18): "away-google-ooo@google.com",
    }
    assert list(reading.away) == sorted(reading.away)
    assert [m.title for m in reading.meetings] == ["Holiday planning with Acme"]
    assert reading.ignored == {
        Ignored.AWAY: 5,
        # The offsite, the laptop refresh ("pto" is no word in it), the cancelled PTO, and
        # Bob's OOO, which Bob sent the rep: his absence, not hers.
        Ignored.ALL_DAY: 4,
    }


def test_away_dates_are_those_in_the_window_in_the_reps_zone() -> None:
    window = Window(utc(2026, 12, 8), utc(2026, 12, 15))  # 01:00 on the 8th to 01:00 on the 15th
    reading = read("away.ics", window, zone=BERLIN)
    assert list(reading.away) == [day(8), day(9), day(10), day(14), day(15)]
    # In Los Angeles the Google event (08:00 UTC the 17th to 17:00 UTC the 18th) is the 17th
    # at 00:00 to the 18th at 09:00.
    reading = read("away.ics", AWAY_WINDOW, zone="America/Los_Angeles")
    assert [d for d, k in reading.away.items() if k.uid.startswith("away-google")] == [
        day(17),
        day(18),
    ]


@pytest.mark.parametrize(
    ("summary", "away"),
    [
        ("OOO", True),
        ("ooo - dentist", True),
        ("Out of Office", True),
        ("Out of the office", True),
        ("PTO", True),
        ("Annual leave", True),
        ("On leave", True),
        ("Public holiday", True),
        ("Sick", True),
        ("Day off", True),
        ("Laptop refresh", False),
        ("Photography workshop", False),
        ("Leaves of absence policy review", False),
        ("Boston trip", False),
    ],
)
def test_an_all_day_event_is_away_when_its_title_says_so(summary: str, away: bool) -> None:
    feed = f"""BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:all-day
SUMMARY:{summary}
DTSTART;VALUE=DATE:20261202
DTEND;VALUE=DATE:20261203
END:VEVENT
END:VCALENDAR
""".encode()
    reading = read_bytes(feed, zone=BERLIN)
    assert (day(2) in reading.away) is away


def test_ten_thousand_events_are_read_within_the_policys_bounds() -> None:
    # One meeting an hour from 1 June 2026: 10,000 hours reach into July 2027.
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    first = utc(2026, 6, 1)
    for number in range(10_000):
        starts = first + timedelta(hours=number)
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{number}@example.com",
            f"DTSTART:{starts:%Y%m%dT%H%M%SZ}",
            f"DTEND:{starts + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Call {number}",
            "ORGANIZER:mailto:ana@northwind.com",
            f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Guest {number}:mailto:guest{number}@acme.com",
            "END:VEVENT",
        ]
    feed = "\r\n".join([*lines, "END:VCALENDAR", ""]).encode()
    assert len(feed) < FeedPolicy().max_bytes
    window = Window(utc(2026, 12, 1), utc(2026, 12, 15))
    reading = read_bytes(feed, window)
    assert len(reading.meetings) == 14 * 24
    assert reading.meetings[0].starts_at == window.start
    assert len({m.key for m in reading.meetings}) == 14 * 24


@pytest.mark.parametrize(
    "feed",
    [
        b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:2026120\nEND:VEVENT\nEND:VCALENDAR\n",
        b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20261202T090000Z\n"
        b"RRULE:FREQ=SOMETIMES\nEND:VEVENT\nEND:VCALENDAR\n",
        b"END:VCALENDAR\nBEGIN:VCALENDAR\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
    ids=["bad-date", "bad-rrule", "inside-out", "binary"],
)
def test_a_malformed_feed_is_not_a_calendar(feed: bytes) -> None:
    with pytest.raises(FeedProblem) as raised:
        read_bytes(feed)
    assert raised.value.problem is Problem.NOT_A_CALENDAR


@pytest.mark.parametrize(
    "tzid",
    [
        '"W. Europe Standard Time"',  # quoted, as some Outlook versions write it
        "Romance Standard Time",  # Paris, by its Windows name, no VTIMEZONE
        "Europe/Berlin",  # an IANA name, no VTIMEZONE
        "/freeassociation.sourceforge.net/Europe/Berlin",  # libical's globally unique form
    ],
)
# icalendar warns that it guessed the last: the guess is the one wanted.
@pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")
def test_a_zone_named_without_a_definition_is_resolved(tzid: str) -> None:
    feed = f"""BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:named-zone
DTSTART;TZID={tzid}:20261203T100000
DTEND;TZID={tzid}:20261203T110000
ATTENDEE:mailto:guest@acme.com
END:VEVENT
END:VCALENDAR
""".encode()
    (meeting,) = read_bytes(feed).meetings
    assert (meeting.starts_at, meeting.zone_guessed) == (utc(2026, 12, 3, 9), False)


def test_one_broken_event_loses_only_itself() -> None:
    """A repeat rule no library can read (a thirteenth month) leaves out that series alone:
    the other meetings are read, and the broken one is named so what came of it stays."""
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:America/New_York\r\n"
        b"BEGIN:VEVENT\r\nUID:good@example.com\r\nDTSTART:20261208T150000Z\r\n"
        b"DTEND:20261208T160000Z\r\nSUMMARY:Initech demo\r\n"
        b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@initech.com\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:broken@example.com\r\nDTSTART:20261209T150000Z\r\n"
        b"DTEND:20261209T160000Z\r\nRRULE:FREQ=WEEKLY;UNTIL=20261301T000000Z\r\n"
        b"SUMMARY:Hooli weekly\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:sam@hooli.com\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    reading = read_bytes(feed)
    assert [meeting.account_name for meeting in reading.meetings] == ["Initech"]
    assert reading.meetings[0].starts_at == utc(2026, 12, 8, 15)
    assert reading.ignored == {Ignored.UNREADABLE: 1}
    assert reading.unreadable == {"broken@example.com"}
    assert reading.is_unreadable("broken@example.com#20261216T150000Z")
    assert not reading.is_unreadable("good@example.com")


# Reading only the events near the window (`events_near`) must read exactly what the whole
# feed reads: compared with the same reading of the whole feed, over the fixtures, written
# history, and events generated at the window's edges in every form a time is written.


def read_whole(monkeypatch: pytest.MonkeyPatch, feed: bytes, window: Window, zone: str):
    with monkeypatch.context() as patched:
        patched.setattr(feed_module, "events_near", lambda feed, window: (feed, 0))
        return read_feed(
            feed, rep_addresses=frozenset(), company_domains=COMPANY, window=window, rep_zone=zone
        )


def windows_over(first: datetime, days: int, length: timedelta) -> list[Window]:
    starts = [first + timedelta(hours=17 * n) for n in range(days * 24 // 17)]
    return [Window(start, start + length) for start in starts]


@pytest.mark.parametrize("name", ["google.ics", "outlook.ics", "outlook_series.ics", "away.ics"])
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14, UTC-11
@pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")
def test_the_fixtures_read_the_same_from_the_events_near_the_window(
    monkeypatch: pytest.MonkeyPatch, name: str, zone: str
) -> None:
    feed = fixture_feed(name)
    # Windows a day and a half long every 17 hours over the fixtures' events (30 Nov-18 Dec).
    for window in windows_over(utc(2026, 11, 27), 24, timedelta(hours=36)):
        assert read_bytes(feed, window, zone) == read_whole(monkeypatch, feed, window, zone)


def test_a_feed_of_years_builds_only_the_events_near_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Google's feed is the calendar's whole history: a meeting every weekday for three years,
    a weekly series from the first of them with one occurrence moved far away, an all-day
    leave spanning the window and a time zone quoted with a colon in it."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    first = utc(2024, 6, 3, 15)
    calls = 0
    for number in range(0, 3 * 365):
        starts = first + timedelta(days=number)
        if starts.weekday() < 5:
            calls += 1
            lines += [
                "BEGIN:VEVENT",
                f"UID:call-{number}@example.com",
                f"DTSTART:{starts:%Y%m%dT%H%M%SZ}",
                "DURATION:PT45M",
                f"SUMMARY:Call {number}",
                f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:buyer{number % 7}@acme{number % 5}.com",
                "END:VEVENT",
            ]
    lines += [
        "BEGIN:VEVENT",
        "UID:weekly@example.com",
        f"DTSTART:{first:%Y%m%dT%H%M%SZ}",
        f"DTEND:{first + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
        "RRULE:FREQ=WEEKLY",
        "SUMMARY:Initech weekly",
        "ATTENDEE:mailto:dana@initech.com",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:weekly@example.com",
        "RECURRENCE-ID:20261207T150000Z",  # this week's, moved to March
        "DTSTART:20270301T150000Z",
        "DTEND:20270301T160000Z",
        "SUMMARY:Initech weekly",
        "ATTENDEE:mailto:dana@initech.com",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:leave@example.com",
        "DTSTART;VALUE=DATE:20261120",
        "DTEND;VALUE=DATE:20261215",
        "SUMMARY:Parental leave",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:quoted@example.com",
        'DTSTART;TZID="(UTC+01:00) Amsterdam, Berlin":20261204T100000',
        'DTEND;TZID="(UTC+01:00) Amsterdam, Berlin":20261204T110000',
        "SUMMARY:Hooli",
        "ATTENDEE:mailto:sam@hooli.com",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    feed = "\r\n".join(lines).encode()
    window = Window(utc(2026, 12, 2), utc(2026, 12, 16))

    near, left_out = feed_module.events_near(feed, window)
    reading = read_bytes(feed, window)

    assert reading == read_whole(monkeypatch, feed, window, "UTC")
    assert len(near) < len(feed) / 20  # the history is not built
    # Every weekday's call but those from 30 Nov to 17 Dec: the window and a day either side.
    assert left_out == calls - 14
    assert len([m for m in reading.meetings if m.key.uid.startswith("call-")]) == 10
    keys = {meeting.key for meeting in reading.meetings}
    # The Monday series from 2024: 7 Dec's occurrence moved out of the window, 14 Dec's in it.
    assert EventKey("weekly@example.com", "20261214T150000Z") in keys
    assert EventKey("weekly@example.com", "20261207T150000Z") not in keys
    assert set(reading.away) == {date(2026, 12, day) for day in range(2, 15)}
    assert "quoted@example.com" in {meeting.key.uid for meeting in reading.meetings}


# A time as a feed may write it, the zones farthest from UTC among them.
_WRITTEN_ZONES = ["Z", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York", None]


@st.composite
def _edge_event(draw) -> str:
    """One event starting up to three days either side of WEEK's start or end, written in
    UTC, in a zone (named with or without quotes) or floating, or as a date; ending by DTEND,
    DURATION (even a negative one) or neither."""
    edge = draw(st.sampled_from([WEEK.start, WEEK.end]))
    starts = edge + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 3 * 24 * 60)))
    length = timedelta(minutes=draw(st.integers(-120, 4 * 24 * 60)))
    zone = draw(st.sampled_from(_WRITTEN_ZONES))
    all_day = draw(st.booleans())

    def written(name: str, moment: datetime) -> str:
        if all_day:
            return f"{name};VALUE=DATE:{moment:%Y%m%d}"
        if zone == "Z":
            return f"{name}:{moment:%Y%m%dT%H%M%SZ}"
        local = moment.astimezone(ZoneInfo(zone)) if zone else moment
        tzid = f';TZID="{zone}"' if zone and draw(st.booleans()) else f";TZID={zone}"
        return f"{name}{tzid if zone else ''}:{local:%Y%m%dT%H%M%S}"

    ending = draw(st.sampled_from(["DTEND", "DURATION", None]))
    lines = ["BEGIN:VEVENT", f"UID:edge-{draw(st.integers(0, 10**6))}", written("DTSTART", starts)]
    if ending == "DTEND":
        lines.append(written("DTEND", starts + length))
    elif ending == "DURATION":
        minutes = int(length.total_seconds() // 60)
        lines.append(f"DURATION:{'-' if minutes < 0 else ''}PT{abs(minutes)}M")
    lines += [
        f"SUMMARY:{draw(st.sampled_from(['Acme demo', 'OOO']))}",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:buyer@acme.com",
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


@given(
    events=st.lists(_edge_event(), min_size=1, max_size=6),
    zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"]),
)
@settings(max_examples=300, deadline=None)
@example(  # two events with one UID, one outside the window: the expansion keeps one of them
    events=[
        "BEGIN:VEVENT\r\nUID:edge-0\r\nDTSTART:20261214T000000Z\r\nDTEND:20261214T000000Z\r\n"
        "SUMMARY:Acme demo\r\nATTENDEE:mailto:buyer@acme.com\r\nEND:VEVENT",
        "BEGIN:VEVENT\r\nUID:edge-0\r\nDTSTART:20261201T000000Z\r\nDTEND:20261201T000000Z\r\n"
        "SUMMARY:Acme demo\r\nATTENDEE:mailto:buyer@acme.com\r\nEND:VEVENT",
    ],
    zone="UTC",
)
def test_events_at_the_windows_edges_read_the_same_from_the_events_near_it(
    events: list[str], zone: str
) -> None:
    feed = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *events, "END:VCALENDAR", ""]).encode()
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            whole = read_whole(monkeypatch, feed, WEEK, zone)
        except FeedProblem as problem:
            whole = problem.problem
        try:
            near = read_bytes(feed, WEEK, zone)
        except FeedProblem as problem:
            near = problem.problem
    assert near == whole
