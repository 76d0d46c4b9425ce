"""/coach calendar: connecting a calendar by its secret address, checked at once; masked
afterwards; disconnecting it (the rep's own only)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app.domain.calendar import CalendarSetup
from app.domain.calendar.problems import FeedProblem, Problem
from app.models import CalendarLink
from app.sandbox import inbound
from app.slack.forms.calendar import CalendarIds, problem_text
from app.slack.listeners.calendar import NOT_SET_UP, NOT_YOURS
from app.slack.views.home import HomeIds
from app.slack.views.notices import STALE_FORM
from tests.support.coach import Coach
from tests.support.feeds import LOCAL_POLICY, FeedServer
from tests.support.forms import block
from tests.support.home import click_home, open_home
from tests.support.workspace import REP_NY, REP_TOKYO

SECRET_PATH = "/calendar/ical/ana%40northwind.com/private-5ec12e7c0ffee/basic.ics"


@pytest.fixture
def rep(coach: Coach) -> Coach:
    """Dana in New York, whose Slack email tells the company's domain."""
    coach.slack.add_user(REP_NY, name="dana.rep", tz="America/New_York", email="ana@northwind.com")
    return coach


def open_form(coach: Coach, user_id: str = REP_NY) -> dict:
    opened = len(coach.slack.calls("views.open"))
    assert coach.slash("/coach", "calendar", user_id).status == 200
    return coach.slack.wait_for("views.open", count=opened + 1)[-1].response["view"]


def address(value: str) -> dict:
    return {CalendarIds.ADDRESS_BLOCK: {CalendarIds.INPUT: inbound.plain_text_value(value)}}


def links(coach: Coach) -> list[CalendarLink]:
    with coach.services.sessions() as session:
        return list(session.scalars(select(CalendarLink)))


def text_of(view: dict) -> str:
    return " ".join(str(b.get("text", {}).get("text", "")) for b in view["blocks"])


def check(coach: Coach, view: dict, typed: str, user_id: str = REP_NY) -> dict:
    """Submit `typed`: the form says "Checking…", then shows what the check found."""
    updates = len(coach.slack.calls("views.update"))
    body = coach.submit(view, address(typed), user_id).json()
    assert body["response_action"] == "update", body
    assert "Checking your calendar" in text_of(body["view"])
    coach.settle()
    (update,) = coach.slack.calls("views.update")[updates:]
    assert update.args["view_id"] == view["id"]
    return update.args["view"]


def connect(coach: Coach, feeds: FeedServer, user_id: str = REP_NY) -> dict:
    url = feeds.feed(SECRET_PATH, "google.ics")
    return check(coach, open_form(coach, user_id), url, user_id)


def test_the_form_says_where_to_find_the_address(rep: Coach) -> None:
    view = open_form(rep)
    assert view["callback_id"] == CalendarIds.CALLBACK
    explained = text_of(view)
    assert "Secret address in iCal format" in explained  # Google
    assert "ICS" in explained and "Outlook" in explained
    assert block(view, CalendarIds.ADDRESS_BLOCK)["element"]["type"] == "plain_text_input"


def test_connecting_counts_the_upcoming_external_meetings_and_stores_it_encrypted(
    rep: Coach, feeds: FeedServer
) -> None:
    view = connect(rep, feeds)
    # Two weeks from Thursday 26 November: the Acme sync on 1 December, the Globex intro on
    # the 3rd, the sync moved to the 9th. Not: the declined Initech pitch, the colleagues'
    # pipeline review (northwind.com, learned from Dana's Slack email), the all-day offsite,
    # the cancelled Hooli demo; the coffee on 11 December is past the two weeks.
    assert "I found 3 upcoming external meetings in the next 14 days." in text_of(view)
    (link,) = links(rep)
    assert link.user_id == REP_NY and link.team_id == rep.team_id
    assert "5ec12e7c0ffee" not in link.address_secret  # encrypted at rest
    assert rep.services.calendars.secrets.open(link.address_secret) == feeds.url(SECRET_PATH)
    assert link.address_masked == "http://127.0.0.1/….ics"
    assert "5ec12e7c0ffee" not in str(view)
    assert link.address_masked in text_of(view)
    disconnect = view["blocks"][-1]["elements"][0]
    assert (disconnect["action_id"], disconnect["value"]) == (CalendarIds.DISCONNECT, str(link.id))


def problem_under_the_address(view: dict) -> str:
    assert view["callback_id"] == CalendarIds.CALLBACK  # the form again, to fix the address
    return block(view, CalendarIds.PROBLEM_BLOCK)["elements"][0]["text"]


def test_webcal_addresses_are_fetched_over_https(rep: Coach, feeds: FeedServer) -> None:
    # Our feed server speaks plain http: the https handshake fails, so it was tried as https.
    typed = feeds.feed("/cal.ics", "google.ics").replace("http://", "webcal://")
    view = check(rep, open_form(rep), typed)
    expected = problem_text(FeedProblem(Problem.UNREACHABLE), LOCAL_POLICY)
    assert problem_under_the_address(view) == f":warning: {expected}"
    assert feeds.requests == []


def test_submitting_twice_stores_one_calendar(rep: Coach, feeds: FeedServer) -> None:
    url = feeds.feed(SECRET_PATH, "google.ics")
    view = open_form(rep)
    for _ in range(2):
        assert "I found 3" in text_of(check(rep, view, url))
    assert len(links(rep)) == 1


ROUTES = {
    "unauthorized": ({"status": 401, "body": b"Unauthorized"}, Problem.UNAUTHORIZED, 401),
    "not_found": ({"status": 404, "body": b"Not Found"}, Problem.NOT_FOUND, 404),
    "html": ({"body": b"<html><body>Sign in</body></html>"}, Problem.NOT_A_CALENDAR, None),
    "huge": ({"stream_bytes": 4 * LOCAL_POLICY.max_bytes}, Problem.TOO_LARGE, None),
    "slow": ({"stall": True}, Problem.TOO_SLOW, None),
    "private": (
        {"status": 302, "headers": {"Location": "http://10.0.0.7/cal.ics"}},
        Problem.ADDRESS_REFUSED,
        None,
    ),
    "server_error": ({"status": 503, "body": b"down"}, Problem.HTTP_STATUS, 503),
}


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_feed_that_cannot_be_read_says_why_under_the_field(
    rep: Coach, feeds: FeedServer, name: str
) -> None:
    route, problem, status = ROUTES[name]
    url = feeds.add(f"/{name}.ics", **route)
    view = check(rep, open_form(rep), url)
    expected = problem_text(FeedProblem(problem, status), LOCAL_POLICY)
    assert problem_under_the_address(view) == f":warning: {expected}"
    # The secret address is not sent back to Slack: the rep pastes it again.
    assert "initial_value" not in block(view, CalendarIds.ADDRESS_BLOCK)["element"]
    assert links(rep) == []


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("my calendar", Problem.NOT_A_URL),
        ("calendar.google.com/calendar/ical/x/basic.ics", Problem.NOT_A_URL),
        ("ftp://calendar.example.com/cal.ics", Problem.SCHEME),
    ],
)
def test_what_is_no_address_is_refused_at_once_under_the_field(
    rep: Coach, typed: str, problem: Problem
) -> None:
    body = rep.submit(open_form(rep), address(typed), REP_NY).json()
    expected = problem_text(FeedProblem(problem), LOCAL_POLICY)
    assert body["errors"] == {CalendarIds.ADDRESS_BLOCK: expected}
    assert links(rep) == []


def test_the_errors_say_what_to_do() -> None:
    assert "401" in problem_text(FeedProblem(Problem.UNAUTHORIZED, 401), LOCAL_POLICY)
    assert "reset" in problem_text(FeedProblem(Problem.NOT_FOUND, 404), LOCAL_POLICY)
    assert "https://" in problem_text(FeedProblem(Problem.NOT_A_URL), LOCAL_POLICY)
    production = CalendarSetup().policy
    assert "within 15 seconds" in problem_text(FeedProblem(Problem.TOO_SLOW), production)
    assert "larger than 10 MB" in problem_text(FeedProblem(Problem.TOO_LARGE), production)
    assert "larger than 256 KB" in problem_text(FeedProblem(Problem.TOO_LARGE), LOCAL_POLICY)


def test_the_address_is_never_logged(rep: Coach, feeds: FeedServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    connect(rep, feeds)
    failing = feeds.add("/calendar/ical/private-5ec12e7c0ffee/gone.ics", status=404)
    check(rep, open_form(rep, REP_TOKYO), failing, REP_TOKYO)
    assert caplog.records  # the app did log its work...
    assert "5ec12e7c0ffee" not in caplog.text  # ...never the secret


def test_a_connected_calendar_shows_masked_with_disconnect(rep: Coach, feeds: FeedServer) -> None:
    connect(rep, feeds)
    view = open_form(rep)
    assert view.get("submit") is None  # nothing to type: the calendar is connected
    assert "Connected: `http://127.0.0.1/….ics`" in text_of(view)
    assert "5ec12e7c0ffee" not in str(view)
    assert view["blocks"][-1]["elements"][0]["action_id"] == CalendarIds.DISCONNECT


def click_disconnect(coach: Coach, view: dict, user_id: str, link_id: str) -> None:
    action = inbound.block_action(CalendarIds.DISCONNECT, CalendarIds.ACTIONS_BLOCK, value=link_id)
    assert coach.act_in_view(view, action, user_id).status == 200
    coach.settle()


def test_disconnecting_removes_it_and_twice_is_fine(rep: Coach, feeds: FeedServer) -> None:
    connect(rep, feeds)
    view = open_form(rep)  # /coach calendar, once connected
    link_id = view["blocks"][-1]["elements"][0]["value"]
    click_disconnect(rep, view, REP_NY, link_id)
    assert links(rep) == []
    updated = rep.slack.calls("views.update")[-1].args["view"]
    assert "Disconnected" in text_of(updated)
    click_disconnect(rep, view, REP_NY, link_id)  # a second click, or a retried delivery
    assert "already disconnected" in text_of(rep.slack.calls("views.update")[-1].args["view"])
    assert open_form(rep)["callback_id"] == CalendarIds.CALLBACK  # the form to connect again


def test_another_reps_disconnect_is_refused(rep: Coach, feeds: FeedServer) -> None:
    connect(rep, feeds)
    view = open_form(rep)
    link_id = view["blocks"][-1]["elements"][0]["value"]
    opened = len(rep.slack.calls("views.open"))
    click_disconnect(rep, view, REP_TOKYO, link_id)
    assert len(links(rep)) == 1
    notice = rep.slack.wait_for("views.open", count=opened + 1)[-1].args["view"]
    assert NOT_YOURS in text_of(notice)
    # A value that is no link id at all is refused the same way.
    click_disconnect(rep, view, REP_TOKYO, "drop table")
    assert len(links(rep)) == 1


def test_each_rep_has_their_own_calendar(rep: Coach, feeds: FeedServer) -> None:
    connect(rep, feeds)
    assert open_form(rep, REP_TOKYO)["callback_id"] == CalendarIds.CALLBACK  # not Dana's


def test_without_a_secret_key_calendars_cannot_be_connected(rep: Coach, feeds: FeedServer) -> None:
    view = open_form(rep)
    rep.services.calendars = CalendarSetup()
    assert rep.slash("/coach", "calendar", REP_NY).json() == {
        "response_type": "ephemeral",
        "text": NOT_SET_UP,
    }
    body = rep.submit(view, address(feeds.feed(SECRET_PATH, "google.ics")), REP_NY).json()
    assert body["errors"] == {CalendarIds.ADDRESS_BLOCK: NOT_SET_UP}
    assert links(rep) == [] and feeds.requests == []


def test_a_stale_form_is_refused_whole(rep: Coach, feeds: FeedServer) -> None:
    view = open_form(rep) | {"private_metadata": '{"v":99,"zone":"UTC"}'}
    body = rep.submit(view, address(feeds.feed(SECRET_PATH, "google.ics")), REP_NY).json()
    assert body["response_action"] == "update" and STALE_FORM in str(body["view"])
    assert links(rep) == []


def test_the_home_opens_the_calendar_form_and_then_the_connected_calendar(
    rep: Coach, feeds: FeedServer
) -> None:
    home = open_home(rep)
    assert HomeIds.CALENDAR in {
        element.get("action_id")
        for b in home["blocks"]
        if b["type"] == "actions"
        for element in b["elements"]
    }
    form = click_home(rep, HomeIds.CALENDAR, None)
    assert form["callback_id"] == CalendarIds.CALLBACK
    check(rep, form, feeds.feed(SECRET_PATH, "google.ics"))
    shown = click_home(rep, HomeIds.CALENDAR, None)
    assert links(rep)[0].address_masked in text_of(shown)
    assert "private-5ec12e7c0ffee" not in str(shown)
