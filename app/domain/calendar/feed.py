"""An iCalendar feed -> the rep's external meetings in a window: a pure function, no I/O.

`icalendar` parses and `recurring-ical-events` expands series (RRULE, RDATE, EXDATE, moved
occurrences by RECURRENCE-ID, Google's X-WR-TIMEZONE) over the window. Each occurrence is keyed
by its UID and, for one of a series, its RECURRENCE-ID, so reading a feed again finds the same
keys. An event is a meeting when at least one participant is outside the company's domains;
internal-only, all-day, declined-by-the-rep and cancelled ones are counted as ignored (the
cancelled ones' keys are kept, for whoever imported them before). Out-of-office events are no
meetings: they give the local dates the rep is away. An event that cannot be read (a broken
RRULE, a date that is no date) is left out alone, its UID named as unreadable, so that one bad
event loses neither the rest of the calendar nor what was imported from it before.
"""

from __future__ import annotations

import enum
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from icalendar.timezone import tzp

from app.domain.calendar.problems import FeedProblem, Problem
from app.domain.company_domains import (
    PERSONAL_EMAIL_DOMAINS,
    email_domain,
    is_company_domain,
    registrable_domain,
    suffixes,
)

ACCOUNT_NAME_MAX = 150
TITLE_MAX = 200
# Titles that say the rep is away, matched as whole words in any case (docs/calendar.md).
AWAY_WORDS = re.compile(
    r"\b(ooo|oof|out of (the )?office|pto|vacation|holidays?|annual leave|on leave"
    r"|parental leave|sick( leave)?|day off)\b",
    re.IGNORECASE,
)
# One VTIMEZONE block of a feed, to drop one icalendar cannot build a zone from.
VTIMEZONE_BLOCK = re.compile(rb"^BEGIN:VTIMEZONE\r?$.*?^END:VTIMEZONE\r?\n?", re.M | re.S | re.I)
VEVENT_BLOCK = re.compile(rb"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?(?:\n|$)", re.M | re.S | re.I)
_FOLDED = re.compile(rb"\r?\n[ \t]")  # RFC 5545 3.1: a line break and a space continue a line
_REPEATS = re.compile(rb"^(?:RRULE|RDATE|EXRULE|EXDATE|RECURRENCE-ID)[;:]", re.M | re.I)
# The value of a property, after parameters that may quote a colon (TZID="(UTC+01:00) ...").
_PARAMS = rb'(?:;(?:[^:"\r\n]|"[^"\r\n]*")*)?:([^\r\n]*)'
_UID, _DTSTART, _DTEND, _DURATION = (
    re.compile(rb"^" + name + _PARAMS, re.M | re.I)
    for name in (rb"UID", rb"DTSTART", rb"DTEND", rb"DURATION")
)
# However a time is written (UTC, a TZID, floating in any rep's zone), its instant is within
# a day of its written date: a day either side of the window cannot lose an event.
NEAR = timedelta(days=1)


class EventKey(NamedTuple):
    """Stable across reads: the event's UID, and for one occurrence of a series its original
    start (RECURRENCE-ID) in UTC as `YYYYMMDDTHHMMSSZ` (`YYYYMMDDTHHMMSS` for a floating time,
    `YYYYMMDD` for a date)."""

    uid: str
    recurrence_id: str | None = None

    @property
    def text(self) -> str:
        return self.uid if self.recurrence_id is None else f"{self.uid}#{self.recurrence_id}"


class Ignored(enum.StrEnum):
    """Why an event in the window is not a meeting to import."""

    INTERNAL = "internal"  # nobody outside the company's domains
    ALL_DAY = "all_day"
    DECLINED = "declined"  # the rep's own PARTSTAT
    CANCELLED = "cancelled"  # STATUS:CANCELLED (EXDATE'd occurrences never appear at all)
    AWAY = "away"  # out of office: its dates are in FeedReading.away
    UNREADABLE = "unreadable"  # a broken repeat rule or date: its UID is in FeedReading.unreadable


@dataclass(frozen=True)
class Attendee:
    email: str | None  # lowercased; None for an attendee the feed gives no address
    name: str | None
    external: bool
    response: str | None  # PARTSTAT: ACCEPTED, TENTATIVE, NEEDS-ACTION, DECLINED...
    organizer: bool = False


@dataclass(frozen=True)
class Meeting:
    """One external meeting, ready to become an interaction."""

    key: EventKey
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    # The feed gave no zone that could be resolved (a floating time, Outlook's "Customized
    # Time Zone"): read in the rep's zone, and worth telling the rep.
    zone_guessed: bool
    account_name: str
    account_domain: str | None  # the registrable domain the name came from, if a company's
    attendees: tuple[Attendee, ...]


@dataclass(frozen=True)
class FeedReading:
    meetings: list[Meeting]
    cancelled: list[EventKey]
    ignored: Counter[Ignored] = field(default_factory=Counter)
    # Local dates (the rep's zone) the rep is out of office, and the event that says so.
    away: dict[date, EventKey] = field(default_factory=dict)
    # UIDs of events that could not be read: what was imported from them stays as it is.
    unreadable: frozenset[str] = frozenset()

    def is_unreadable(self, key_text: str) -> bool:
        """Whether an imported meeting's key (EventKey.text) is of an unreadable event."""
        return any(key_text == uid or key_text.startswith(f"{uid}#") for uid in self.unreadable)


@dataclass(frozen=True)
class Window:
    start: datetime  # aware
    end: datetime  # aware


def read_feed(
    feed: bytes,
    *,
    rep_addresses: frozenset[str],
    company_domains: frozenset[str],
    window: Window,
    rep_zone: str,
) -> FeedReading:
    """The external meetings starting in `window`, earliest first; FeedProblem NOT_A_CALENDAR
    for bytes that are no iCalendar feed."""
    zone = ZoneInfo(rep_zone)
    feed, left_out = events_near(feed, window)
    with _own_zones():
        calendar = parse_calendar(feed)
        occurrences, unreadable = _occurrences(calendar, window)
    own = {address.lower() for address in rep_addresses}
    # Google names a calendar after its owner's address: the rep's own, in their own feed.
    calendar_name = str(calendar.get("X-WR-CALNAME", "")).strip().lower()
    if "@" in calendar_name:
        own.add(calendar_name)
    series = _series_uids(calendar)
    meetings: list[Meeting] = []
    cancelled: list[EventKey] = []
    ignored: Counter[Ignored] = Counter()
    away: dict[date, EventKey] = {}
    for event in occurrences:
        if event.name != "VEVENT" or not event.get("UID"):
            continue
        key = _key(event, series)
        try:
            read = _read_event(event, key, own, company_domains, zone)
        except Exception:  # noqa: BLE001  # untrusted input: a date that is no date...
            unreadable.add(key.uid)
            continue
        if read is None:
            continue
        if isinstance(read, list):
            ignored[Ignored.AWAY] += 1
            for day in read:
                if _local_date(window.start, zone) <= day <= _local_date(window.end, zone, True):
                    away.setdefault(day, key)
            continue
        if isinstance(read, Ignored):
            ignored[read] += 1
            if read is Ignored.CANCELLED:
                cancelled.append(key)
            continue
        if window.start <= read.starts_at < window.end:
            meetings.append(read)
    if (
        unreadable
        and not left_out
        and unreadable >= {str(event.get("UID", "")).strip() for event in calendar.walk("VEVENT")}
    ):  # nothing readable: a broken feed, not one event
        raise FeedProblem(Problem.NOT_A_CALENDAR)
    meetings.sort(key=lambda meeting: (meeting.starts_at, meeting.key.text))
    ignored[Ignored.UNREADABLE] += len(unreadable)
    keep = [meeting for meeting in meetings if meeting.key.uid not in unreadable]
    return FeedReading(
        keep,
        [key for key in cancelled if key.uid not in unreadable],
        +ignored,
        {day: key for day, key in sorted(away.items()) if key.uid not in unreadable},
        frozenset(unreadable),
    )


def events_near(feed: bytes, window: Window) -> tuple[bytes, int]:
    """The feed without the single events that plainly start after the window or end before
    it, and how many were left out. A Google feed holds the calendar's whole history, and
    building icalendar's objects for events no pass will look at was most of a read's time.

    Only what is certain goes: an event of a series (a repeat rule, a date list, a moved
    occurrence, or a UID any of those share), an event whose UID another event has too, and an
    event whose dates this cannot read stay, for icalendar and the expansion to judge as
    before."""
    blocks = list(VEVENT_BLOCK.finditer(feed))
    if not blocks:
        return feed, 0
    lines = [_FOLDED.sub(b"", block.group(0)) for block in blocks]
    uids = [_one(_UID, text) for text in lines]
    # Events that are read together: a series and its moved occurrences, and events sharing
    # a UID without being one (the expansion keeps one of them, whichever it finds).
    series = {uid for uid, text in zip(uids, lines, strict=True) if _REPEATS.search(text)}
    series |= {uid for uid, count in Counter(uids).items() if count > 1}
    first, last = (window.start - NEAR).date(), (window.end + NEAR).date()
    kept: list[bytes] = []
    written = 0
    left_out = 0
    for block, uid, text in zip(blocks, uids, lines, strict=True):
        if uid is not None and uid not in series and _plainly_outside(text, first, last):
            kept.append(feed[written : block.start()])
            written = block.end()
            left_out += 1
    if not left_out:
        return feed, 0
    kept.append(feed[written:])
    return b"".join(kept), left_out


def _one(pattern: re.Pattern[bytes], text: bytes) -> bytes | None:
    """The value of a property the event has exactly once, else None."""
    found = pattern.findall(text)
    return found[0].strip() if len(found) == 1 else None


def _plainly_outside(event: bytes, first: date, last: date) -> bool:
    """Whether the event's written dates put it wholly before `first` or after `last`."""
    start = _written_date(_one(_DTSTART, event))
    if start is None:
        return False
    if start > last:
        return True
    end_text = _one(_DTEND, event)
    if end_text is not None:
        end = _written_date(end_text)
    elif _DURATION.search(event):
        try:  # a DURATION given twice reads as nothing: left for icalendar to judge
            length = icalendar.vDuration.from_ical((_one(_DURATION, event) or b"").decode())
        except Exception:  # noqa: BLE001  # untrusted input: left for icalendar to judge
            return False
        end = start + length if isinstance(length, timedelta) else None
    else:
        end = start
    # An all-day event's end is the day after; a negative duration or an end before the
    # start is read as the start by `_read_event`.
    return end is not None and max(start, end) + timedelta(days=1) < first


def _written_date(value: bytes | None) -> date | None:
    """The date a DATE or DATE-TIME value is written with, whatever its zone."""
    if value is None or len(value) < 8 or not value[:8].isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def _occurrences(calendar: icalendar.Calendar, window: Window) -> tuple[list[Any], set[str]]:
    """The events' occurrences in the window, and the UIDs of events that could not be
    expanded. The whole calendar is expanded at once; when that fails, each UID's events
    (a series and its moved occurrences) alone, with the calendar's zones and properties
    (X-WR-TIMEZONE), so that only the broken one is lost."""
    try:
        return recurring_ical_events.of(calendar).between(window.start, window.end), set()
    except Exception:  # noqa: BLE001  # untrusted input: a broken RRULE, a bad date...
        pass
    zones = [part for part in calendar.subcomponents if part.name == "VTIMEZONE"]
    by_uid: dict[str, list[Any]] = {}
    for part in calendar.subcomponents:
        if part.name == "VEVENT":
            by_uid.setdefault(str(part.get("UID", "")).strip(), []).append(part)
    occurrences: list[Any] = []
    unreadable: set[str] = set()
    for uid, events in by_uid.items():
        alone = icalendar.Calendar(calendar)  # the calendar's properties, no components
        alone.subcomponents = [*zones, *events]
        try:
            occurrences += recurring_ical_events.of(alone).between(window.start, window.end)
        except Exception:  # noqa: BLE001
            unreadable.add(uid)
    return occurrences, unreadable


_ZONES = threading.Lock()


@contextmanager
def _own_zones() -> Iterator[None]:
    """icalendar keeps the zones a feed defines (VTIMEZONE) in one cache for the process, by
    TZID: another rep's "Customized Time Zone" would be taken for this one's. Each feed is
    parsed with none but its own, and leaves none behind."""
    with _ZONES:
        tzp.use_zoneinfo()  # empties that cache
        try:
            yield
        finally:
            tzp.use_zoneinfo()


def parse_calendar(feed: bytes) -> icalendar.Calendar:
    try:
        calendar = icalendar.Calendar.from_ical(feed)
    except Exception:  # noqa: BLE001  # untrusted input: any failure means "not a calendar"
        try:  # ...unless only a zone definition was broken: its times become zoneless
            calendar = icalendar.Calendar.from_ical(VTIMEZONE_BLOCK.sub(_usable_zone, feed))
        except Exception:  # noqa: BLE001
            raise FeedProblem(Problem.NOT_A_CALENDAR) from None
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise FeedProblem(Problem.NOT_A_CALENDAR)
    return calendar


def _usable_zone(block: re.Match[bytes]) -> bytes:
    """The VTIMEZONE block if icalendar can build a zone from it, else nothing (Outlook's
    "Customized Time Zone" may come with no STANDARD or DAYLIGHT part, or no offsets)."""
    try:
        zone = icalendar.Timezone.from_ical(block.group(0))
        if not isinstance(zone, icalendar.Timezone):
            return b""
        zone.to_tz()
    except Exception:  # noqa: BLE001
        return b""
    return block.group(0)


def _series_uids(calendar: icalendar.Calendar) -> set[str]:
    """UIDs of series: their occurrences are told apart by RECURRENCE-ID (which the expansion
    gives every occurrence it returns, a single event's too)."""
    return {
        str(event.get("UID")).strip()
        for event in calendar.walk("VEVENT")
        if any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }


def _read_event(
    event: Any, key: EventKey, own: set[str], company: frozenset[str], zone: tzinfo
) -> Meeting | Ignored | list[date] | None:
    """The meeting, why it is none, or the local dates an out-of-office event covers."""
    start, end = event.get("DTSTART"), event.get("DTEND")
    if start is None:
        return None
    all_day = not isinstance(start.dt, datetime)
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return Ignored.ALL_DAY if all_day else Ignored.CANCELLED
    people = _participants(event, own, company)
    others = any(person.email is not None and person.email not in own for person in people)
    # A colleague's "Bob OOO" sent to the team is theirs: the rep attends, someone else organizes.
    invited = any(person.email in own and not person.organizer for person in people) and any(
        person.organizer and person.email is not None and person.email not in own
        for person in people
    )
    if not invited and _is_away(event, all_day=all_day, others=others):
        return _dates(event, zone)
    if all_day:
        return Ignored.ALL_DAY
    if any(person.email in own and person.response == "DECLINED" for person in people):
        return Ignored.DECLINED
    guests = [person for person in people if person.external]
    if not guests:
        return Ignored.INTERNAL
    starts_at, guessed = _utc(start.dt, zone)
    ends_at = _utc(end.dt, zone)[0] if end is not None and isinstance(end.dt, datetime) else None
    if ends_at is None or ends_at < starts_at:
        duration = event.get("DURATION")
        length = duration.dt if duration is not None else None
        ends_at = starts_at + (length if isinstance(length, timedelta) else timedelta(0))
    name, domain = account_from(guests)
    return Meeting(
        key=key,
        title=str(event.get("SUMMARY", "")).strip()[:TITLE_MAX],
        starts_at=starts_at,
        ends_at=ends_at,
        zone_guessed=guessed,
        account_name=name,
        account_domain=domain,
        attendees=tuple(people),
    )


def _is_away(event: Any, *, all_day: bool, others: bool) -> bool:
    """Outlook's out-of-office busy status; or a title that says so, on an all-day event or
    on a timed one with nobody else invited (Google's out-of-office events are timed, the
    rep's own, and its feed marks them by nothing but their title)."""
    if str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).strip().upper() == "OOF":
        return True
    return (all_day or not others) and bool(AWAY_WORDS.search(str(event.get("SUMMARY", ""))))


def _dates(event: Any, zone: tzinfo) -> list[date]:
    """Every local date the event covers; an all-day event's DTEND is the day after."""
    start, end = event["DTSTART"].dt, event.get("DTEND")
    stop = end.dt if end is not None else None
    if stop is None and event.get("DURATION") is not None:
        stop = start + event["DURATION"].dt
    if not isinstance(start, datetime):
        last = (stop if isinstance(stop, date) else start + timedelta(days=1)) - timedelta(days=1)
        first = start
    else:
        starts = _utc(start, zone)[0]
        ends = _utc(stop, zone)[0] if isinstance(stop, datetime) else starts
        first = _local_date(starts, zone)
        last = _local_date(ends, zone, True) if ends > starts else first
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _local_date(moment: datetime, zone: tzinfo, end: bool = False) -> date:
    """The rep's local date at `moment`; for an (exclusive) end, the date of the instant before."""
    local = moment.astimezone(zone)
    return (local - timedelta(microseconds=1)).date() if end else local.date()


def _utc(value: datetime, zone: tzinfo) -> tuple[datetime, bool]:
    """(the time in UTC, whether its zone was guessed); a naive time is read in the rep's zone,
    never taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=zone).astimezone(UTC), True
    return value.astimezone(UTC), False


def _key(event: Any, series: set[str]) -> EventKey:
    uid = str(event.get("UID")).strip()
    recurrence = event.get("RECURRENCE-ID")
    if recurrence is None or uid not in series:
        return EventKey(uid)
    value = recurrence.dt
    if isinstance(value, datetime) and value.tzinfo is None:
        # A floating time keeps its own text: the same key whatever the rep's zone is.
        return EventKey(uid, value.strftime("%Y%m%dT%H%M%S"))
    if isinstance(value, datetime):
        return EventKey(uid, value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    if isinstance(value, date):
        return EventKey(uid, value.strftime("%Y%m%d"))
    return EventKey(uid, str(value))


def _participants(event: Any, own: set[str], company: frozenset[str]) -> list[Attendee]:
    """The attendees and the organizer, once each (by address), in the feed's order."""
    found: dict[str, Attendee] = {}
    nameless: list[Attendee] = []
    organizer = event.get("ORGANIZER")
    listed = event.get("ATTENDEE") or []
    listed = listed if isinstance(listed, list) else [listed]
    entries = [(organizer, True)] if organizer is not None else []
    entries += [(attendee, False) for attendee in listed]
    for address, is_organizer in entries:
        email = _email(address)
        params = getattr(address, "params", {}) or {}
        name = str(params.get("CN", "")).strip() or None
        domain = email_domain(email)
        external = (
            email is not None
            and email not in own
            and domain is not None
            and not is_company_domain(domain, company)
        )
        response = str(params.get("PARTSTAT", "")).upper() or None
        person = Attendee(email, name, external, response, is_organizer)
        if email is None:
            if name:
                nameless.append(person)
            continue
        earlier = found.get(email)
        if earlier is None:
            found[email] = person
        elif not is_organizer:  # the organizer listed again as an attendee: keep the answer
            found[email] = Attendee(email, earlier.name or name, external, response, True)
    return [*found.values(), *nameless]


def _email(address: Any) -> str | None:
    text = str(address or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.strip().lower()
    return text if "@" in text and " " not in text else None


def account_from(guests: list[Attendee]) -> tuple[str, str | None]:
    """The account's name and domain, from the external attendees' most common company domain
    (`jo@eu.acme-corp.co.uk` -> "Acme Corp", `acme-corp.co.uk`); from a person's name when all
    of them write from personal mail."""
    domains: Counter[str] = Counter()
    for guest in guests:
        registrable = registrable_domain(email_domain(guest.email))
        if registrable and registrable not in PERSONAL_EMAIL_DOMAINS:
            domains[registrable] += 1
    if domains:
        # Counter keeps first-seen order among equals: the first company named wins a tie.
        domain = domains.most_common(1)[0][0]
        public = suffixes().publicsuffix(domain) or ""
        label = domain[: -len(public) - 1] if public and domain.endswith("." + public) else domain
        words = label.replace("-", " ").replace("_", " ").split()
        return " ".join(word.capitalize() for word in words)[:ACCOUNT_NAME_MAX], domain
    first = guests[0]
    return (first.name or (first.email or "").split("@")[0] or "Unknown")[:ACCOUNT_NAME_MAX], None
