"""Whatever a signed payload carries where Slack puts ids, numbers, zones, lists and state, the
app answers (never a 500) and logs no traceback: a refusal is an answer, not an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import reps
from app.domain.text import row_id, whole_number
from app.sandbox import inbound
from app.slack.forms.metadata import StaleForm
from app.slack.forms.outcome import PostcallMetadata
from app.slack.forms.state import submitted_choices, submitted_users, submitted_value
from app.slack.views.nudges import NudgeIds
from app.slack.views.summary_setup import SummaryListIds, item_block_id
from tests.support.coach import Coach
from tests.support.forms import open_precall, outcome_values, plan_interaction, plan_values
from tests.support.fuzz import FUZZ_SETTINGS, fuzz
from tests.support.summaries import MANAGER, add_summary, list_click_payload, team  # noqa: F401
from tests.support.workspace import REP_NY


@pytest.fixture
def templates(team: Coach) -> dict[str, dict]:  # noqa: F811
    """One real payload of each kind the app handles, as Slack would send it."""
    coach = team
    summary_id = add_summary(coach)
    plan_interaction(coach)
    found: dict[str, dict] = {}
    precall = open_precall(coach, REP_NY, "Acme Corp demo tomorrow 2pm")
    found["precall submission"] = inbound.view_submission_payload(
        view=precall, values=plan_values(), user_id=REP_NY, team_id=coach.team_id
    )
    postcall = coach.open_modal("/postcall", "", REP_NY)
    found["postcall submission"] = inbound.view_submission_payload(
        view=postcall,
        values=outcome_values(postcall, "advanced"),
        user_id=REP_NY,
        team_id=coach.team_id,
    )
    for action_id in (SummaryListIds.POST_NOW, SummaryListIds.EDIT, SummaryListIds.REMOVE):
        found[f"summary {action_id}"] = list_click_payload(
            coach, action_id, summary_id, MANAGER, "1700000000.000100"
        )
    for action_id in (NudgeIds.LOG_OUTCOME, NudgeIds.PLAN_IT, NudgeIds.SNOOZE, NudgeIds.MARK_LOST):
        found[f"nudge {action_id}"] = inbound.block_actions_payload(
            user_id=REP_NY,
            team_id=coach.team_id,
            actions=[
                inbound.block_action(
                    action_id, item_block_id(NudgeIds.ACTIONS_BLOCK, "i1"), value="i1"
                )
            ],
            channel_id="D0REPNY",
            ephemeral_message_ts="1700000000.000200",
        )
    return found


KINDS = [
    "precall submission",
    "postcall submission",
    *(
        f"summary {a}"
        for a in (SummaryListIds.POST_NOW, SummaryListIds.EDIT, SummaryListIds.REMOVE)
    ),
    *(
        f"nudge {a}"
        for a in (NudgeIds.LOG_OUTCOME, NudgeIds.PLAN_IT, NudgeIds.SNOOZE, NudgeIds.MARK_LOST)
    ),
]


@pytest.mark.parametrize("kind", KINDS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_an_odd_value_anywhere_in_a_payload_is_answered_without_a_traceback(
    team: Coach,  # noqa: F811
    templates,
    caplog,
    kind: str,
    data,
) -> None:
    fuzz(team, templates[kind], data, caplog)


# ----- the readers each class goes through


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12", 12),
        ("²", None),
        (" 12", None),
        ("1_0", None),
        ("1" * 30, None),
        ("0", None),
        ("-1", None),
        ("", None),
        (None, None),
        (12, None),
        (["1"], None),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("١٢", None),  # isdecimal(), and int() reads 12
    ],
)
def test_a_row_id_is_ascii_digits_within_the_column(text, expected) -> None:
    assert row_id(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", 0),
        ("6", 6),
        ("06", 6),
        ("0" * 5000 + "6", 6),  # int() refuses over 4,300 digits
        ("7", None),
        ("²", None),
        ("١", None),
        ("1" * 30, None),
    ],
)
def test_a_whole_number_is_ascii_digits_up_to_its_maximum(text, expected) -> None:
    assert whole_number(text, 6) == expected


@pytest.mark.parametrize(
    "name, known",
    [
        ("America/New_York", "America/New_York"),
        ("UTC", "UTC"),
        ("America", None),  # a directory: zoneinfo raises IsADirectoryError
        ("x" * 300, None),  # zoneinfo raises OSError: the name is too long for a file
        ("../../etc/passwd", None),
        ("\x00", None),
        (["UTC"], None),
    ],
)
def test_a_zone_is_one_of_the_iana_names_this_machine_knows(name, known) -> None:
    assert reps.known_zone(name) == known
    assert reps.usable_zone_name(name if isinstance(name, str) else None) == (known or "UTC")


@pytest.mark.parametrize(
    "element, users",
    [
        ({"type": "multi_users_select", "selected_users": ["U0A", "U0B"]}, ["U0A", "U0B"]),
        ({"type": "multi_users_select", "selected_users": "U1"}, []),  # not ["U", "1"]
        ({"type": "multi_users_select", "selected_users": [{"id": "U1"}, "u1", "U0C"]}, ["U0C"]),
        ("U1", []),
        ({"selected_users": None}, []),
    ],
)
def test_users_are_read_from_a_list_of_slack_ids_only(element, users) -> None:
    assert submitted_users({"block": {"input": element}}, "block", "input") == users


@pytest.mark.parametrize(
    "state",
    [
        "x",
        {"block": "x"},
        {"block": {"input": ["x"]}},
        {"block": {"input": {"type": "static_select", "selected_option": "x"}}},
        {"block": {"input": {"type": "static_select", "selected_option": {"value": 1}}}},
        {"block": {"input": {"type": "plain_text_input", "value": ["x"]}}},
        {"block": {"input": {"type": "checkboxes", "selected_options": "ab"}}},
    ],
)
def test_state_of_another_shape_reads_as_nothing_chosen(state) -> None:
    assert submitted_value(state, "block", "input") is None
    assert submitted_choices(state, "block", "input") == []


@pytest.mark.parametrize(
    "zone", ["../../etc/passwd", "Mars/Olympus_Mons", "", "x" * 100, "America", "America/"]
)
def test_metadata_with_a_zone_that_is_no_iana_name_is_stale(zone) -> None:
    raw = PostcallMetadata(zone="America/New_York").to_metadata().replace("America/New_York", zone)
    with pytest.raises(StaleForm):
        PostcallMetadata.from_metadata(raw)
