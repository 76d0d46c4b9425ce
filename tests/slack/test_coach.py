"""/coach: a rep's own figures, and help."""

from __future__ import annotations

from app.sandbox.limits import validate_message_blocks
from tests.support.coach import Coach
from tests.support.forms import open_precall, outcome_values, plan_interaction, plan_values
from tests.support.workspace import REP_NY, REP_TOKYO


def test_coach_me_shows_the_last_30_days_against_the_30_before(coach: Coach) -> None:
    # A plan written at 10:00 for 9:50, within the grace a meeting just started is given.
    form = open_precall(coach, REP_NY)
    assert coach.submit(form, plan_values(when="9:50am"), REP_NY).body == ""
    coach.settle()
    view = coach.open_modal("/postcall", "", REP_NY)
    coach.submit(view, outcome_values(view, "advanced"), REP_NY)

    response = coach.slash("/coach", "me", REP_NY)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "*1* interaction, *1* outcome: 0 won · 1 advanced" in str(body["blocks"])
    figures = {
        field["text"].split("*")[1]: field["text"].split("\n")[1:]
        for block in body["blocks"]
        for field in block.get("fields", [])
    }
    # The plan for 9:50 was written at 10:00: logged, but not planned before it happened.
    assert figures["Planned before they happened"] == ["0/1 (0%)", "_before: none yet_"]
    assert figures["Commitment hit rate (won + advanced)"] == ["1/1 (100%)", "_before: none yet_"]
    assert "Customer follow-through: agreed next steps the customer did" in str(body["blocks"])
    assert validate_message_blocks(body["blocks"]) == []  # as Slack would check the ack


def test_coach_me_with_nothing_logged_says_how_to_start(coach: Coach) -> None:
    plan_interaction(coach, REP_NY)
    body = coach.slash("/coach", "me", REP_TOKYO).json()  # Kenji sees only his own figures
    assert "No interactions in the last 30 days yet" in str(body["blocks"])


def test_coach_without_a_subcommand_explains_itself(coach: Coach) -> None:
    body = coach.slash("/coach", "", REP_NY).json()
    assert "/coach me" in body["text"] and "/precall" in body["text"]


def test_an_unknown_subcommand_is_named_before_the_help(coach: Coach) -> None:
    body = coach.slash("/coach", "stats please", REP_NY).json()
    assert body["text"].startswith("I don't know `/coach stats`.")
    assert "/coach me" in body["text"]
    assert "I don't know" not in coach.slash("/coach", "help", REP_NY).json()["text"]
