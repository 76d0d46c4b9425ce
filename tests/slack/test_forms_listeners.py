"""The forms' contracts through the running app: stale metadata, unsavable text, stored text."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.domain.checks import UNSAVABLE
from app.models import Account, Interaction, Outcome, SummarySubscription
from app.sandbox import inbound
from app.slack.forms.outcome import PostcallIds
from app.slack.forms.plan import PrecallIds
from app.slack.views.notices import STALE_FORM
from tests.support.coach import RunningCoach
from tests.support.forms import (
    block,
    choose,
    open_precall,
    outcome_values,
    plan_interaction,
    plan_values,
    press_save_anyway,
    shown_review,
)
from tests.support.summaries import MANAGER, summary_values, team  # noqa: F401 (a fixture)
from tests.support.workspace import REP_NY

WEAK = "send them the proposal"


def rows(coach: RunningCoach, model) -> int:
    with coach.services.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def older(raw: str) -> str:
    """The same metadata as a version before this one wrote it."""
    return json.dumps({**json.loads(raw), "v": 0})


def tampered(raw: str) -> str:
    return json.dumps({**json.loads(raw), "is_admin": True})


def assert_open_it_again(body: dict) -> None:
    assert body["response_action"] == "update"
    assert body["view"]["blocks"][0]["text"]["text"] == STALE_FORM


@pytest.mark.parametrize("alter", [older, tampered, lambda raw: raw[:-1]])
def test_a_stale_plan_form_says_open_it_again_and_saves_nothing(coach: RunningCoach, alter) -> None:
    form = open_precall(coach, REP_NY)
    form["private_metadata"] = alter(form["private_metadata"])
    assert_open_it_again(coach.submit(form, plan_values(), REP_NY).json())
    coach.settle()
    assert rows(coach, Interaction) == 0 and rows(coach, Account) == 0
    assert coach.slack.calls("chat.postMessage") == []


@pytest.mark.parametrize("alter", [older, tampered])
def test_a_stale_review_says_open_it_again_and_saves_nothing(coach: RunningCoach, alter) -> None:
    form = open_precall(coach, REP_NY)
    review = shown_review(
        coach, form, coach.submit(form, plan_values(objective=WEAK), REP_NY).json()
    )
    review["private_metadata"] = alter(review["private_metadata"])
    press_save_anyway(coach, review)
    replaced = coach.slack.wait_for("views.update")[-1].args["view"]
    assert replaced["blocks"][0]["text"]["text"] == STALE_FORM
    assert rows(coach, Interaction) == 0


@pytest.mark.parametrize("alter", [older, tampered])
def test_a_stale_outcome_form_says_open_it_again_and_saves_nothing(
    coach: RunningCoach, alter
) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    values = outcome_values(view, "advanced")
    view["private_metadata"] = alter(view["private_metadata"])
    assert_open_it_again(coach.submit(view, values, REP_NY).json())
    coach.settle()
    assert rows(coach, Outcome) == 0 and rows(coach, Interaction) == 1


@pytest.mark.parametrize("alter", [older, tampered])
def test_a_stale_summary_form_says_open_it_again_and_saves_nothing(
    team: RunningCoach,  # noqa: F811 (the fixture)
    alter,
) -> None:
    view = team.open_modal("/coach", "summary", MANAGER)
    view["private_metadata"] = alter(view["private_metadata"])
    assert_open_it_again(team.submit(view, summary_values(), MANAGER).json())
    assert rows(team, SummarySubscription) == 0


def test_a_button_in_a_stale_outcome_form_shows_the_notice(coach: RunningCoach) -> None:
    other = plan_interaction(coach, account="Globex", when="today 8am")
    view = coach.open_modal("/postcall", "", REP_NY)
    view["private_metadata"] = older(view["private_metadata"])
    shown = choose(coach, view, str(other))
    assert shown["blocks"][0]["text"]["text"] == STALE_FORM
    assert not shown.get("submit")  # nothing left to save


def test_enter_in_a_stale_plan_form_shows_the_notice(coach: RunningCoach) -> None:
    view = open_precall(coach, REP_NY)
    view["private_metadata"] = tampered(view["private_metadata"])
    entered = inbound.block_action(
        PrecallIds.INPUT, PrecallIds.ACCOUNT_BLOCK, value="Acme", type="plain_text_input"
    )
    payload = inbound.block_actions_payload(
        user_id=REP_NY, team_id=coach.team_id, actions=[entered], view=view
    )
    updates = len(coach.slack.calls("views.update"))
    assert coach.post_signed(inbound.interaction_body(payload)).status == 200
    shown = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    assert shown["blocks"][0]["text"]["text"] == STALE_FORM


UNSAVABLE_TEXTS = ["Dana \ud800 signs on Tuesday", "Dana\x00 signs on Tuesday", "Dana \x07 signs"]


@pytest.mark.parametrize("text", UNSAVABLE_TEXTS)
def test_a_plan_with_text_the_database_refuses_gets_an_inline_error(
    coach: RunningCoach, text: str
) -> None:
    form = open_precall(coach, REP_NY)
    body = coach.submit(form, plan_values(account=text, objective=text), REP_NY).json()
    assert body == {
        "response_action": "errors",
        "errors": {PrecallIds.ACCOUNT_BLOCK: UNSAVABLE, PrecallIds.OBJECTIVE_BLOCK: UNSAVABLE},
    }
    assert rows(coach, Interaction) == 0 and rows(coach, Account) == 0


@pytest.mark.parametrize("text", UNSAVABLE_TEXTS)
def test_an_outcome_with_text_the_database_refuses_gets_an_inline_error(
    coach: RunningCoach, text: str
) -> None:
    plan_interaction(coach)
    view = coach.open_modal("/postcall", "", REP_NY)
    values = outcome_values(view, "advanced", next_step=text, notes=text)
    body = coach.submit(view, values, REP_NY).json()
    key = view["private_metadata"] and json.loads(view["private_metadata"])["inputs"]
    assert body == {
        "response_action": "errors",
        "errors": {
            f"{PostcallIds.NEXT_STEP_BLOCK}.{key}": UNSAVABLE,
            f"{PostcallIds.NOTES_BLOCK}.{key}": UNSAVABLE,
        },
    }
    assert rows(coach, Outcome) == 0 and rows(coach, Interaction) == 1


def test_an_account_too_long_once_case_folded_gets_an_inline_error(coach: RunningCoach) -> None:
    form = open_precall(coach, REP_NY)
    name = "Straße " + "a" * 143  # 150 characters; 151 as the account's key
    errors = coach.submit(form, plan_values(account=name), REP_NY).json()["errors"]
    assert list(errors) == [PrecallIds.ACCOUNT_BLOCK]
    assert rows(coach, Interaction) == 0 and rows(coach, Account) == 0


def test_last_time_shows_the_stored_text_as_typed(coach: RunningCoach) -> None:
    form = open_precall(coach, REP_NY)
    objective = "<!channel> Dana (CFO) agrees to a pricing review on Tuesday"
    planned = plan_values(objective=objective, when="9:50am")  # within the grace of 10:00
    assert coach.submit(form, planned, REP_NY).body == ""
    coach.settle()
    view = coach.open_modal("/postcall", "", REP_NY)
    values = outcome_values(view, "advanced", next_step="<https://evil.example|Sign> now")
    assert coach.submit(view, values, REP_NY).body == ""
    coach.settle()

    updates = len(coach.slack.calls("views.update"))
    coach.slash("/precall", "Acme Corp", REP_NY)
    shown = coach.slack.wait_for("views.update", count=updates + 1)[-1].args["view"]
    history = block(shown, PrecallIds.HISTORY_BLOCK)["elements"][0]["text"]
    assert "&lt;!channel&gt; Dana" in history
    assert "&lt;https://evil.example|Sign&gt; now" in history
    assert "<!channel>" not in history and "<https:" not in history
