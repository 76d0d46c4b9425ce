"""The export: a CSV in the requester's DM, scoped to what they may see, through Slack's
upload flow; and `coach export` for operators."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.domain import schedule
from app.domain.export import COLUMNS
from app.domain.schedule import Change
from app.models import CancelReason
from app.slack.views import export as views
from app.slack.views.export import ExportIds
from tests.support.cli import clean_env, run_coach
from tests.support.coach import Coach
from tests.support.exports import ask_export, exported_rows, seed_team_history
from tests.support.factories import WORKSPACE, Seeder
from tests.support.summaries import ADMIN, MANAGER, OTHER_MANAGER, add_summary
from tests.support.workspace import NOW, REP_NY, REP_TOKYO


def accounts(rows: list[dict[str, str]]) -> list[str]:
    return [row["account"] for row in rows]


def test_a_rep_gets_their_own_interactions_with_every_column(team: Coach) -> None:
    seed_team_history(team)
    answer, told = ask_export(team, REP_NY)
    assert answer == {"text": views.PREPARING, "response_type": "ephemeral"}
    assert told == []  # the file itself says it all
    rows = exported_rows(team, REP_NY)
    assert list(rows[0]) == list(COLUMNS)
    assert accounts(rows) == ["Acme Corp", "'=Globex"]  # oldest first; a formula stays text
    acme, globex = rows
    assert (acme["rep_id"], acme["rep_name"], acme["kind"]) == (REP_NY, "dana.rep", "call")
    # 23 November, 15:00 UTC: the requester's zone (New York) and UTC.
    assert (acme["time_local"], acme["time_utc"]) == (
        "2026-11-23T10:00-05:00",
        "2026-11-23T15:00+00:00",
    )
    assert (acme["objective_strong"], acme["outcome"]) == ("yes", "won")
    assert (globex["objective_strong"], globex["objective_gaps"]) == ("no", "Stage fit; Fallback")
    assert (globex["outcome"], globex["lost_reason"]) == ("lost", "price")
    assert [(row["reschedules"], row["cancelled"]) for row in rows] == [("0", ""), ("0", "")]
    (dm_message,) = [m for m in team.slack.messages(team.slack._dm_by_user[REP_NY]) if m.files]
    assert dm_message.text == (
        "Your export: 2 interactions of yours, 2026-11-01 to 2026-11-30 (America/New_York)."
    )
    assert [c.method for c in team.slack.calls() if c.method.startswith("files")] == [
        "files.getUploadURLExternal",
        "files.upload_url",
        "files.completeUploadExternal",
    ]


def test_a_manager_gets_the_reps_of_their_summaries_and_an_admin_everyone(team: Coach) -> None:
    seed_team_history(team)
    add_summary(team, owner=MANAGER, rep_user_ids=(REP_TOKYO,))
    add_summary(team, owner=OTHER_MANAGER, rep_user_ids=(REP_NY,))
    ask_export(team, MANAGER)
    rows = exported_rows(team, MANAGER)
    assert accounts(rows) == ["Initech"]
    initech = rows[0]
    assert (initech["next_step"], initech["follow_through"]) == ("They book it", "pending")
    assert initech["next_step_utc"] == "2026-11-28T15:00+00:00"

    ask_export(team, ADMIN)
    assert accounts(exported_rows(team, ADMIN)) == ["Acme Corp", "'=Globex", "Initech"]


def test_a_user_group_of_a_summary_is_in_its_managers_scope(team: Coach) -> None:
    seed_team_history(team)
    add_summary(team, owner=MANAGER, rep_user_ids=(), usergroup_id="S0EAST")
    ask_export(team, MANAGER, "2026-11-01")
    assert accounts(exported_rows(team, MANAGER)) == ["Acme Corp", "'=Globex", "Initech"]


def test_asking_for_more_than_ones_scope_is_refused_with_no_data(team: Coach) -> None:
    seed_team_history(team)
    add_summary(team, owner=MANAGER, rep_user_ids=(REP_TOKYO,))
    # A rep naming another rep: refused before anything is read.
    answer, _ = ask_export(team, REP_NY, f"2026-11-01 <@{REP_TOKYO}>")
    assert answer["text"] == views.NOT_YOUR_TEAM
    # A manager naming a rep outside their summaries.
    answer, told = ask_export(team, MANAGER, f"<@{REP_NY}|dana>")
    assert answer["text"] == views.PREPARING and told == [views.NOT_YOUR_TEAM]
    # A crafted button: another rep's id, or a value that is no user at all.
    for value in (REP_TOKYO, "all' OR 1=1"):
        action = {"action_id": ExportIds.EXPORT, "value": value, "type": "button"}
        team.act_in_view({"id": "V0HOME", "type": "home"}, action, REP_NY)
        team.settle()
    notices = [c.args["view"] for c in team.slack.calls("views.open")]
    assert len(notices) == 2 and all(views.NOT_YOUR_TEAM in str(n) for n in notices)
    assert team.slack.calls("files.getUploadURLExternal") == []


def test_the_button_exports_the_last_90_days_of_the_clickers_scope(team: Coach) -> None:
    seed_team_history(team)
    action = {"action_id": ExportIds.EXPORT, "value": "all", "type": "button"}
    team.act_in_view({"id": "V0HOME", "type": "home"}, action, REP_TOKYO)
    team.settle()
    assert accounts(exported_rows(team, REP_TOKYO)) == ["Initech"]


def test_an_empty_range_and_unreadable_dates_are_explained(team: Coach) -> None:
    seed_team_history(team)
    _, told = ask_export(team, REP_NY, "2026-10-01 2026-10-31")
    assert told == [
        "No interactions of yours from 2026-10-01 to 2026-10-31 (America/New_York): nothing to "
        "export."
    ]
    answer, _ = ask_export(team, REP_NY, "last tuesday")
    assert answer["text"].startswith("I could not read `last` as a date")
    answer, _ = ask_export(team, REP_NY, "2026-11-30 2026-11-01")
    assert answer["text"].startswith("The first date comes after the second")
    assert team.slack.calls("files.getUploadURLExternal") == []


def test_a_rate_limited_or_failed_upload_says_so_and_shares_nothing(team: Coach) -> None:
    seed_team_history(team)
    # One polite retry of a 429, then the requester is told.
    team.slack.fail_next("files.getUploadURLExternal", status=429, retry_after=1, times=2)
    _, told = ask_export(team, REP_NY)
    assert told == [views.RATE_LIMITED]
    team.slack.fail_next("files.upload_url", status=500)
    _, told = ask_export(team, REP_NY)
    assert told[-1] == views.failed_text("upload failed")
    team.slack.fail_next("files.completeUploadExternal", error="invalid_channel")
    _, told = ask_export(team, REP_NY)
    assert told[-1] == views.failed_text("invalid_channel")
    assert team.slack.shared_files(REP_NY) == []


def test_coach_export_prints_the_csv_for_operators(team: Coach, database_url: str, tmp_path):
    seed_team_history(team)
    env = clean_env(DATABASE_URL=database_url)
    result = run_coach(
        "export",
        "--team",
        "T0001",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert accounts(rows) == ["Acme Corp", "'=Globex", "Initech"]
    assert rows[0]["time_local"] == rows[0]["time_utc"] == "2026-11-23T15:00+00:00"
    assert "3 interactions exported" in result.stderr
    one = run_coach(
        "export",
        "--team",
        "T0001",
        "--since",
        "2026-11-01",
        "--rep",
        REP_TOKYO,
        env=env,
        cwd=tmp_path,
    )
    assert accounts(list(csv.DictReader(io.StringIO(one.stdout)))) == ["Initech"]
    bad = run_coach("export", "--team", "T0001", "--since", "soon", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "could not read `soon`" in bad.stderr


def test_reschedules_and_cancellations_are_in_their_columns(team: Coach) -> None:
    seed_team_history(team)
    with team.services.sessions.begin() as session:
        hooli = Seeder(session, NOW).call(REP_NY, NOW - timedelta(days=1), "Hooli")
        for hours in (1, 2):
            moved = schedule.reschedule(
                session,
                WORKSPACE,
                REP_NY,
                hooli.id,
                to=hooli.scheduled_at + timedelta(hours=hours),
                when_text="later",
                source_view_id=f"V{hours}",
                now=NOW,
            )
            assert moved.change is Change.DONE
        cancelled = schedule.cancel(
            session, WORKSPACE, REP_NY, hooli.id, CancelReason.CUSTOMER, NOW
        )
        assert cancelled.change is Change.DONE
    ask_export(team, REP_NY)
    rows = {row["account"]: row for row in exported_rows(team, REP_NY)}
    assert (rows["Hooli"]["reschedules"], rows["Hooli"]["cancelled"]) == ("2", "customer")
    assert (rows["Acme Corp"]["reschedules"], rows["Acme Corp"]["cancelled"]) == ("0", "")
