"""The calendar pass end to end: a connected feed's meetings become interactions, moves and
cancellations follow the feed, a manual plan and an imported meeting are one interaction, and a
failing feed is told once; then the prompts before and after each meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from app.domain import company_domains, plans
from app.domain.calendar import links
from app.domain.workspace import Workspace
from app.models import (
    Account,
    AccountDomain,
    AwayDay,
    CalendarMeeting,
    CancelReason,
    Delivery,
    DeliveryKind,
    Interaction,
    InteractionKind,
    MeetingPrompt,
    Origin,
    Rep,
    Reschedule,
)
from app.slack.passes import calendars
from app.slack.passes.calendars import CalendarPassReport, run_calendar_pass
from app.slack.passes.meeting_prompts import MeetingPromptReport, run_meeting_prompts
from app.slack.views.nudges import NudgeIds, item_block_id
from tests.support.coach import Coach, pass_client
from tests.support.feeds import Event, FeedServer, Route, calendar_feed
from tests.support.forms import plan_values
from tests.support.home import click_home, home_text, open_home
from tests.support.meeting_prompts import click_prompt
from tests.support.workspace import NOW, REP_NY

OWNER = "ana@northwind.com"
PATH = "/calendar/ical/ana/private-1/basic.ics"
# NOW is Thursday 26 November, 10:00 in New York.
GLOBEX = Event(
    "globex-1@google.com",
    NOW + timedelta(hours=5),
    ("li.wei@globex.com",),
    title="Globex discovery",
)
INITECH = Event(
    "initech-1@google.com", NOW + timedelta(days=2), ("cto@initech.com",), title="Initech demo"
)
INTERNAL = Event("review@google.com", NOW + timedelta(hours=3), ("carol@northwind.com",))


@pytest.fixture
def rep(coach: Coach) -> Coach:
    coach.slack.add_user(REP_NY, name="dana.rep", tz="America/New_York", email=OWNER)
    with coach.services.sessions.begin() as session:
        session.add(Rep(team_id=coach.team_id, user_id=REP_NY, tz="America/New_York", email=OWNER))
        # As the rep's profile teaches it: northwind.com is the company's own domain.
        company_domains.learn_from_email(session, Workspace(coach.team_id), OWNER)
    return coach


def serve(feeds: FeedServer, events: list[Event], etag: str | None = None) -> str:
    return feeds.add(
        PATH,
        Route(
            body=calendar_feed(OWNER, events),
            headers={"Content-Type": "text/calendar"},
            etag=etag,
        ),
    )


def connect(coach: Coach, url: str) -> None:
    secrets = coach.services.calendars.secrets
    assert secrets is not None
    with coach.services.sessions.begin() as session:
        links.connect(session, Workspace(coach.team_id), REP_NY, url, secrets, NOW)


def calendar_pass(coach: Coach, now: datetime) -> CalendarPassReport:
    return run_calendar_pass(coach.services, pass_client(coach), now)


def prompts(coach: Coach, now: datetime) -> MeetingPromptReport:
    return run_meeting_prompts(coach.services, pass_client(coach), now)


def interactions(coach: Coach) -> list[Interaction]:
    with coach.services.sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.scheduled_at)))


def rows(coach: Coach, model) -> list:
    with coach.services.sessions() as session:
        return list(session.scalars(select(model)))


def prompt_button(message, key: str) -> dict:
    actions = item_block_id(NudgeIds.ACTIONS_BLOCK, key)
    return next(b for b in message.blocks if b.get("block_id") == actions)["elements"][0]


def dms(coach: Coach, user_id: str = REP_NY) -> list:
    channel = coach.slack.dm_channel_id(user_id)
    return [m for m in coach.slack.messages(channel) if m.user == coach.slack.bot_user_id]


def test_external_meetings_become_interactions_once(rep: Coach, feeds: FeedServer) -> None:
    connect(rep, serve(feeds, [GLOBEX, INITECH, INTERNAL], etag='"v1"'))
    report = calendar_pass(rep, NOW)
    assert [(r.user_id, r.counts.imported) for r in report.read] == [(REP_NY, 2)]
    globex, initech = interactions(rep)
    assert (globex.account.name, globex.kind, globex.origin) == (
        "Globex",
        InteractionKind.MEETING,
        Origin.CALENDAR,
    )
    assert globex.scheduled_at == GLOBEX.start and globex.objective is None
    assert initech.account.name == "Initech"
    assert {d.domain for d in rows(rep, AccountDomain)} == {"globex.com", "initech.com"}
    # The Home's week shows where they came from.
    week = home_text(open_home(rep))
    assert "*Globex* · Meeting" in week and "📅 from your calendar" in week
    (meeting, _) = sorted(rows(rep, CalendarMeeting), key=lambda m: m.starts_at)
    assert meeting.event_key == GLOBEX.uid and meeting.title == "Globex discovery"
    assert [a["email"] for a in meeting.attendees if a["external"]] == ["li.wei@globex.com"]

    # Not read again within CALENDAR_SYNC_MINUTES; then read with its ETag: 304, nothing new.
    assert calendar_pass(rep, NOW + timedelta(minutes=5)).read == []
    again = calendar_pass(rep, NOW + timedelta(minutes=16))
    assert [r.not_modified for r in again.read] == [True]
    assert feeds.requests[-1][1].get("If-None-Match") == '"v1"'
    assert len(interactions(rep)) == 2


def test_the_first_pass_reads_the_whole_feed_whatever_the_check_saw(
    rep: Coach, feeds: FeedServer
) -> None:
    url = serve(feeds, [GLOBEX], etag='"v1"')
    secrets = rep.services.calendars.secrets
    assert secrets is not None
    with rep.services.sessions.begin() as session:  # as the connect form stores it
        links.connect(session, Workspace(rep.team_id), REP_NY, url, secrets, NOW, etag='"v1"')
    assert calendar_pass(rep, NOW).read[0].counts.imported == 1
    assert "If-None-Match" not in feeds.requests[-1][1]


def test_a_moved_meeting_reschedules_its_interaction_and_its_plan_moves_with_it(
    rep: Coach, feeds: FeedServer
) -> None:
    connect(rep, serve(feeds, [GLOBEX]))
    calendar_pass(rep, NOW)
    (imported,) = interactions(rep)
    moved = Event(GLOBEX.uid, GLOBEX.start + timedelta(hours=1), GLOBEX.guests, sequence=1)
    serve(feeds, [moved])
    for later in (16, 32):  # read twice: moved once
        calendar_pass(rep, NOW + timedelta(minutes=later))
    (after,) = interactions(rep)
    assert after.id == imported.id and after.scheduled_at == moved.start
    assert after.reschedule_count == 1
    (move,) = rows(rep, Reschedule)
    assert (move.moved_from, move.moved_to) == (GLOBEX.start, moved.start)


def test_feeds_are_read_by_the_parsers_and_a_broken_pool_loses_none(
    rep: Coach, feeds: FeedServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass parses in a pool of processes it stops when it ends; a pool whose parsers were
    killed costs that pool, not the feed: the feed is read in the pass."""
    pools: list = []
    start = calendars._Parsers._start

    def killed_at_once():
        pool = start()
        pool.submit(int).result()  # its processes are up...
        for process in list(pool._processes.values()):
            process.kill()  # ...and gone
            process.join()
        pools.append(pool)
        return pool

    connect(rep, serve(feeds, [GLOBEX]))
    calendar_pass(rep, NOW)
    monkeypatch.setattr(calendars._Parsers, "_start", staticmethod(killed_at_once))
    serve(feeds, [GLOBEX, INITECH])
    report = calendar_pass(rep, NOW + timedelta(minutes=16))

    assert [(r.user_id, r.counts.imported) for r in report.read] == [(REP_NY, 1)]
    assert [i.account.name for i in interactions(rep)] == ["Globex", "Initech"]
    assert "the calendar parsers' pool broke" in caplog.text
    assert len(pools) == 1


def test_a_pass_leaves_no_parser_behind(rep: Coach, feeds: FeedServer) -> None:
    """Each pass stops its pool: a process that ended with one up would wait for it."""
    started: list = []
    start = calendars._Parsers._start

    def watched():
        started.append(start())
        return started[-1]

    connect(rep, serve(feeds, [GLOBEX]))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(calendars._Parsers, "_start", staticmethod(watched))
        calendar_pass(rep, NOW)
    (pool,) = started
    assert pool._shutdown_thread  # shut down with the pass...
    assert not pool._processes  # ...its parsers gone


def test_cancelled_and_vanished_meetings_are_cancelled_not_lost_and_come_back(
    rep: Coach, feeds: FeedServer
) -> None:
    connect(rep, serve(feeds, [GLOBEX, INITECH]))
    calendar_pass(rep, NOW)
    cancelled = Event(GLOBEX.uid, GLOBEX.start, GLOBEX.guests, status="CANCELLED", sequence=1)
    serve(feeds, [cancelled])  # Globex cancelled, Initech deleted
    report = calendar_pass(rep, NOW + timedelta(minutes=16))
    assert report.read[0].counts.cancelled == 2
    assert [(i.cancelled_at is not None, i.cancel_reason) for i in interactions(rep)] == [
        (True, CancelReason.CALENDAR),
        (True, CancelReason.CALENDAR),
    ]
    serve(feeds, [GLOBEX, INITECH])
    report = calendar_pass(rep, NOW + timedelta(minutes=32))
    assert report.read[0].counts.restored == 2
    assert all(i.cancelled_at is None for i in interactions(rep))


def plan_by_hand(
    coach: Coach, account: str, when: str, interaction_id: int | None = None
) -> plans.SavedPlan:
    """A plan as /precall saves one, for `account` at `when` (read at NOW in New York)."""
    form = plans.PlanForm(
        account=account,
        kind="meeting",
        when_text=when,
        stage="demo",
        objective="Li Wei (CTO) agrees to a pilot by Friday",
    )
    draft = plans.check_plan(form, "America/New_York", NOW)
    assert isinstance(draft, plans.PlanDraft)
    with coach.services.sessions.begin() as session:
        saved = plans.save_plan(
            session, Workspace(coach.team_id), REP_NY, draft, NOW, interaction_id=interaction_id
        )
        session.expunge(saved.interaction)
        return saved


def test_a_plan_typed_by_hand_and_the_imported_meeting_are_one_interaction(
    rep: Coach, feeds: FeedServer
) -> None:
    # Planned by hand first, at 15:30; the calendar says 15:00: one interaction, at 15:00.
    plan_by_hand(rep, "Globex", "today 3:30pm")
    connect(rep, serve(feeds, [GLOBEX]))
    report = calendar_pass(rep, NOW)
    assert (report.read[0].counts.imported, report.read[0].counts.linked) == (0, 1)
    (one,) = interactions(rep)
    assert one.scheduled_at == GLOBEX.start and one.objective is not None

    # And the other way round: a plan typed for Initech near its imported meeting lands on it.
    serve(feeds, [GLOBEX, INITECH])
    calendar_pass(rep, NOW + timedelta(minutes=16))
    saved = plan_by_hand(rep, "initech", "saturday 11am")
    assert saved.interaction.scheduled_at == INITECH.start
    assert len(interactions(rep)) == 2


def test_an_account_the_rep_renames_keeps_the_meetings_with_its_people(
    rep: Coach, feeds: FeedServer
) -> None:
    connect(rep, serve(feeds, [GLOBEX]))
    calendar_pass(rep, NOW)
    (imported,) = interactions(rep)
    plan_by_hand(rep, "Globex Corporation", "today 3pm", interaction_id=imported.id)
    later = Event("globex-2@google.com", NOW + timedelta(days=3), ("li.wei@globex.com",))
    serve(feeds, [GLOBEX, later])
    calendar_pass(rep, NOW + timedelta(minutes=16))
    assert {i.account.name for i in interactions(rep)} == {"Globex Corporation"}


def test_a_failing_feed_is_told_once_and_keeps_what_was_imported(
    rep: Coach, feeds: FeedServer
) -> None:
    connect(rep, serve(feeds, [GLOBEX]))
    calendar_pass(rep, NOW)
    feeds.add(PATH, Route(status=401, body=b"no"))
    first = calendar_pass(rep, NOW + timedelta(minutes=16))
    second = calendar_pass(rep, NOW + timedelta(minutes=32))
    assert [f.problem.value for f in first.failing + second.failing] == ["unauthorized"] * 2
    assert (first.told, second.told) == ([REP_NY], [])
    (told,) = dms(rep)
    assert "I can no longer read your calendar" in told.text
    assert len(interactions(rep)) == 1
    (link,) = rows(rep, links.CalendarLink)
    assert link.failing_problem == "unauthorized"
    # The button opens the connect form, with what is wrong under the address.
    form = click_home(rep, "calendar_open", None)
    assert "The calendar refused access" in str(form)


def test_out_of_office_days_follow_the_feed(rep: Coach, feeds: FeedServer) -> None:
    away = Event("ooo@google.com", NOW + timedelta(days=1), (), minutes=8 * 60, title="OOO")
    connect(rep, serve(feeds, [GLOBEX, away]))
    assert calendar_pass(rep, NOW).read[0].counts.away_days == 1
    assert [(d.day, d.event_key) for d in rows(rep, AwayDay)] == [
        ((NOW + timedelta(days=1)).date(), "ooo@google.com")
    ]
    assert len(interactions(rep)) == 1  # the day away is no meeting
    serve(feeds, [GLOBEX])  # back at work after all
    calendar_pass(rep, NOW + timedelta(minutes=16))
    assert rows(rep, AwayDay) == []


# ----- prompts


def imported(coach: Coach, feeds: FeedServer, events: list[Event]) -> list[Interaction]:
    connect(coach, serve(feeds, events))
    calendar_pass(coach, NOW)
    return interactions(coach)


def test_a_meeting_without_a_plan_is_prompted_once_half_an_hour_before(
    rep: Coach, feeds: FeedServer
) -> None:
    (meeting,) = imported(rep, feeds, [GLOBEX])
    assert prompts(rep, GLOBEX.start - timedelta(minutes=31)).sent == []
    report = prompts(rep, GLOBEX.start - timedelta(minutes=30))
    assert [(s.kind, s.interaction_id) for s in report.sent] == [
        (DeliveryKind.MEETING_BEFORE, meeting.id)
    ]
    assert prompts(rep, GLOBEX.start - timedelta(minutes=20)).sent == []
    (dm,) = dms(rep)
    assert "Globex" in dm.text and "Li Wei" in str(dm.blocks)
    key = f"{meeting.id}:unplanned_today"  # the prompt is the meeting's nudge item
    button = prompt_button(dm, key)
    assert (button["text"]["text"], button["value"]) == ("Plan it", key)

    # Plan it: the /precall form on that very interaction; saving plans it, adds none.
    rep.set_now(GLOBEX.start - timedelta(minutes=20))
    click_prompt(rep, NudgeIds.PLAN_IT, key)
    form = rep.slack.wait_for("views.update")[-1].response["view"]
    rep.submit(form, plan_values(form, account="Globex", when="today 3pm"), REP_NY)
    (planned,) = interactions(rep)
    assert planned.id == meeting.id and planned.objective is not None


def test_after_the_meeting_the_outcome_is_asked_for_once(rep: Coach, feeds: FeedServer) -> None:
    (meeting,) = imported(rep, feeds, [GLOBEX])
    end = GLOBEX.start + timedelta(minutes=GLOBEX.minutes)
    assert [s.kind for s in prompts(rep, GLOBEX.start - timedelta(minutes=30)).sent] == [
        DeliveryKind.MEETING_BEFORE
    ]
    assert prompts(rep, end + timedelta(minutes=14)).sent == []
    report = prompts(rep, end + timedelta(minutes=15))
    assert [s.kind for s in report.sent] == [DeliveryKind.MEETING_AFTER]
    assert prompts(rep, end + timedelta(minutes=30)).sent == []
    key = f"{meeting.id}:no_outcome"
    button = prompt_button(dms(rep)[-1], key)
    assert (button["text"]["text"], button["value"]) == ("Log outcome", key)
    rep.set_now(end + timedelta(minutes=20))
    click_prompt(rep, NudgeIds.LOG_OUTCOME, key)
    opened = rep.slack.wait_for("views.open")[-1].response["view"]
    assert opened["type"] == "modal"


@pytest.mark.parametrize(
    ("setting", "lead"),
    [(MeetingPrompt.MINUTES_15, 15), (MeetingPrompt.MINUTES_60, 60)],
)
def test_the_rep_chooses_how_long_before(
    rep: Coach, feeds: FeedServer, setting: MeetingPrompt, lead: int
) -> None:
    imported(rep, feeds, [GLOBEX])
    with rep.services.sessions.begin() as session:
        session.scalars(select(Rep)).one().meeting_prompt = setting
    assert prompts(rep, GLOBEX.start - timedelta(minutes=lead + 1)).sent == []
    assert len(prompts(rep, GLOBEX.start - timedelta(minutes=lead)).sent) == 1


@pytest.mark.parametrize("setting", [MeetingPrompt.OFF, MeetingPrompt.DIGEST])
def test_off_and_digest_only_send_no_prompt_before(
    rep: Coach, feeds: FeedServer, setting: MeetingPrompt
) -> None:
    imported(rep, feeds, [GLOBEX])
    with rep.services.sessions.begin() as session:
        session.scalars(select(Rep)).one().meeting_prompt = setting
    end = GLOBEX.start + timedelta(minutes=GLOBEX.minutes)
    sent = prompts(rep, GLOBEX.start - timedelta(minutes=30)).sent
    sent += prompts(rep, end + timedelta(minutes=20)).sent
    assert sent == []


def test_no_prompt_outside_the_reps_day_in_do_not_disturb_or_away(
    rep: Coach, feeds: FeedServer
) -> None:
    # Friday 07:15 in New York: half an hour before is 06:45, before the rep's day starts.
    early = Event("early@google.com", NOW + timedelta(hours=21, minutes=15), ("li@globex.com",))
    imported(rep, feeds, [early])
    assert prompts(rep, early.start - timedelta(minutes=25)).sent == []  # 06:50
    rep.slack.set_dnd(REP_NY, rep.slack.now() + 600)  # a snooze, by Slack's own clock
    report = prompts(rep, early.start - timedelta(minutes=15))  # 07:00, in Do Not Disturb
    assert (report.sent, report.in_dnd) == ([], 1)
    rep.slack.set_dnd(REP_NY, 0)
    away = AwayDay(
        team_id=rep.team_id,
        user_id=REP_NY,
        day=(NOW + timedelta(days=1)).date(),
        event_key="ooo@google.com",
    )
    with rep.services.sessions.begin() as session:
        session.add(away)
    assert prompts(rep, early.start - timedelta(minutes=9)).sent == []  # away that day
    with rep.services.sessions.begin() as session:
        session.execute(delete(AwayDay))
    assert len(prompts(rep, early.start - timedelta(minutes=8)).sent) == 1
    assert len(dms(rep)) == 1


def test_a_cancelled_meeting_is_not_prompted(rep: Coach, feeds: FeedServer) -> None:
    imported(rep, feeds, [GLOBEX])
    serve(feeds, [Event(GLOBEX.uid, GLOBEX.start, GLOBEX.guests, status="CANCELLED")])
    calendar_pass(rep, NOW + timedelta(minutes=16))
    assert prompts(rep, GLOBEX.start - timedelta(minutes=30)).sent == []


def test_a_prompt_is_claimed_once(rep: Coach, feeds: FeedServer) -> None:
    imported(rep, feeds, [GLOBEX])
    at = GLOBEX.start - timedelta(minutes=25)
    first, second = prompts(rep, at), prompts(rep, at)
    assert (len(first.sent), len(second.sent)) == (1, 0)
    (claim,) = [d for d in rows(rep, Delivery) if d.kind == DeliveryKind.MEETING_BEFORE]
    assert claim.recipient == REP_NY
    assert len(dms(rep)) == 1
    assert rows(rep, Account)


def test_disconnecting_stops_the_reading_and_keeps_what_was_imported(
    rep: Coach, feeds: FeedServer
) -> None:
    connect(rep, serve(feeds, [GLOBEX, INITECH]))
    calendar_pass(rep, NOW)
    (link,) = rows(rep, links.CalendarLink)
    with rep.services.sessions.begin() as session:
        gone = links.disconnect(session, Workspace(rep.team_id), REP_NY, link.id)
    assert gone is links.Disconnected.REMOVED
    fetched = len(feeds.requests)
    assert calendar_pass(rep, NOW + timedelta(minutes=16)).read == []
    assert len(feeds.requests) == fetched
    assert [i.cancelled_at for i in interactions(rep)] == [None, None]
    assert len(rows(rep, CalendarMeeting)) == 2
