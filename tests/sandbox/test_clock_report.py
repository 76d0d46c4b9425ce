"""The clock panel's report in plain words: who got what, and why each other person got nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.models import Delivery, DeliveryKind, DeliveryStatus
from app.sandbox.clock_report import (
    explain_calendars,
    explain_nudges,
    explain_summaries,
    prompted_interactions,
)
from app.sandbox.slack_double.records import User
from tests.support.factories import WORKSPACE, add_rep

# Friday 27 November 2026, 14:30 UTC: 09:30 in New York, 23:30 in Tokyo, 14:30 in London.
AS_OF = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)


def person(user_id: str, name: str, zone: str) -> User:
    return User(
        id=user_id,
        name=name.lower(),
        real_name=name,
        tz=zone,
        is_admin=False,
        is_owner=False,
        deleted=False,
        team_id=WORKSPACE.team_id,
        is_bot=False,
    )


ANA = person("U0ANA", "Ana Ortiz", "America/New_York")
KENJI = person("U0KENJI", "Kenji Sato", "Asia/Tokyo")
PRIYA = person("U0PRIYA", "Priya Shah", "Europe/London")
SAM = person("U0SAM", "Sam Rivera", "America/Los_Angeles")


def test_who_got_the_nudge_and_why_the_others_did_not(sessions) -> None:
    with sessions.begin() as session:
        add_rep(session, ANA.id, ANA.tz)
        add_rep(session, KENJI.id, KENJI.tz)
        add_rep(session, PRIYA.id, PRIYA.tz)
    report = "nudge sweep at …: 1 sent\nsent U0ANA 2026-11-27: 2 items, ts 1795.000100"
    with sessions() as session:
        said = explain_nudges(report, AS_OF, [ANA, KENJI, PRIYA, SAM], session, WORKSPACE.team_id)
    assert said.splitlines() == [
        "Ana Ortiz got the morning nudge (2 items).",
        "Kenji Sato got nothing: it is Friday 11:30 PM for them (Asia/Tokyo), past the morning "
        "(their nudge comes at 9:00 AM).",
        "Priya Shah got nothing: it is Friday 2:30 PM for them (Europe/London), past the "
        "morning (their nudge comes at 9:00 AM).",
        "Sam Rivera got nothing: nothing planned or logged yet, so nothing to follow up.",
    ]


def test_nobody_got_a_nudge_says_why_for_each_person(sessions) -> None:
    saturday = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)  # 09:30 in New York
    with sessions.begin() as session:
        add_rep(session, ANA.id, ANA.tz)
        add_rep(session, KENJI.id, KENJI.tz, nudges_paused_until=date(2026, 12, 4))
        add_rep(session, PRIYA.id, "America/New_York", nudge_weekdays=0b1111111)
        session.add(
            Delivery(
                **WORKSPACE.columns,
                kind=DeliveryKind.NUDGE,
                key=f"2026-11-28:{PRIYA.id}",
                recipient=PRIYA.id,
                status=DeliveryStatus.SENT,
            )
        )
    with sessions() as session:
        said = explain_nudges(
            "nudge sweep at …: 0 sent", saturday, [ANA, KENJI, PRIYA], session, WORKSPACE.team_id
        )
    assert said.splitlines() == [
        "Nobody got a nudge.",
        "Ana Ortiz got nothing: it is Saturday 9:30 AM for them (America/New_York), not one of "
        "their nudge days.",
        "Kenji Sato got nothing: their nudges are paused until Fri 4 Dec.",
        "Priya Shah got nothing more: today's nudge already came (it is Saturday 9:30 AM for "
        "them (America/New_York)).",
    ]


def test_a_rep_whose_morning_it_is_with_nothing_due_is_told_so(sessions) -> None:
    early = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 07:00 in New York
    with sessions.begin() as session:
        add_rep(session, ANA.id, ANA.tz)
    with sessions() as session:
        before = explain_nudges("", early, [ANA], session, WORKSPACE.team_id)
        due = explain_nudges("", AS_OF, [ANA], session, WORKSPACE.team_id)
    assert before.endswith(
        "got nothing yet: it is Friday 7:00 AM for them (America/New_York); "
        "their nudge comes at 9:00 AM."
    )
    assert due.endswith("their nudge time, but nothing of theirs is due.")


def test_summaries_say_which_channel_got_one_or_why_none_did() -> None:
    report = (
        "summary pass at …\nsent summary 4:2026-11-23 to C0SALES: 3 reps, ts 1795.1\n"
        "failed summary 5:2026-11-23 to C0GONE: channel_not_found (summary stopped, its owner told)"
    )
    said = explain_summaries(report, {"C0SALES": "sales-team"})
    assert said.splitlines() == [
        "#sales-team got its summary (3 reps).",
        "#C0GONE did not get its summary: channel_not_found (summary stopped, its owner told).",
    ]
    assert explain_summaries("summary pass at …: 0 sent", {}).startswith("No summary was posted")


def test_the_calendar_pass_in_plain_words() -> None:
    report = "\n".join(
        [
            "calendar pass at 2026-11-27T14:30:00+00:00: 3 feeds read (1 unchanged), ...",
            f"read {ANA.id}: 3 meetings from yesterday on, 2 imported, 0 matched to plans, "
            "1 moved, 1 cancelled, 0 restored, 0 days away",
            f"read {KENJI.id}: not modified",
            f"failing {PRIYA.id}: unauthorized",
            f"told {PRIYA.id} their calendar is failing",
            "meeting prompts at 2026-11-27T14:30:00+00:00: 1 sent, ...",
            f"sent {ANA.id} before interaction 7: ts 1.2",
        ]
    )
    assert prompted_interactions(report) == [7]
    assert explain_calendars(report, [ANA, KENJI, PRIYA], {7: "Globex"}).splitlines() == [
        "Ana Ortiz's calendar: 3 customer meetings from yesterday on; 2 new, 1 moved, 1 cancelled.",
        "Kenji Sato's calendar has not changed.",
        "Priya Shah's calendar could not be read (unauthorized).",
        "Priya Shah was told how to fix it.",
        "Ana Ortiz was asked to plan the meeting with Globex.",
    ]
    assert explain_calendars("calendar pass at ...: 0 feeds read", [ANA]).startswith(
        "Nothing to do"
    )
