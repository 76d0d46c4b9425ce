"""Request plumbing: only the installed workspace is served, payload refs are checked, errors
are told where the user is."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from app.models import Base, Interaction, Rep
from app.sandbox import inbound
from app.slack.bolt import UNKNOWN_COMMAND
from app.slack.context import NOT_INSTALLED
from app.slack.errors import DATABASE_NOT_FINISHED
from app.slack.forms.plan import PrecallIds
from app.slack.views.nudges import NudgeIds
from tests.support.coach import EVENTS_PATH, RunningCoach, http
from tests.support.forms import open_precall, plan_values
from tests.support.nudges import (
    click,
    item_status,
    plan_todays_heads_up,
    save_plan,
    seed,
    sweep,
    the_dm,
)
from tests.support.workspace import REP_NY, REP_TOKYO

OTHER_TEAM = "T0OTHER"
LONG_TEAM = "T" * 200


def rows(coach: RunningCoach) -> dict[str, int]:
    """How many rows each table holds."""
    with coach.services.sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def slack_calls_since(coach: RunningCoach, count: int) -> list[str]:
    """The Web API methods the app called after the first `count` calls, auth.test aside."""
    return [c.method for c in coach.slack.calls()[count:] if c.method != "auth.test"]


@pytest.mark.parametrize(
    "fields",
    [
        {"team_id": OTHER_TEAM},
        {"team_id": LONG_TEAM},
        {"team_id": "str"},
        {"enterprise_id": "E0OTHER"},
    ],
)
def test_a_command_from_another_workspace_is_refused_politely_and_writes_nothing(
    coach: RunningCoach, fields: dict
) -> None:
    before, calls = rows(coach), len(coach.slack.calls())
    body = inbound.slash_command_body(
        command="/precall",
        text="Acme tomorrow 2pm",
        user_id=REP_NY,
        **({"team_id": coach.team_id} | fields),
    )
    response = coach.post_signed(body)
    assert response.status == 200
    assert response.json() == {"response_type": "ephemeral", "text": NOT_INSTALLED}
    coach.settle()
    assert rows(coach) == before
    assert slack_calls_since(coach, calls) == []


def test_a_form_submitted_from_another_workspace_is_ignored(coach: RunningCoach) -> None:
    view = open_precall(coach, REP_NY)
    before, calls = rows(coach), len(coach.slack.calls())
    payload = inbound.view_submission_payload(
        view=view, values=plan_values(), user_id=REP_NY, team_id=OTHER_TEAM
    )
    response = coach.post_signed(inbound.interaction_body(payload))
    assert (response.status, response.body) == (200, "")
    coach.settle()
    assert rows(coach) == before
    assert slack_calls_since(coach, calls) == []


def test_a_button_clicked_in_another_workspace_is_ignored(coach: RunningCoach) -> None:
    (interaction,) = seed(coach, (4, "Globex", False))
    sweep(coach)
    channel, message = the_dm(coach)
    before, calls = rows(coach), len(coach.slack.calls())
    key = f"{interaction}:unplanned_today"
    action = inbound.block_action(NudgeIds.MARK_LOST, "b", value=key)
    payload = inbound.block_actions_payload(
        user_id=REP_NY, team_id=OTHER_TEAM, actions=[action], channel_id=channel, message=message
    )
    response = coach.post_signed(inbound.interaction_body(payload))
    assert (response.status, response.body) == (200, "")
    coach.settle()
    assert rows(coach) == before
    assert slack_calls_since(coach, calls) == []
    assert item_status(coach, key) is None


def test_an_event_from_another_workspace_is_ignored(coach: RunningCoach) -> None:
    seed(coach, (-26, "Acme Corp", True))
    user = {"id": REP_NY, "team_id": OTHER_TEAM, "name": "dana", "tz": "Europe/Berlin"}
    body = json.dumps(
        inbound.event_callback_payload(event={"type": "user_change", "user": user}, team_id="T0X")
    )
    headers = inbound.signed_headers("test-signing-secret", body) | {
        "Content-Type": "application/json"
    }
    assert http("POST", coach.url + EVENTS_PATH, body, headers).status == 200
    coach.settle()
    with coach.services.sessions() as session:
        (rep,) = session.scalars(select(Rep)).all()
        assert rep.tz == "America/New_York"


def test_the_catch_all_answers_only_commands_the_app_does_not_declare() -> None:
    for name in ("/precall", "/postcall", "/coach"):
        assert not UNKNOWN_COMMAND.match(name)
    for name in ("/forecast", "/coachx", "/precall2", "/pre"):
        assert UNKNOWN_COMMAND.match(name)


def test_a_plan_cannot_update_another_reps_nudge_message(coach: RunningCoach) -> None:
    """The form Ana's Plan it opened carries her DM's ref and her interaction; Kenji submitting
    it (a crafted request) is refused inline, and her plan and her DM stay as they are."""
    key, form = plan_todays_heads_up(coach)
    values = plan_values(form, account="Globex", kind="call", when="Thu 26 Nov, 2:00 PM")
    refused = coach.submit(form, values, REP_TOKYO).json()
    assert refused["response_action"] == "errors"
    assert "no longer among your plans" in refused["errors"][PrecallIds.ACCOUNT_BLOCK]
    coach.settle()
    with coach.services.sessions() as session:
        rows = session.execute(select(Interaction.rep_user_id, Interaction.objective)).all()
    assert rows == [(REP_NY, None)]
    assert item_status(coach, key) is None  # her item keeps its buttons
    # Her own submission of the same form still shows what was done.
    assert save_plan(coach, form, "Globex").body == ""
    coach.settle()
    assert item_status(coach, key).startswith("✓ Planned for ")


def test_a_database_down_after_a_click_is_told_in_a_modal(coach: RunningCoach, tmp_path) -> None:
    (interaction,) = seed(coach, (4, "Globex", False))
    sweep(coach)

    working = coach.services.sessions
    coach.services.sessions = sessionmaker(create_engine(f"sqlite:///{tmp_path}/none/coach.db"))
    try:
        click(coach, NudgeIds.MARK_LOST, f"{interaction}:unplanned_today")
    finally:
        coach.services.sessions = working
    # A modal on the trigger id; past its 3 s (a loaded machine), the message's response_url.
    told = [c.args["view"]["blocks"][0]["text"]["text"] for c in coach.slack.calls("views.open")]
    told += [c.args.get("text") for c in coach.slack.calls("response_url")]
    assert DATABASE_NOT_FINISHED in told
