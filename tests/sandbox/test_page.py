"""The sandbox page's server: what a person sees and does, against the real app and the double."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from werkzeug.serving import make_server

from app.domain.calendar.check import upcoming_window
from app.domain.calendar.feed import read_feed
from app.domain.calendar.sync import sync_window
from app.sandbox.dispatch import NOT_OPEN, Dispatcher
from app.sandbox.inbound import (
    new_trigger_id,
    plain_text_value,
    radio_value,
    static_select_value,
)
from app.sandbox.sample_calendar import sample_meetings
from app.sandbox.sample_workspace import COMPANY_DOMAIN, SAMPLE_PEOPLE, seed
from app.sandbox.server import SandboxControls, create_sandbox_app
from app.sandbox.slack_double import SlackDouble
from app.slack.forms.plan import PrecallIds
from app.slack.forms.review import ReviewIds
from tests.support.coach import SIGNING_SECRET, RunningCoach, running_coach

ANA = "U0SBANA"
SAM = "U0SBSAM"
SALES = "C0SBSALES"
INPUT = PrecallIds.INPUT


class Page:
    """The page's requests, as sandbox.js sends them, through Flask's test client."""

    def __init__(self, web: Flask, slack: SlackDouble, user: str = ANA) -> None:
        self.client = web.test_client()
        self.slack = slack
        self.user = user

    def state(self, channel: str | None = None) -> dict:
        query = {"user": self.user} | ({"channel": channel} if channel else {})
        response = self.client.get("/sandbox/state", query_string=query)
        assert response.status_code == 200
        return response.get_json()

    def post(self, path: str, **body) -> dict:
        response = self.client.post(path, json={"user": self.user, **body})
        assert response.status_code == 200, response.data
        return response.get_json()

    def type(self, text: str, channel: str | None = None) -> None:
        self.post("/sandbox/command", channel=channel, text=text)

    def modal(self) -> dict | None:
        return self.state()["modal"]


@pytest.fixture
def running(database_url, sessions) -> Iterator[RunningCoach]:
    with running_coach(database_url, sessions) as coach:
        seed(coach.slack)
        yield coach


def sandbox_app(running: RunningCoach, **overrides) -> Flask:
    dispatcher = Dispatcher(running.slack, running.url + "/slack/events", SIGNING_SECRET)
    controls = SandboxControls(
        slack=running.slack,
        dispatcher=dispatcher,
        run_scheduler=overrides.get("run_scheduler", lambda run, at: (True, "")),
        reset=overrides.get("reset", lambda: None),
        app_is_ready=lambda: True,
        **{name: overrides[name] for name in ("explain",) if name in overrides},
        calendar_base=overrides.get("calendar_base", ""),
    )
    return create_sandbox_app(controls)


@pytest.fixture
def page(running) -> Page:
    return Page(sandbox_app(running), running.slack)


def open_precall(page: Page, running: RunningCoach, text: str) -> dict:
    updates = len(running.slack.calls("views.update"))
    page.type(f"/precall {text}")
    running.slack.wait_for("views.update", count=updates + 1)
    return page.modal()


def plan(account: str, when: str, objective: str) -> dict:
    return {
        PrecallIds.ACCOUNT_BLOCK: {INPUT: plain_text_value(account)},
        PrecallIds.KIND_BLOCK: {INPUT: radio_value("call")},
        PrecallIds.WHEN_BLOCK: {INPUT: plain_text_value(when)},
        PrecallIds.STAGE_BLOCK: {INPUT: static_select_value("discovery")},
        PrecallIds.OBJECTIVE_BLOCK: {INPUT: plain_text_value(objective)},
        PrecallIds.MINIMUM_BLOCK: {INPUT: plain_text_value(None)},
    }


def test_a_new_visitor_is_the_first_sample_person_in_the_apps_dm(page, running):
    page.user = ""
    state = page.state()

    assert state["me"]["id"] == SAMPLE_PEOPLE[0].user_id
    assert [p["id"] for p in state["people"]] == [p.user_id for p in SAMPLE_PEOPLE]
    assert {c["name"] for c in state["channels"]} == {"sales-team", "general"}
    assert state["channel"]["id"] == running.slack.dm_channel_id(state["me"]["id"])
    assert state["channel"]["is_app"] is True
    assert state["modal"] is None


def test_a_slash_command_opens_the_apps_modal_for_that_person_only(page, running):
    modal = open_precall(page, running, "Initech tomorrow 10am")

    assert "Plan an interaction" in modal["html"]
    assert 'value="Initech"' in modal["html"]
    page.user = SAM
    assert page.modal() is None


def test_inline_errors_show_under_their_field_and_keep_what_was_typed(page, running):
    modal = open_precall(page, running, "Initech")
    values = plan("Initech", "whenever suits", "Their CFO agrees to a pricing review")

    answer = page.post("/sandbox/views/submit", view_id=modal["id"], values=values)

    assert answer == {"ok": True, "error": None}
    shown = page.modal()
    assert shown["id"] == modal["id"]
    assert 'class="sb-error"' in shown["html"]
    assert "Their CFO agrees to a pricing review" in shown["html"]
    assert shown["key"] != modal["key"]


def test_a_weak_objective_pushes_the_review_and_back_returns_to_the_form(page, running):
    modal = open_precall(page, running, "Initech")
    values = plan("Initech", "tomorrow 10am", "Send them our deck")

    page.post("/sandbox/views/submit", view_id=modal["id"], values=values)
    review = page.modal()
    assert review["depth"] == 2
    assert "Review your objective" in review["html"]

    page.post("/sandbox/views/close", view_id=review["id"])
    back = page.modal()
    assert back["id"] == modal["id"]
    assert back["depth"] == 1
    assert "Send them our deck" in back["html"]


def test_back_to_edit_submits_the_review_and_returns_to_the_form(page, running):
    modal = open_precall(page, running, "Initech")
    values = plan("Initech", "tomorrow 10am", "Send them our deck")
    page.post("/sandbox/views/submit", view_id=modal["id"], values=values)

    page.post("/sandbox/views/submit", view_id=page.modal()["id"], values={})

    back = page.modal()
    assert back["id"] == modal["id"] and back["depth"] == 1
    assert "Send them our deck" in back["html"]


def test_save_anyway_saves_the_plan_and_closing_the_notice_closes_every_view(page, running):
    modal = open_precall(page, running, "Initech")
    page.post(
        "/sandbox/views/submit",
        view_id=modal["id"],
        values=plan("Initech", "tomorrow 10am", "Send them our deck"),
    )
    review = page.modal()
    posts = len(running.slack.calls("chat.postMessage"))

    save = {
        "type": "button",
        "action_id": ReviewIds.SAVE_ANYWAY,
        "block_id": ReviewIds.ACTIONS_BLOCK,
    }
    page.post("/sandbox/actions", view_id=review["id"], action=save, values={})
    running.slack.wait_for("chat.postMessage", count=posts + 1)
    assert "Plan saved" in page.modal()["html"]
    page.post("/sandbox/views/close", view_id=review["id"])

    state = page.state()
    assert state["modal"] is None
    assert "Initech" in state["channel"]["html"]
    assert 'class="sb-post-author">Commitment Coach' in state["channel"]["html"]


def test_a_form_already_closed_cannot_be_submitted(page, running):
    modal = open_precall(page, running, "Initech")
    page.post("/sandbox/views/close", view_id=modal["id"])

    answer = page.post("/sandbox/views/submit", view_id=modal["id"], values={})

    assert answer == {"ok": False, "error": NOT_OPEN}


def test_an_ephemeral_reply_is_shown_to_the_person_who_typed_the_command(page, running):
    page.type("/coach help", channel=SALES)

    mine = page.state(SALES)["channel"]["html"]
    assert "Only visible to you" in mine
    assert "/precall" in mine
    page.user = SAM
    assert "Only visible to you" not in page.state(SALES)["channel"]["html"]


def test_a_command_the_app_does_not_declare_is_answered_by_slack_not_sent(page, running):
    before = len(running.slack.calls())
    page.type("/invite @Commitment Coach", channel=SALES)

    assert "/invite is not a valid command" in page.state(SALES)["channel"]["html"]
    assert running.slack.calls()[before:] == []  # the app never heard of it


def test_plain_text_is_posted_as_the_person(page, running):
    page.type("Morning team!", channel=SALES)

    html = page.state(SALES)["channel"]["html"]
    assert 'class="sb-post-author">Ana Ortiz' in html
    assert "Morning team!" in html


def test_requests_are_signed_so_a_wrong_secret_is_refused_by_the_app(running):
    dispatcher = Dispatcher(running.slack, running.url + "/slack/events", "not-the-secret")

    dispatcher.slash_command(ANA, SALES, "/coach", "help")

    [notice] = running.slack.messages(SALES)
    assert notice.ephemeral_to == ANA
    assert notice.text == '/coach failed with the error "dispatch_failed"'


def test_a_view_the_double_rejects_shows_in_the_page(page, running):
    before = page.state()["violations"]["total"]

    with pytest.raises(SlackApiError, match="invalid_arguments"):
        _client(running.slack).views_open(
            trigger_id=new_trigger_id(ANA), view={"type": "modal", "blocks": []}
        )

    violations = page.state()["violations"]
    assert violations["total"] > before
    assert "views.open" in violations["recent"][-1]
    assert page.modal() is None


def test_an_invalid_view_in_a_submission_answer_is_reported_in_the_modal(running):
    """Slack refuses a response_action view it cannot show; the form stays, with the reason."""
    invalid = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 30}, "blocks": []}
    app = _answering_app({"response_action": "update", "view": invalid})
    with app as url:
        dispatcher = Dispatcher(running.slack, url, SIGNING_SECRET)
        modal = _open_simple_modal(running.slack, ANA)
        problem = dispatcher.submit_view(ANA, modal["id"], {})

    assert problem is not None and problem.startswith("Slack refused the app's view")
    assert running.slack.top_view(ANA)["id"] == modal["id"]
    assert running.slack.violations


def test_the_clock_runs_as_of_a_local_time_in_the_persons_zone(running):
    runs = []
    web = sandbox_app(running, run_scheduler=lambda run, at: runs.append((run, at)) or (True, "1"))
    page = Page(web, running.slack)

    answer = page.post("/sandbox/clock", run="nudges", at="2026-11-28T09:30")

    assert answer["ok"] is True
    assert runs == [("nudges", datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("America/New_York")))]


def test_the_clock_refuses_what_it_cannot_run(page):
    response = page.client.post("/sandbox/clock", json={"user": ANA, "run": "x", "at": ""})
    assert response.status_code == 400
    response = page.client.post(
        "/sandbox/clock", json={"user": ANA, "run": "summaries", "at": "soon"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "Pick a date and a time."


def test_only_people_of_the_workspace_can_act(page, running):
    response = page.client.post(
        "/sandbox/command", json={"user": running.slack.bot_user_id, "text": "/coach help"}
    )
    assert response.status_code == 404


def test_the_page_and_its_assets_are_served(page):
    assert b'id="sb-composer"' in page.client.get("/").data
    assert page.client.get("/static/sandbox.js").status_code == 200
    assert page.client.get("/static/sandbox.css").status_code == 200


# ---------------------------------------------------------------- helpers


def _client(slack: SlackDouble) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def _open_simple_modal(slack: SlackDouble, user_id: str) -> dict:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Simple"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
    }
    return _client(slack).views_open(trigger_id=new_trigger_id(user_id), view=view)["view"]


class _answering_app:  # noqa: N801 (used as a context manager, like a function)
    """A stand-in app that answers every request with one JSON body."""

    def __init__(self, body: dict) -> None:
        def answer(environ, start_response):
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]

        self.server = make_server("127.0.0.1", 0, answer, threaded=True)

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/slack/events"

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()


def test_thread_replies_fold_under_their_parent(page, running):
    client = _client(running.slack)
    parent = client.chat_postMessage(channel=SALES, text="Team summary")["ts"]
    for rep in ("Ana", "Kenji"):
        client.chat_postMessage(channel=SALES, thread_ts=parent, text=f"{rep}'s figures")

    html = page.state(SALES)["channel"]["html"]

    assert html.count('class="sb-post"') == 3
    folded = html[html.index('<details class="sb-thread">') :]
    assert folded.startswith('<details class="sb-thread"><summary>2 replies</summary>')
    assert "Ana&#x27;s figures" in folded and "Kenji&#x27;s figures" in folded


def test_messages_show_their_time_in_the_viewers_zone(page, running):
    page.type("Morning team!", channel=SALES)
    [message] = running.slack.messages(SALES)
    posted = datetime.fromtimestamp(float(message.ts), ZoneInfo("America/Los_Angeles"))

    page.user = SAM
    html = page.state(SALES)["channel"]["html"]

    assert f'datetime="{posted.isoformat()}"' in html


# ---------------------------------------------------------------- shortcuts and the clock


def test_the_page_offers_the_apps_shortcuts_and_each_message_its_more_actions(page):
    state = page.state()
    assert {(s["name"], s["type"]) for s in state["shortcuts"]} == {
        ("Plan an interaction", "global"),
        ("Log an outcome", "global"),
        ("Log outcome from message", "message"),
        ("Plan a follow-up", "message"),
    }
    page.type("Lunch with Acme Corp went well", channel=SALES)
    html = page.state(SALES)["channel"]["html"]
    assert 'class="sb-more-actions"' in html
    assert 'data-shortcut="log_outcome_from_message"' in html
    assert 'data-shortcut="plan_interaction"' not in html  # global ones are in the message box


def test_a_global_shortcut_opens_the_apps_modal(page, running):
    updates = len(running.slack.calls("views.update"))
    assert page.post("/sandbox/shortcut", callback_id="plan_interaction")["ok"] is True
    running.slack.wait_for("views.update", count=updates + 1)
    assert running.slack.top_view(ANA)["callback_id"] == PrecallIds.CALLBACK
    assert "Plan an interaction" in page.modal()["html"]


def test_a_message_shortcut_sends_the_message_and_its_text_reaches_the_notes(page, running):
    page.type("Gavin books the pilot kickoff", channel=SALES)
    (posted,) = [m for m in running.slack.messages(SALES) if m.text.startswith("Gavin")]
    updates = len(running.slack.calls("views.update"))
    answer = page.post(
        "/sandbox/shortcut",
        callback_id="log_outcome_from_message",
        channel=SALES,
        message_ts=posted.ts,
    )
    assert answer["ok"] is True
    running.slack.wait_for("views.update", count=updates + 1)
    modal = running.slack.top_view(ANA)
    assert modal["callback_id"] == "postcall_outcome"
    assert "Gavin books the pilot kickoff" in json.dumps(modal["blocks"])
    assert "Gavin books the pilot kickoff" in page.modal()["html"]


def test_a_shortcut_the_app_does_not_declare_or_a_message_gone_is_refused(page):
    assert page.post("/sandbox/shortcut", callback_id="delete_everything")["ok"] is False
    gone = page.post(
        "/sandbox/shortcut", callback_id="plan_follow_up", channel=SALES, message_ts="1.000001"
    )
    assert gone == {"ok": False, "error": "That message is gone."}


def test_the_clock_answers_in_plain_words_and_the_page_shows_the_sandbox_time(running):
    said = []
    web = sandbox_app(
        running,
        run_scheduler=lambda run, at: (True, "nudge sweep at …: 0 sent"),
        explain=lambda run, at, report: said.append(report) or "Nobody got a nudge.",
    )
    friday = datetime(2026, 11, 27, 14, 30, tzinfo=ZoneInfo("UTC"))
    running.slack.shift_clock(friday.timestamp() - time.time())
    page = Page(web, running.slack)
    answer = page.post("/sandbox/clock", run="nudges", at="2026-11-28T09:30")
    assert (answer["report"], answer["details"]) == ("Nobody got a nudge.", said[0])
    state = page.state()
    assert state["clock_now"] == "Fri 27 Nov, 9:30 AM"  # Ana is in New York
    assert state["clock_default"] == "2026-11-28T09:30"
    # Dates read relative to the sandbox's clock: Saturday is "tomorrow" there.
    running.slack.post_as_user(SALES, ANA, "<!date^1795878000^{date_short_pretty}|Sat>")
    assert ">tomorrow<" in page.state(SALES)["channel"]["html"]


def test_each_sample_person_has_a_calendar_with_customer_meetings_ahead(running) -> None:
    page = Page(sandbox_app(running, calendar_base="http://127.0.0.1:3000"), running.slack)
    address = page.state()["calendar_address"]
    assert address == "http://127.0.0.1:3000/sandbox/calendars/U0SBANA.ics"
    served = page.client.get("/sandbox/calendars/U0SBANA.ics")
    assert served.status_code == 200 and served.mimetype == "text/calendar"
    now = datetime.now(ZoneInfo("UTC"))
    reading = read_feed(
        served.data,
        rep_addresses=frozenset(),
        company_domains=frozenset({COMPANY_DOMAIN}),
        window=upcoming_window(now),
        rep_zone="America/New_York",
    )
    assert [m.account_name for m in reading.meetings] == ["Globex", "Hooli", "Initech"]
    assert page.client.get("/sandbox/calendars/U0NOBODY.ics").status_code == 404
    # Without a base (the tests' page), no address is offered.
    assert Page(sandbox_app(running), running.slack).state()["calendar_address"] is None


def test_from_the_next_morning_the_sample_calendar_moves_one_meeting_and_cancels_another() -> None:
    real_now = datetime(2026, 12, 2, 15, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in New York
    zone = "America/New_York"
    before = {m.key: m for m in sample_meetings(zone, real_now, real_now)}
    next_morning = datetime(2026, 12, 3, 13, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 the next day
    after = {m.key: m for m in sample_meetings(zone, next_morning, real_now)}
    assert after["initech-demo"].start - before["initech-demo"].start == timedelta(minutes=90)
    assert (before["hooli-check-in"].cancelled, after["hooli-check-in"].cancelled) == (False, True)
    assert after["globex-discovery"].start == before["globex-discovery"].start


@pytest.mark.parametrize("hour", [0, 6, 11, 15, 21, 23])
def test_the_sample_past_meeting_is_in_the_calendar_passs_window_at_any_hour(hour: int) -> None:
    zone = ZoneInfo("America/New_York")
    real_now = datetime(2026, 12, 2, hour, 40, tzinfo=zone).astimezone(ZoneInfo("UTC"))
    (past,) = [
        m for m in sample_meetings("America/New_York", real_now, real_now) if m.start < real_now
    ]
    window = sync_window(real_now + timedelta(minutes=2))  # as the sandbox's pass runs it
    assert window.start <= past.start < real_now and past.start.minute % 15 == 0
