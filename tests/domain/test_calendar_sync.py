"""Applying one reading of a rep's feed: imported once, moved, cancelled, restored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.domain import plans
from app.domain.calendar.feed import Attendee, EventKey, FeedReading, Meeting
from app.domain.calendar.sync import apply_reading, sync_window
from app.domain.workspace import Workspace
from app.models import (
    Account,
    AccountDomain,
    AwayDay,
    CalendarMeeting,
    CancelReason,
    Interaction,
    Origin,
)

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
WORKSPACE = Workspace("T0001", "E0001")
REP = "U0001"
START = NOW + timedelta(days=2)


def meeting(uid: str = "m1", start: datetime = START, domain: str = "acme.com") -> Meeting:
    return Meeting(
        key=EventKey(uid),
        title="Acme demo",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        zone_guessed=False,
        account_name="Acme",
        account_domain=domain,
        attendees=(Attendee(f"dana@{domain}", "Dana", True, "ACCEPTED"),),
    )


def apply(session, reading: FeedReading):
    counts = apply_reading(session, WORKSPACE, REP, reading, sync_window(NOW), "UTC", NOW)
    session.flush()
    return counts


def interactions(session) -> list[Interaction]:
    return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def test_a_new_meeting_is_imported_once_and_its_domain_learnt(session) -> None:
    assert apply(session, FeedReading([meeting()], [])).imported == 1
    assert apply(session, FeedReading([meeting()], [])).changed == 0
    (one,) = interactions(session)
    assert one.origin is Origin.CALENDAR and one.scheduled_at.replace(tzinfo=UTC) == START
    assert session.scalar(select(func.count()).select_from(CalendarMeeting)) == 1
    assert session.scalar(select(AccountDomain.domain)) == "acme.com"


def test_moved_cancelled_and_restored(session) -> None:
    apply(session, FeedReading([meeting()], []))
    later = START + timedelta(hours=3)
    assert apply(session, FeedReading([meeting(start=later)], [])).moved == 1
    (one,) = interactions(session)
    assert one.scheduled_at.replace(tzinfo=UTC) == later
    assert apply(session, FeedReading([], [EventKey("m1")])).cancelled == 1
    session.refresh(one)
    assert one.cancel_reason == CancelReason.CALENDAR
    assert apply(session, FeedReading([meeting(start=later)], [])).restored == 1
    session.refresh(one)
    assert one.cancelled_at is None


def test_a_future_meeting_gone_from_the_feed_is_cancelled(session) -> None:
    apply(session, FeedReading([meeting()], []))
    assert apply(session, FeedReading([], [])).cancelled == 1


def test_a_second_meeting_with_the_same_people_reuses_the_account(session) -> None:
    apply(session, FeedReading([meeting(), meeting("m2", START + timedelta(days=1))], []))
    first, second = interactions(session)
    assert first.account_id == second.account_id


def plan(session, account: str, when_text: str, interaction_id: int | None = None):
    form = plans.PlanForm(account, "meeting", when_text, "demo", "Dana agrees to X on Tuesday")
    draft = plans.check_plan(form, "UTC", NOW)
    assert isinstance(draft, plans.PlanDraft)
    saved = plans.save_plan(session, WORKSPACE, REP, draft, NOW, interaction_id=interaction_id)
    session.flush()
    return saved


def test_a_precall_then_the_feed_is_one_interaction_at_the_calendars_time(session) -> None:
    plan(session, "Acme", "saturday 3:30pm")
    assert apply(session, FeedReading([meeting()], [])).linked == 1
    (one,) = interactions(session)
    assert one.scheduled_at.replace(tzinfo=UTC) == START and one.objective is not None


def test_the_feed_then_a_precall_is_one_interaction_at_the_calendars_time(session) -> None:
    apply(session, FeedReading([meeting()], []))
    saved = plan(session, "acme", "saturday 2:30pm")
    (one,) = interactions(session)
    assert saved.interaction.id == one.id
    assert one.scheduled_at.replace(tzinfo=UTC) == START and one.objective is not None


def test_a_renamed_account_keeps_the_meetings_with_its_people(session) -> None:
    apply(session, FeedReading([meeting()], []))
    (one,) = interactions(session)
    plan(session, "Acme Robotics", "saturday 3pm", interaction_id=one.id)
    renamed = session.scalar(select(Account).where(Account.name == "Acme Robotics"))
    assert session.scalar(select(AccountDomain.account_id)) == renamed.id
    apply(session, FeedReading([meeting(), meeting("m2", START + timedelta(days=1))], []))
    assert {i.account_id for i in interactions(session)} == {renamed.id}


def test_away_days_follow_the_feed(session) -> None:
    day = START.date()
    apply(session, FeedReading([], [], away={day: EventKey("oof")}))
    assert list(session.scalars(select(AwayDay.day))) == [day]
    apply(session, FeedReading([], []))
    assert list(session.scalars(select(AwayDay.day))) == []


def test_what_came_of_an_event_that_could_not_be_read_stays(session) -> None:
    day = START.date() + timedelta(days=1)
    both = [meeting("m1"), meeting("m2", START + timedelta(hours=4))]
    apply(session, FeedReading(both, [], away={day: EventKey("oof", "20261129")}))
    # The next reading cannot read m1's series nor the out-of-office event; m2 is gone.
    counts = apply(session, FeedReading([], [], unreadable=frozenset({"m1", "oof"})))
    assert counts.cancelled == 1
    kept, gone = interactions(session)
    assert (kept.cancelled_at, gone.cancel_reason) == (None, CancelReason.CALENDAR)
    assert list(session.scalars(select(AwayDay.day))) == [day]
