"""Shortcuts end to end: the global ones open the planning and outcome forms; the message ones
carry the message's text into the notes and offer the account it names."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select

from app.domain.outcomes import NOTES_MAX
from app.models import Interaction, Outcome, Result
from app.slack.forms.outcome import NOT_PLANNED, PostcallIds
from app.slack.forms.plan import PrecallIds
from app.slack.listeners.shortcuts import SHORTCUTS, ShortcutIds
from tests.support.coach import Coach
from tests.support.factories import add_interaction
from tests.support.forms import (
    block,
    initial,
    inputs_of,
    outcome_values,
    plan_interaction,
    plan_values,
    selected_key,
)
from tests.support.workspace import NOW, REP_NY

CHANNEL = "C0SALES"
MANIFEST = "manifest.yml"


def filled_form(coach: Coach, act) -> dict:
    """The form a shortcut opens, once the app has filled it in (views.update)."""
    updates = len(coach.slack.calls("views.update"))
    response = act()
    assert response.status == 200 and response.body == ""
    return coach.slack.wait_for("views.update", count=updates + 1)[-1].response["view"]


def message(text: str, ts: str = "1795750000.000100") -> dict:
    return {"type": "message", "user": "U0CUSTOMERREP", "ts": ts, "text": text}


def test_the_manifest_declares_the_shortcuts_the_app_serves() -> None:
    with open(MANIFEST) as declared:
        shortcuts = yaml.safe_load(declared)["features"]["shortcuts"]
    assert [(s["callback_id"], s["name"], s["type"], s["description"]) for s in shortcuts] == [
        tuple(shortcut) for shortcut in SHORTCUTS
    ]


def test_plan_an_interaction_opens_the_planning_form_and_saves_a_plan(coach: Coach) -> None:
    form = filled_form(coach, lambda: coach.global_shortcut(ShortcutIds.PLAN, REP_NY))
    assert form["callback_id"] == PrecallIds.CALLBACK
    assert "America/New_York" in str(block(form, PrecallIds.ZONE_BLOCK))
    assert coach.submit(form, plan_values(form), REP_NY).body == ""
    coach.settle()
    with coach.services.sessions() as session:
        assert session.scalars(select(Interaction.rep_user_id)).all() == [REP_NY]


def test_log_an_outcome_opens_the_outcome_form_on_the_likeliest_interaction(coach: Coach) -> None:
    interaction_id = plan_interaction(coach)
    form = filled_form(coach, lambda: coach.global_shortcut(ShortcutIds.LOG_OUTCOME, REP_NY))
    assert form["callback_id"] == PostcallIds.CALLBACK
    assert selected_key(form) == str(interaction_id)


def test_log_outcome_from_a_message_puts_its_text_in_the_notes_and_offers_its_account(
    coach: Coach,
) -> None:
    with coach.services.sessions.begin() as session:
        upcoming = add_interaction(session, NOW, user_id=REP_NY, account="Initech").id
    text = "Spoke with initech today: Gavin books the pilot kickoff <@U0BOSS> & co"
    form = filled_form(
        coach,
        lambda: coach.message_shortcut(
            ShortcutIds.LOG_OUTCOME_FROM_MESSAGE, CHANNEL, message(text), REP_NY
        ),
    )
    assert selected_key(form) == str(upcoming)  # the account the message names
    assert initial(form, f"{PostcallIds.NOTES_BLOCK}.{inputs_of(form)}") == text
    values = outcome_values(form, "continuation", next_step=None, when=None, notes=text)
    assert coach.submit(form, values, REP_NY).body == ""
    coach.settle()
    with coach.services.sessions() as session:
        (outcome,) = session.scalars(select(Outcome)).all()
        assert (outcome.interaction_id, outcome.result, outcome.notes) == (
            upcoming,
            Result.CONTINUATION,
            text,
        )


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("Lunch with ACME corp. went well", "Acme Corp"),
        ("", None),
        ("Lunch anyone?", None),
        ("We met Acme", None),  # not the whole name
        ("Acme Corporation called", None),  # inside a longer word
        ("x" * 40_000, None),
        ("%%%", None),
        ("'; DROP TABLE accounts;--", None),
    ],
)
def test_a_message_offers_the_known_account_it_names_and_no_other(
    coach: Coach, text: str, offered: str | None
) -> None:
    with coach.services.sessions.begin() as session:
        # Known, but too long ago for the form to offer its interaction.
        add_interaction(session, NOW - timedelta(days=100), user_id=REP_NY, account="Acme Corp")
    form = filled_form(
        coach,
        lambda: coach.message_shortcut(
            ShortcutIds.LOG_OUTCOME_FROM_MESSAGE, CHANNEL, message(text), REP_NY
        ),
    )
    assert selected_key(form) == NOT_PLANNED
    assert initial(form, f"{PostcallIds.ACCOUNT_BLOCK}.{inputs_of(form)}") == offered
    notes = initial(form, f"{PostcallIds.NOTES_BLOCK}.{inputs_of(form)}")
    kept = text if len(text) <= NOTES_MAX else text[: NOTES_MAX - 1] + "…"
    assert notes == (kept or None)


def test_plan_a_follow_up_from_a_message_offers_the_accounts_upcoming_interaction(
    coach: Coach,
) -> None:
    interaction_id = plan_interaction(coach, account="Globex", when="tomorrow 2pm")
    form = filled_form(
        coach,
        lambda: coach.message_shortcut(
            ShortcutIds.PLAN_FOLLOW_UP,
            CHANNEL,
            message("Globex wants the pricing review moved to Friday"),
            REP_NY,
        ),
    )
    assert form["callback_id"] == PrecallIds.CALLBACK
    assert initial(form, PrecallIds.ACCOUNT_BLOCK) == "Globex"
    assert initial(form, PrecallIds.INTERACTION_BLOCK) == str(interaction_id)


def test_plan_a_follow_up_from_a_message_naming_nothing_known_opens_an_empty_plan(
    coach: Coach,
) -> None:
    form = filled_form(
        coach,
        lambda: coach.message_shortcut(
            ShortcutIds.PLAN_FOLLOW_UP, CHANNEL, message("see you all at the offsite"), REP_NY
        ),
    )
    assert initial(form, PrecallIds.ACCOUNT_BLOCK) is None
    assert not any(b.get("block_id") == PrecallIds.INTERACTION_BLOCK for b in form["blocks"])


def test_plan_a_follow_up_still_opens_a_usable_form_when_the_zone_cannot_be_read(
    coach: Coach,
) -> None:
    coach.slack.fail_next("users.info", status=500)
    form = filled_form(
        coach,
        lambda: coach.message_shortcut(
            ShortcutIds.PLAN_FOLLOW_UP, CHANNEL, message("Globex wants a call"), REP_NY
        ),
    )
    assert form["callback_id"] == PrecallIds.CALLBACK
    assert form["submit"]["text"] == "Save plan"  # the form, not the loading notice
    zone_note = block(form, PrecallIds.ZONE_BLOCK)["elements"][0]["text"]
    assert zone_note == "Times are read in your Slack time zone."  # not completed
