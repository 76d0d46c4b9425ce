"""The sample people's calendars: an iCalendar feed per person, served by the sandbox page on
127.0.0.1, with meetings relative to the real day so that `/coach calendar` finds some and the
calendar pass imports them.

The meetings stay where they are when the sandbox's clock moves ahead (they are laid out from
the real day, not from the clock). Once the clock reads the next morning, the feed changes as a
customer's calendar would: Initech moved its demo by an hour and a half, Hooli cancelled its
check-in. Running the calendar pass then shows the interaction moved and the other cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from app.sandbox.sample_workspace import COMPANY_DOMAIN

FEED_PATH = "/sandbox/calendars/{user_id}.ics"
PRODUCT = "-//Commitment Coach//Sandbox sample calendar//EN"
MEETING_MINUTES = 45
# The local hour, the day after the real day, from which the customers' changes are in the feed.
CHANGES_FROM_HOUR = 8
# When the one past meeting began, before the real time.
PAST_MEETING_AGO = timedelta(hours=3)


@dataclass(frozen=True)
class SampleMeeting:
    key: str
    title: str
    start: datetime
    guests: tuple[str, ...]
    sequence: int = 0
    cancelled: bool = False


def feed_path(user_id: str) -> str:
    return FEED_PATH.format(user_id=user_id)


def sample_meetings(zone: str, now: datetime, real_now: datetime) -> list[SampleMeeting]:
    """Customer meetings tomorrow and the day after, one with colleagues only and one that
    ended a few hours ago, from the real day in `zone`; from the next morning by the sandbox's
    clock (`now`), one of them moved and one cancelled."""
    local = ZoneInfo(zone)
    today = real_now.astimezone(local).date()
    # Within the calendar pass's day behind whatever the time of day (yesterday at a fixed hour
    # fell out of it in the afternoon), on the quarter hour.
    past = (real_now - PAST_MEETING_AGO).astimezone(local).replace(second=0, microsecond=0)
    past -= timedelta(minutes=past.minute % 15)

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour, minute), local)

    changed = now >= at(1, CHANGES_FROM_HOUR)
    demo = at(2, 16, 30) if changed else at(2, 15)
    return [
        SampleMeeting(
            "globex-discovery", "Globex discovery call", at(1, 10), ("li.wei@globex.com",)
        ),
        SampleMeeting(
            "initech-demo",
            "Initech demo",
            demo,
            ("cto@initech.com", f"maria@{COMPANY_DOMAIN}"),
            sequence=1 if changed else 0,
        ),
        SampleMeeting(
            "hooli-check-in",
            "Hooli check-in",
            at(1, 14),
            ("gavin@hooli.com",),
            sequence=1 if changed else 0,
            cancelled=changed,
        ),
        SampleMeeting(
            "pipeline-review", "Pipeline review", at(1, 16), (f"maria@{COMPANY_DOMAIN}",)
        ),
        SampleMeeting("umbrella-intro", "Umbrella intro", past, ("ops@umbrella.com",)),
    ]


def sample_feed(
    user_id: str, email: str, zone: str, now: datetime, real_now: datetime | None = None
) -> bytes:
    """The person's feed as their calendar server would serve it when the sandbox's clock reads
    `now` (`real_now`: the real time, default the machine's)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", email)  # as Google names a calendar: its owner's address
    for meeting in sample_meetings(zone, now, real_now or datetime.now(UTC)):
        event = icalendar.Event()
        event.add("uid", f"{meeting.key}-{user_id}@sandbox")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.start + timedelta(minutes=MEETING_MINUTES))
        event.add("dtstamp", now)
        event.add("sequence", meeting.sequence)
        if meeting.cancelled:
            event.add("status", "CANCELLED")
        organizer = icalendar.vCalAddress(f"mailto:{email}")
        event.add("organizer", organizer)
        for guest in [email, *meeting.guests]:
            attendee = icalendar.vCalAddress(f"mailto:{guest}")
            attendee.params["PARTSTAT"] = icalendar.vText("ACCEPTED")
            event.add("attendee", attendee, encode=False)
        calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE definitions, as calendar servers send them
    return calendar.to_ical()
