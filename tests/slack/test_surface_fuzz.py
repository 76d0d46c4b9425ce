"""Slash commands, events, the App Home's controls and forms, shortcuts, the review's Save anyway,
whatever a signed payload carries in them: an answer (never a 500), no traceback in the log."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain import reps
from app.domain.workspace import Workspace
from app.models import DISPLAY_NAME_MAX, Rep
from app.sandbox import inbound
from app.slack.context import NOT_READABLE
from app.slack.directory import profile_from_user
from app.slack.forms.cancel import CancelIds
from app.slack.forms.metadata import StaleForm
from app.slack.forms.plan import PrecallMetadata
from app.slack.forms.reschedule import RescheduleMetadata
from app.slack.forms.review import ReviewIds
from app.slack.listeners.shortcuts import ShortcutIds
from app.slack.payloads import has_slacks_shape, names_slack_ids, slack_ids
from app.slack.views.export import ExportIds
from app.slack.views.home import HomeIds
from app.slack.views.interaction_actions import InteractionIds
from app.slack.views.nudges import NudgeIds, NudgeItemRef
from tests.support.coach import Coach
from tests.support.factories import add_rep
from tests.support.forms import open_precall, plan_interaction, plan_values, shown_review
from tests.support.fuzz import FUZZ_SETTINGS, fuzz, fuzz_event, fuzz_form, replaced
from tests.support.home import buttons, click_home, open_home, reschedule_values
from tests.support.summaries import ADMIN, MANAGER, add_summary, team  # noqa: F401
from tests.support.workspace import REP_NY

# The fields of a slash command the app (or Bolt) reads; enterprise_id is added when absent.
COMMAND_FIELDS = (
    "team_id",
    "user_id",
    "channel_id",
    "enterprise_id",
    "text",
    "trigger_id",
    "response_url",
    "is_enterprise_install",
)
COMMANDS = {
    "/precall": ("/precall", "Acme Corp demo tomorrow 2pm", REP_NY),
    "/postcall": ("/postcall", "", REP_NY),
    "/coach help": ("/coach", "help", REP_NY),
    "/coach me": ("/coach", "me", REP_NY),
    "/coach summary list": ("/coach", "summary list", MANAGER),
    "/coach managers": ("/coach", "managers", ADMIN),
    "/coach export": ("/coach", "export", REP_NY),
}


@pytest.mark.parametrize("kind", COMMANDS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_an_odd_field_in_a_slash_command_is_answered_without_a_traceback(
    team: Coach,  # noqa: F811
    caplog,
    kind: str,
    data,
) -> None:
    command, text, user_id = COMMANDS[kind]
    body = inbound.slash_command_body(
        command=command,
        text=text,
        user_id=user_id,
        team_id=team.team_id,
        response_url=team.slack.response_url(channel="C0GENERAL", user=user_id),
    )
    fuzz_form(team, dict(parse_qsl(body, keep_blank_values=True)), COMMAND_FIELDS, data, caplog)


def events(team_id: str) -> dict[str, dict]:
    user = {
        "id": REP_NY,
        "team_id": team_id,
        "name": "dana.rep",
        "deleted": False,
        "tz": "America/New_York",
        "locale": "en-US",
        "is_admin": False,
        "is_owner": False,
        "profile": {"display_name": "Dana", "real_name": "Dana Rep", "email": "dana@acme.test"},
    }
    return {
        "app_home_opened": {
            "type": "app_home_opened",
            "user": REP_NY,
            "channel": "D0HOME",
            "tab": "home",
        },
        "user_change": {"type": "user_change", "user": user},
        "tokens_revoked": {
            "type": "tokens_revoked",
            "tokens": {"oauth": [REP_NY], "bot": ["U0COACHBOT"]},
        },
        "app_uninstalled": {"type": "app_uninstalled"},
        "team_access_granted": {"type": "team_access_granted", "team_ids": [team_id]},
    }


@pytest.mark.parametrize("kind", list(events("T0")))
@FUZZ_SETTINGS
@given(data=st.data())
def test_an_odd_value_in_an_event_is_answered_without_a_traceback(
    team: Coach,  # noqa: F811
    caplog,
    kind: str,
    data,
) -> None:
    envelope = inbound.event_callback_payload(
        event=events(team.team_id)[kind], team_id=team.team_id
    )
    fuzz_event(team, envelope, data, caplog)


def home_control(coach: Coach, action_id: str) -> dict:
    """A click of the control `action_id` of the rep's Home, as published (a small Home: only
    the block of that control, so that what is fuzzed is mostly what the app reads)."""
    home = open_home(coach)
    block, element = next(
        (block, element)
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    )
    extra = {}
    if element["type"] == "overflow":
        extra = {"selected_option": element["options"][0]}
    action = inbound.block_action(
        action_id, block["block_id"], value=element.get("value"), type=element["type"], **extra
    )
    return inbound.block_actions_payload(
        user_id=REP_NY,
        team_id=coach.team_id,
        actions=[action],
        view=home | {"blocks": [block]},
    )


HOME_CONTROLS = (
    HomeIds.PLAN_NEW,
    HomeIds.PLAN,
    HomeIds.LOG_OUTCOME,
    HomeIds.FIGURES,
    InteractionIds.RESCHEDULE,
    InteractionIds.CANCEL,
    ExportIds.EXPORT,
    NudgeIds.MORE,
)
SHORTCUTS = tuple(ShortcutIds)
CUSTOMER_MESSAGE = {
    "type": "message",
    "user": "U0CUSTOMERREP",
    "ts": "1795750000.000100",
    "text": "Acme Corp: Dana will book the security review by Friday",
}


@pytest.fixture
def interactions(team: Coach) -> dict[str, dict]:  # noqa: F811
    """One real payload of each kind of Home control, shortcut and review button."""
    coach = team
    add_summary(coach)
    plan_interaction(coach)  # this morning: owed an outcome (Needs you)
    plan_interaction(coach, account="Globex", when="tomorrow 3pm")  # coming up
    found = {f"home {action_id}": home_control(coach, action_id) for action_id in HOME_CONTROLS}
    for callback_id in (ShortcutIds.PLAN, ShortcutIds.LOG_OUTCOME):
        found[f"shortcut {callback_id}"] = inbound.global_shortcut_payload(
            callback_id=callback_id, user_id=REP_NY, team_id=coach.team_id
        )
    for callback_id in (ShortcutIds.LOG_OUTCOME_FROM_MESSAGE, ShortcutIds.PLAN_FOLLOW_UP):
        found[f"shortcut {callback_id}"] = inbound.message_shortcut_payload(
            callback_id=callback_id,
            user_id=REP_NY,
            team_id=coach.team_id,
            channel_id="C0TEAM",
            message=CUSTOMER_MESSAGE,
        ) | {"response_url": coach.slack.response_url(channel="C0TEAM", user=REP_NY)}
    form = open_precall(coach, REP_NY)
    answer = coach.submit(form, plan_values(objective="send them the proposal"), REP_NY).json()
    review = shown_review(coach, form, answer)
    found["review save anyway"] = inbound.block_actions_payload(
        user_id=REP_NY,
        team_id=coach.team_id,
        actions=[inbound.block_action(ReviewIds.SAVE_ANYWAY, ReviewIds.ACTIONS_BLOCK)],
        view=review,
    )
    # The forms the Home's Reschedule and Cancel open, submitted (their metadata fuzzed too).
    interaction_id = buttons(open_home(coach), InteractionIds.RESCHEDULE)[0]
    for action_id, values in (
        (InteractionIds.RESCHEDULE, reschedule_values("tomorrow 4pm")),
        (InteractionIds.CANCEL, {CancelIds.REASON_BLOCK: {"value": inbound.radio_value("us")}}),
    ):
        form = click_home(coach, action_id, interaction_id)
        found[f"{action_id} submission"] = inbound.view_submission_payload(
            view=form, values=values, user_id=REP_NY, team_id=coach.team_id
        )
    return found


INTERACTIONS = [
    *(f"home {action_id}" for action_id in HOME_CONTROLS),
    *(f"shortcut {callback_id}" for callback_id in SHORTCUTS),
    "review save anyway",
    f"{InteractionIds.RESCHEDULE} submission",
    f"{InteractionIds.CANCEL} submission",
]


@pytest.mark.parametrize("kind", INTERACTIONS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_an_odd_value_in_a_home_control_shortcut_or_review_is_answered_without_a_traceback(
    team: Coach,  # noqa: F811
    interactions,
    caplog,
    kind: str,
    data,
) -> None:
    fuzz(team, interactions[kind], data, caplog)


# ----- the readers each class goes through


def command_fields() -> dict[str, str]:
    body = inbound.slash_command_body(command="/precall", text="", user_id=REP_NY, team_id="T0001")
    return dict(parse_qsl(body, keep_blank_values=True))


@pytest.mark.parametrize(
    "field, value",
    [
        ("user_id", None),  # no requester to act for
        ("channel_id", None),
        ("trigger_id", None),
        ("text", ["me"]),  # a signed JSON body may carry any type
        ("enterprise_id", {}),
    ],
)
def test_a_slash_command_has_text_where_the_app_reads_text(field, value) -> None:
    fields = command_fields()
    assert has_slacks_shape(fields)
    assert has_slacks_shape(fields | {"enterprise_id": "E0GRID"})
    changed = {name: text for name, text in fields.items() if name != field}
    if value is not None:
        changed[field] = value
    assert not has_slacks_shape(changed)


@pytest.mark.parametrize(
    "field, value", [("user_id", "u0repny"), ("user_id", ""), ("channel_id", "x" * 3001)]
)
def test_a_slash_command_naming_its_user_or_channel_otherwise_than_slack_is_refused_politely(
    coach: Coach, field, value
) -> None:
    assert names_slack_ids(command_fields())
    assert not names_slack_ids(command_fields() | {field: value})
    fields = {"user_id": REP_NY} | {field: value}
    body = inbound.slash_command_body(
        command="/precall", text="Acme tomorrow 2pm", team_id=coach.team_id, **fields
    )
    response = coach.post_signed(body)

    assert response.json() == {"response_type": "ephemeral", "text": NOT_READABLE}
    coach.settle()
    assert coach.slack.calls("views.open") == []


@pytest.mark.parametrize(
    "path, value",
    [
        (("event",), "app_home_opened"),  # Bolt itself reads event.type
        (("event",), None),
        (("event", "type"), ["U", "1"]),
        (("event", "user"), "U"),
        (("event", "user"), {"id": ["x"]}),
        (("team_id",), 10**30),
        (("enterprise_id",), {}),
        (("authorizations",), "U"),
        (("authorizations", 0), "U"),
        (("authorizations", 0, "team_id"), "1" * 30),
    ],
)
def test_an_event_delivery_has_an_event_object_and_slack_ids(path, value) -> None:
    delivery = inbound.event_callback_payload(
        event={"type": "app_home_opened", "user": REP_NY, "tab": "home"}, team_id="T0001"
    )
    assert has_slacks_shape(delivery)
    assert has_slacks_shape(replaced(delivery, ("event", "user"), {"id": REP_NY}))  # user_change
    assert has_slacks_shape(replaced(delivery, ("team_id",), ""))  # an org-wide install's
    assert not has_slacks_shape(replaced(delivery, path, value))


def interaction_payloads() -> dict[str, dict]:
    shortcut = inbound.message_shortcut_payload(
        callback_id=ShortcutIds.PLAN_FOLLOW_UP,
        user_id=REP_NY,
        team_id="T0001",
        channel_id="C0TEAM",
        message=CUSTOMER_MESSAGE,
    )
    chosen = inbound.block_action(
        NudgeIds.MORE, "nudge_actions.i1", type="overflow", selected_option={"value": "i1|x"}
    )
    in_a_dm = inbound.block_actions_payload(
        user_id=REP_NY,
        team_id="T0001",
        actions=[chosen],
        channel_id="D0REPNY",
        ephemeral_message_ts="1700000000.000200",
    )
    in_the_home = inbound.block_actions_payload(
        user_id=REP_NY,
        team_id="T0001",
        actions=[inbound.block_action(HomeIds.FIGURES, "home_figures")],
        view={"type": "home", "id": "V0HOME", "blocks": []},
    )
    return {"shortcut": shortcut, "in a DM": in_a_dm, "in the Home": in_the_home}


@pytest.mark.parametrize(
    "kind, path, value",
    [
        ("shortcut", ("user",), None),  # no requester to act for
        ("shortcut", ("channel", "id"), "../../etc/passwd"),
        ("shortcut", ("channel", "id"), ""),
        ("shortcut", ("callback_id",), 10**30),
        ("shortcut", ("trigger_id",), None),  # its modal opens with it
        ("in a DM", ("actions", 0, "selected_option"), "U"),
        ("in a DM", ("actions", 0, "selected_option", "value"), ["U", "1"]),
        ("in a DM", ("container", "channel_id"), 10**30),
        ("in a DM", ("container", "type"), None),  # neither a view's nor a message's
        ("in the Home", ("view",), None),  # its listener reads the view it is in
        ("in the Home", ("view", "id"), None),  # views.update needs it
    ],
)
def test_an_interaction_names_its_user_channel_view_and_choice_as_slack_does(
    kind, path, value
) -> None:
    payload = interaction_payloads()[kind]
    assert has_slacks_shape(payload)
    assert not has_slacks_shape(replaced(payload, path, value))


def test_an_app_home_opened_naming_no_user_publishes_nothing(coach: Coach, caplog) -> None:
    with caplog.at_level(logging.INFO):
        response = coach.send_event({"type": "app_home_opened", "tab": "home"})
        coach.settle()
    assert response.status == 200
    assert coach.slack.calls("views.publish") == []
    assert [r for r in caplog.records if r.exc_info] == []


@pytest.mark.parametrize(
    "value, ids",
    [(["U0A", "T0B"], ["U0A", "T0B"]), ("U0A", []), (["U0A", "u", 1, None, ["U0B"]], ["U0A"])],
)
def test_slack_ids_are_read_from_a_list_of_them_only(value, ids) -> None:
    assert slack_ids(value) == ids


def test_a_users_profile_is_read_field_by_field_by_its_type() -> None:
    user = {
        "id": REP_NY,
        "team_id": "T0001",
        "tz": "America",  # a directory of zones: zoneinfo raises IsADirectoryError
        "deleted": "false",
        "is_admin": "true",
        "locale": ["en-US"],
        "name": 12,
        "profile": "Dana",
    }
    assert profile_from_user(user, Workspace("T0001")) == reps.Profile(
        user_id=REP_NY,
        tz=None,
        display_name=None,
        is_active=True,
        is_admin=False,
        is_owner=False,
        locale=None,
        email=None,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"container": {"channel_id": 10**30, "message_ts": "1.2"}},
        {"container": "D0A", "channel": {"id": ["D0A"]}, "message": {"ts": 1.2}},
        {"container": {"channel_id": "D0A"}, "message": "1.2"},
    ],
)
def test_a_nudge_item_is_found_from_text_where_slack_puts_text(body) -> None:
    assert NudgeItemRef.from_action(body, "i1") is None
    assert NudgeItemRef.from_action(
        {"container": {"channel_id": "D0A", "message_ts": "1.2"}}, "i1"
    ) == NudgeItemRef("D0A", "1.2", "i1")


@pytest.mark.parametrize("interaction_id", [0, -1, 10**30, 2**31])
def test_form_metadata_names_an_interaction_by_a_row_id(interaction_id) -> None:
    fields = {"interaction_id": interaction_id}
    for metadata in (PrecallMetadata, RescheduleMetadata):
        raw = json.dumps({"v": metadata.model_fields["v"].default} | fields)
        with pytest.raises(StaleForm):
            metadata.from_metadata(raw)


@pytest.mark.parametrize("zone", ["America", "../../etc/passwd", "x" * 60])
def test_an_interactions_form_with_a_zone_that_is_no_iana_name_is_stale(zone) -> None:
    written = RescheduleMetadata(
        interaction_id=1,
        zone="America/New_York",
        account="Acme",
        scheduled_at=datetime(2026, 11, 27, 19, tzinfo=UTC),
    ).to_metadata()
    with pytest.raises(StaleForm):
        RescheduleMetadata.from_metadata(written.replace("America/New_York", zone))


def test_a_user_change_is_stored_within_the_columns_and_with_a_zone_this_machine_knows(
    coach: Coach,
) -> None:
    with coach.services.sessions.begin() as session:
        add_rep(session, REP_NY)
    user = {
        "id": REP_NY,
        "team_id": coach.team_id,
        "tz": "America",
        "profile": {"display_name": "D" * 300},
    }
    assert coach.send_event({"type": "user_change", "user": user}).status == 200
    coach.settle()
    with coach.services.sessions() as session:
        rep = session.scalars(select(Rep)).one()
        assert (rep.display_name, rep.tz) == ("D" * DISPLAY_NAME_MAX, reps.FALLBACK_ZONE)
