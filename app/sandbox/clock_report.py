"""The clock panel's report in plain words: who got what from a pass, and why the others got
nothing (their local time, their nudge days, a pause, nothing due), from the pass's printed
report and what the app stores about each person."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.nudge_settings import weekdays_of
from app.domain.nudges import delivery_key
from app.domain.nudges.window import NOON_MINUTE
from app.models import Delivery, DeliveryKind, DeliveryStatus, Rep
from app.sandbox.slack_double import User

SENT = re.compile(r"^sent (?P<user>[UW]\w+) \S+: (?P<items>\d+) items?")
FAILED = re.compile(r"^failed (?P<user>[UW]\w+) \S+: (?P<error>\S+) \((?P<then>[^)]*)\)")
UNREACHABLE = re.compile(r"^unreachable (?P<user>[UW]\w+): (?P<reason>.+)$")
SUMMARY_SENT = re.compile(r"^sent summary \S+ to (?P<channel>\S+): (?P<what>[^,]+)")
SUMMARY_FAILED = re.compile(r"^failed summary \S+ to (?P<channel>\S+): (?P<error>.+)$")
FEED_READ = re.compile(
    r"^read (?P<user>[UW]\w+): (?P<ahead>\d+) meetings? from yesterday on, "
    r"(?P<imported>\d+) imported, "
    r"(?P<linked>\d+) matched to plans, (?P<moved>\d+) moved, (?P<cancelled>\d+) cancelled"
)
FEED_SAME = re.compile(r"^read (?P<user>[UW]\w+): not modified")
FEED_FAILING = re.compile(r"^failing (?P<user>[UW]\w+): (?P<problem>\S+)")
FEED_TOLD = re.compile(r"^told (?P<user>[UW]\w+) their calendar is failing")
PROMPTED = re.compile(r"^sent (?P<user>[UW]\w+) (?P<when>before|after) interaction (?P<id>\d+):")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def explain_nudges(
    report: str, as_of: datetime, people: Iterable[User], session: Session, team_id: str
) -> str:
    """One line per person: what they got from the morning sweep, or why nothing."""
    said: dict[str, str] = {}
    for line in report.splitlines():
        if found := SENT.match(line):
            items = int(found["items"])
            said[found["user"]] = f"got the morning nudge ({items} item{'s' * (items != 1)})."
        elif found := FAILED.match(line):
            said[found["user"]] = f"was not reached: {found['error']} ({found['then']})."
        elif found := UNREACHABLE.match(line):
            said[found["user"]] = f"cannot be reached: {found['reason']}."
    lines = []
    for person in people:
        reason = said.get(person.id) or _why_nothing(person, as_of, session, team_id)
        lines.append(f"{person.real_name} {reason}")
    if not said:
        lines.insert(0, "Nobody got a nudge.")
    return "\n".join(lines)


def _why_nothing(person: User, as_of: datetime, session: Session, team_id: str) -> str:
    rep = session.scalar(select(Rep).where(Rep.team_id == team_id, Rep.user_id == person.id))
    if rep is None:
        return "got nothing: nothing planned or logged yet, so nothing to follow up."
    zone = ZoneInfo(rep.tz or person.tz or "UTC")
    local = as_of.astimezone(zone)
    clock = _clock(local.time())
    nudge_at = _clock(time(rep.nudge_minute // 60, rep.nudge_minute % 60))
    where = f"it is {DAY_NAMES[local.weekday()]} {clock} for them ({zone.key})"
    if rep.nudges_paused_until and local.date() <= rep.nudges_paused_until:
        return f"got nothing: their nudges are paused until {rep.nudges_paused_until:%a %-d %b}."
    if local.weekday() not in weekdays_of(rep.nudge_weekdays):
        return f"got nothing: {where}, not one of their nudge days."
    minute = local.hour * 60 + local.minute
    if minute < rep.nudge_minute:
        return f"got nothing yet: {where}; their nudge comes at {nudge_at}."
    if minute >= NOON_MINUTE:
        return f"got nothing: {where}, past the morning (their nudge comes at {nudge_at})."
    sent = session.scalar(
        select(Delivery.id).where(
            Delivery.team_id == team_id,
            Delivery.kind == DeliveryKind.NUDGE,
            Delivery.key == delivery_key(local.date(), person.id),
            Delivery.status == DeliveryStatus.SENT,
        )
    )
    if sent is not None:
        return f"got nothing more: today's nudge already came ({where})."
    return f"got nothing: {where}, their nudge time, but nothing of theirs is due."


def explain_summaries(report: str, channel_names: dict[str, str]) -> str:
    """One line per summary posted or failed; why none was, when none was."""
    lines = []
    for line in report.splitlines():
        if found := SUMMARY_SENT.match(line):
            channel = channel_names.get(found["channel"], found["channel"])
            lines.append(f"#{channel} got its summary ({found['what']}).")
        elif found := SUMMARY_FAILED.match(line):
            channel = channel_names.get(found["channel"], found["channel"])
            lines.append(f"#{channel} did not get its summary: {found['error']}.")
    if not lines:
        return (
            "No summary was posted: none is set up, or none is due at this time "
            "(a summary posts once a period, at its time in its owner's zone)."
        )
    return "\n".join(lines)


def explain_calendars(
    report: str, people: Iterable[User], accounts: Mapping[int, str] | None = None
) -> str:
    """What the calendar pass read of each person's calendar, and the prompts it sent
    (`accounts`: each prompted interaction's account)."""
    accounts = accounts or {}
    names = {person.id: person.real_name for person in people}
    lines = []
    for line in report.splitlines():
        if found := FEED_READ.match(line):
            changes = [
                f"{found[name]} {word}"
                for name, word in (
                    ("imported", "new"),
                    ("linked", "matched to a plan"),
                    ("moved", "moved"),
                    ("cancelled", "cancelled"),
                )
                if found[name] != "0"
            ]
            what = ", ".join(changes) if changes else "nothing changed"
            lines.append(
                f"{names.get(found['user'], found['user'])}'s calendar: {found['ahead']} customer "
                f"meetings from yesterday on; {what}."
            )
        elif found := FEED_SAME.match(line):
            lines.append(f"{names.get(found['user'], found['user'])}'s calendar has not changed.")
        elif found := FEED_FAILING.match(line):
            name = names.get(found["user"], found["user"])
            lines.append(f"{name}'s calendar could not be read ({found['problem']}).")
        elif found := FEED_TOLD.match(line):
            lines.append(f"{names.get(found['user'], found['user'])} was told how to fix it.")
        elif found := PROMPTED.match(line):
            name = names.get(found["user"], found["user"])
            account = accounts.get(int(found["id"]), "a customer")
            if found["when"] == "before":
                lines.append(f"{name} was asked to plan the meeting with {account}.")
            else:
                lines.append(f"{name} was asked how the meeting with {account} went.")
    if not lines:
        return (
            "Nothing to do: no calendar is connected or due to be read (each is read every "
            "15 minutes), and no meeting is about to start or just ended."
        )
    return "\n".join(lines)


def _clock(at: time) -> str:
    return at.strftime("%-I:%M %p")


def prompted_interactions(report: str) -> list[int]:
    """The interactions the report's prompts were about: whose accounts explain_calendars names."""
    return [int(found["id"]) for line in report.splitlines() if (found := PROMPTED.match(line))]
