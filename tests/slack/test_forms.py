"""The forms' contracts without a server: metadata round trips and refusals, builders, errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from app.domain import coaching, nudge_settings, outcomes, plans, summaries
from app.domain.checks import UNSAVABLE, FieldErrors
from app.domain.plans import PlanField, PlanForm, PlanPrefill
from app.domain.text import ROW_ID_MAX
from app.models import (
    Account,
    Interaction,
    InteractionKind,
    NudgeReason,
    Outcome,
    Result,
    SummaryCadence,
)
from app.sandbox.limits import validate_view
from app.slack.forms import managers, outcome, plan, review, summary
from app.slack.forms import nudge_settings as settings_form
from app.slack.forms.metadata import FormMetadata, StaleForm
from app.slack.views.formatting import escape
from app.slack.views.history import history_line
from app.slack.views.notices import STALE_FORM, failure_modal, stale_form_modal
from app.slack.views.nudges import NudgeItemRef

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
REF = NudgeItemRef("D0DM", "1795750482.395322", f"{10**15}:{NudgeReason.UNPLANNED_TODAY}")
EVERY_METADATA: list[FormMetadata] = [
    plan.PrecallMetadata(zone="America/New_York", channel_id="C1", nudge=REF),
    plan.PrecallMetadata(zone="America/New_York", interaction_id=41),
    review.ReviewMetadata.of(
        "Asia/Tokyo",
        PlanForm("Acme", "call", "tomorrow 2pm", "demo", "Dana signs"),
        plan.PrecallMetadata(nudge=REF, interaction_id=41),
    ),
    outcome.PostcallMetadata(zone="UTC", named_account="Initech", selected="12", nudge=REF),
    summary.SummaryMetadata(subscription_id=7, zone="Europe/London", list_url="https://x/y"),
]
IDS = [type(metadata).__name__ for metadata in EVERY_METADATA]
EDITING = plan.PrecallMetadata(zone="UTC", interaction_id=41)


@pytest.mark.parametrize("metadata", EVERY_METADATA, ids=IDS)
def test_metadata_round_trips(metadata: FormMetadata) -> None:
    assert type(metadata).from_metadata(metadata.to_metadata()) == metadata


@pytest.mark.parametrize("metadata", EVERY_METADATA, ids=IDS)
def test_metadata_from_another_version_or_altered_is_stale(metadata: FormMetadata) -> None:
    data = json.loads(metadata.to_metadata())
    older = {key: value for key, value in data.items() if key != "v"}
    first_field = next(key for key in data if key != "v")
    refused = [
        None,
        "",
        "{not json",
        "[]",
        json.dumps(older),  # written before the metadata had a version
        json.dumps({**data, "v": data["v"] + 1}),
        json.dumps({**data, "v": str(data["v"])}),
        json.dumps({**data, "admin": True}),  # a field nobody wrote
        json.dumps({**data, first_field: 12345.5}),  # a value of the wrong type
    ]
    for raw in refused:
        with pytest.raises(StaleForm):
            type(metadata).from_metadata(raw)


def test_a_nudge_reference_of_the_wrong_shape_is_stale() -> None:
    data = json.loads(plan.PrecallMetadata(nudge=REF).to_metadata())
    for nudge in (["D0DM", "1.2"], ["D0DM", "1.2", 3], "D0DM"):
        with pytest.raises(StaleForm):
            plan.PrecallMetadata.from_metadata(json.dumps({**data, "nudge": nudge}))


def test_the_largest_plan_fits_in_the_reviews_metadata() -> None:
    worst = PlanForm(
        account='"' * plans.FIELD_LIMITS[PlanField.ACCOUNT],
        kind="meeting",
        when_text="\\" * plans.FIELD_LIMITS[PlanField.WHEN],
        stage="negotiation",
        objective='\\"' * (plans.OBJECTIVE_MAX // 2),
        minimum_commitment="a\n" * (plans.OBJECTIVE_MAX // 2),
    )
    metadata = review.ReviewMetadata.of(
        "America/Argentina/ComodRivadavia",
        worst,
        plan.PrecallMetadata(channel_id="C" * 12, nudge=REF, interaction_id=ROW_ID_MAX),
    )
    raw = metadata.to_metadata()
    assert len(raw) <= 3000
    assert review.ReviewMetadata.from_metadata(raw).form == worst


def test_the_stale_form_notice_says_to_open_it_again() -> None:
    view = stale_form_modal().to_dict()
    assert validate_view(view) == []
    assert view["blocks"][0]["text"]["text"] == STALE_FORM
    assert STALE_FORM == "This form changed since it was opened: open it again."


def interaction(objective: str | None = "Dana signs", logged: Outcome | None = None) -> Interaction:
    row = Interaction(
        id=5,
        account=Account(name="Acme <b>"),
        scheduled_at=NOW,
        kind=InteractionKind.CALL,
        objective=objective,
        minimum_commitment="Dana forwards it",
    )
    row.outcome = logged
    return row


def every_view() -> list:
    logged = Outcome(result=Result.ADVANCED, next_step="Kickoff", next_step_when_text="Tue")
    weak = coaching.review_objective("send the proposal", None)
    current = summaries.SummarySettings("C1", ("U1",), "S1", SummaryCadence.WEEKLY, 2, 450, "UTC")
    return [
        plan.precall_modal(PlanPrefill(account="Acme"), plan.PrecallMetadata(), "UTC", "*Last*"),
        review.review_modal("send the proposal", weak, review.ReviewMetadata(zone="UTC")),
        outcome.loading_modal(),
        outcome.postcall_modal([], None, outcome.PostcallMetadata(zone="UTC")),
        outcome.postcall_modal(
            [interaction(), interaction(logged=logged)],
            interaction(logged=logged),
            outcome.PostcallMetadata(zone="UTC"),
        ),
        settings_form.settings_modal(nudge_settings.NudgeSettings(), "UTC", date(2026, 11, 26)),
        summary.summary_modal(None, summary.SummaryMetadata(), NOW),
        summary.summary_modal(current, summary.SummaryMetadata(subscription_id=3), NOW, []),
        summary.summary_modal(current, summary.SummaryMetadata(), NOW, [("S1", "sales")]),
        managers.managers_modal(["U1", "U2"]),
        stale_form_modal(),
        failure_modal(),
    ]


@pytest.mark.parametrize("view", every_view())
def test_every_builder_makes_a_view_slack_takes(view) -> None:
    assert validate_view(view.to_dict()) == []


def input_block_ids(view) -> set[str]:
    return {block["block_id"] for block in view.to_dict()["blocks"] if block["type"] == "input"}


@pytest.mark.parametrize(
    ("view", "mapping", "fields"),
    [
        (
            plan.precall_modal(PlanPrefill(), plan.PrecallMetadata()),
            lambda errors: plan.errors(errors, plan.PrecallMetadata()),
            list(PlanField),
        ),
        (
            plan.precall_modal(PlanPrefill(), EDITING),
            lambda errors: plan.errors(errors, EDITING),
            list(PlanField),
        ),
        (
            settings_form.settings_modal(nudge_settings.NudgeSettings(), None, date(2026, 11, 26)),
            settings_form.errors,
            list(nudge_settings.SettingsField),
        ),
        (
            summary.summary_modal(None, summary.SummaryMetadata(), NOW, [("S1", "sales")]),
            summary.errors,
            list(summaries.SummaryField),
        ),
    ],
)
def test_every_field_error_lands_on_an_input_of_its_form(view, mapping, fields) -> None:
    located = mapping(dict.fromkeys(fields, "Fix this."))
    assert set(located) <= input_block_ids(view) and len(located) == len(fields)


def test_every_outcome_error_lands_on_an_input_of_the_form_it_was_keyed_for() -> None:
    view = outcome.postcall_modal([], None, outcome.PostcallMetadata(zone="UTC"))
    metadata = outcome.PostcallMetadata.from_metadata(view.private_metadata)
    checked = outcomes.check_outcome(outcomes.OutcomeForm(None, None, "x" * 501, None), "UTC", NOW)
    assert isinstance(checked, FieldErrors) and checked
    assert set(outcome.errors(checked, metadata)) <= input_block_ids(view)


def test_forms_read_what_their_builders_wrote() -> None:
    values = {
        plan.PrecallIds.ACCOUNT_BLOCK: {"value": {"type": "plain_text_input", "value": "Acme"}},
        plan.PrecallIds.STAGE_BLOCK: {
            "value": {"type": "static_select", "selected_option": {"value": "demo"}}
        },
    }
    assert plan.read(values, plan.PrecallMetadata()) == PlanForm(
        "Acme", None, None, "demo", None, None
    )
    editing = {
        plan.PrecallIds.ACCOUNT_BLOCK: values[plan.PrecallIds.ACCOUNT_BLOCK],
        f"{plan.PrecallIds.STAGE_BLOCK}.41": values[plan.PrecallIds.STAGE_BLOCK],
    }
    assert plan.read(editing, EDITING) == PlanForm("Acme", None, None, "demo", None, None)
    people = {managers.ManagerIds.USERS_BLOCK: {"value": {"selected_users": ["U1", 2]}}}
    assert managers.read(people) == ["U1"]


def test_the_last_time_line_shows_stored_text_as_typed_never_as_a_mention_or_link() -> None:
    logged = Outcome(result=Result.ADVANCED, next_step="<https://evil.example|sign here> & go")
    line = history_line(interaction(objective="<!channel> agrees", logged=logged), "UTC")
    assert "<!channel>" not in line and "<https://" not in line
    assert f"“{escape('<!channel> agrees')}”" in line
    assert "“&lt;https://evil.example|sign here&gt; &amp; go”" in line


def test_a_failure_notice_quoting_the_rep_is_not_mrkdwn() -> None:
    text = failure_modal("I could not read a date in '<!here>'").to_dict()["blocks"][0]["text"]
    assert text["text"] == "I could not read a date in '&lt;!here&gt;'"


UNSAVABLE_TEXTS = ["Dana \ud800 signs", "Dana\x00signs", "Dana \x07 signs", "Dana\x1b[31m", "\x7f"]


@pytest.mark.parametrize("text", UNSAVABLE_TEXTS)
def test_text_the_database_cannot_store_is_refused_under_its_field(text: str) -> None:
    form = PlanForm("Acme", "call", "tomorrow 2pm", "demo", "Dana agrees to X on Tuesday")
    for name, changed in [
        (PlanField.ACCOUNT, {"account": text}),
        (PlanField.OBJECTIVE, {"objective": text}),
        (PlanField.MINIMUM, {"minimum_commitment": text}),
        (PlanField.WHEN, {"when_text": f"tomorrow {text}"}),
        (PlanField.STAGE, {"stage": text}),
    ]:
        checked = plans.check_plan(PlanForm(**(form.__dict__ | changed)), "UTC", NOW)
        assert checked == {name: UNSAVABLE}
    notes = outcomes.OutcomeForm(None, "continuation", None, None, text, "Acme")
    assert outcomes.check_outcome(notes, "UTC", NOW) == {outcomes.OutcomeField.NOTES: UNSAVABLE}


def test_ids_a_forged_summary_form_sends_are_refused_when_they_cannot_be_stored() -> None:
    form = summaries.SummaryForm("C1\x00", ("U1", "U2\ud800"), None, "daily", None, "09:00")
    assert summaries.check_summary_form(form, "UTC") == {
        summaries.SummaryField.CHANNEL: UNSAVABLE,
        summaries.SummaryField.REPS: UNSAVABLE,
    }


def test_newlines_tabs_and_carriage_returns_are_kept() -> None:
    form = PlanForm("Acme", "call", "tomorrow 2pm", "demo", "Dana agrees\tto X\r\non Tuesday")
    assert isinstance(plans.check_plan(form, "UTC", NOW), plans.PlanDraft)


def test_a_name_whose_case_folded_key_is_too_long_is_refused() -> None:
    name = "ß" + "a" * 149  # 150 characters; its key, "ss" + 149 "a", has 151
    form = PlanForm(name, "call", "tomorrow 2pm", "demo", "Dana agrees to X on Tuesday")
    checked = plans.check_plan(form, "UTC", NOW)
    assert isinstance(checked, FieldErrors) and set(checked) == {PlanField.ACCOUNT}
    assert "151" in checked[PlanField.ACCOUNT]
    unplanned = outcomes.OutcomeForm(None, "continuation", None, None, account=name)
    checked_outcome = outcomes.check_outcome(unplanned, "UTC", NOW)
    assert isinstance(checked_outcome, FieldErrors)
    assert set(checked_outcome) == {outcomes.OutcomeField.ACCOUNT}
