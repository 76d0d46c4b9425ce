"""The sample people's calendars: an iCalendar feed per person, served by the sandbox page on
127.0.0.1, with meetings relative to the real day so that `/coach calendar` finds some."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from app.sandbox.sample_workspace import COMPANY_DOMAIN

FEED_PATH = "/sandbox/calendars/{user_id}.ics"
PRODUCT = "-//Commitment Coach//Sandbox sample calendar//EN"


def feed_path(user_id: str) -> str:
    return FEED_PATH.format(user_id=user_id)


def sample_feed(user_id: str, email: str, zone: str, now: datetime) -> bytes:
    """Two customer meetings in the next days, one with colleagues only, one past."""
    local = ZoneInfo(zone)
    today = now.astimezone(local).date()

    def at(days: int, hour: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour), local)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", email)  # as Google names a calendar: its owner's address
    meetings = [
        ("globex-discovery", "Globex discovery call", at(1, 10), ["li.wei@globex.com"]),
        ("initech-demo", "Initech demo", at(2, 15), ["cto@initech.com", f"maria@{COMPANY_DOMAIN}"]),
        ("pipeline-review", "Pipeline review", at(1, 16), [f"maria@{COMPANY_DOMAIN}"]),
        ("umbrella-intro", "Umbrella intro", at(-1, 11), ["ops@umbrella.com"]),
    ]
    for key, title, start, guests in meetings:
        event = icalendar.Event()
        event.add("uid", f"{key}-{user_id}@sandbox")
        event.add("summary", title)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=45))
        event.add("dtstamp", now)
        organizer = icalendar.vCalAddress(f"mailto:{email}")
        event.add("organizer", organizer)
        for guest in [email, *guests]:
            attendee = icalendar.vCalAddress(f"mailto:{guest}")
            attendee.params["PARTSTAT"] = icalendar.vText("ACCEPTED")
            event.add("attendee", attendee, encode=False)
        calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE definitions, as calendar servers send them
    return calendar.to_ical()
