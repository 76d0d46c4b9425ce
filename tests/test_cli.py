"""The `coach` command as an admin runs it: clear messages, real servers, real migrations."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect

from app.db import make_engine, make_session_factory
from app.domain.calendar import links
from app.domain.secrets import SecretBox
from app.domain.workspace import Workspace
from app.models import Rep
from app.sandbox import inbound
from app.sandbox.slack_double import SlackDouble
from tests.support.coach import http
from tests.support.databases import temporary_database
from tests.support.feeds import Event, Route, calendar_feed, serving_feeds

COACH = [sys.executable, "-m", "app.cli"]
SECRET = "cli-test-secret"


def run_coach(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COACH, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env | values


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_without_credentials_names_each_missing_variable(tmp_path) -> None:
    result = run_coach("serve", env=clean_env(), cwd=tmp_path)
    assert result.returncode != 0
    assert "SLACK_BOT_TOKEN" in result.stderr and "OAuth & Permissions" in result.stderr
    assert "SLACK_SIGNING_SECRET" in result.stderr and "Signing Secret" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_socket_mode_without_an_app_token_says_where_to_get_one(tmp_path) -> None:
    result = run_coach("socket", env=clean_env(SLACK_BOT_TOKEN="xoxb-1"), cwd=tmp_path)
    assert result.returncode != 0
    assert "SLACK_APP_TOKEN" in result.stderr and "connections:write" in result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr.split("\n", 1)[1]
    assert "Traceback" not in result.stderr


def test_a_rejected_bot_token_is_explained(tmp_path) -> None:
    with SlackDouble() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-wrong", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack.api_url
        )
        result = run_coach("serve", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_schema_on_database_url(tmp_path) -> None:
    with temporary_database(tmp_path) as url:
        result = run_coach("migrate", env=clean_env(DATABASE_URL=url), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        engine = make_engine(url)
        assert "interactions" in inspect(engine).get_table_names()
        engine.dispose()


def test_default_database_is_a_sqlite_file_in_the_working_directory(tmp_path) -> None:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("checks the SQLite default")
    result = run_coach("migrate", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "coach.db").exists()


def test_serve_runs_under_gunicorn_and_answers_slack(tmp_path) -> None:
    port = free_port()
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        slack.add_user("U0REP", name="rep", tz="Europe/Berlin")
        env = clean_env(
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=url,
            PORT=str(port),
            WEB_CONCURRENCY="1",
        )
        assert run_coach("migrate", env=env, cwd=tmp_path).returncode == 0
        server = subprocess.Popen(
            [*COACH, "serve"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:  # poll until gunicorn's worker has booted (bounded by the deadline)
                try:
                    if http("GET", base + "/healthz").status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "coach serve did not become healthy"
                time.sleep(0.1)
            body = inbound.slash_command_body(
                command="/precall", text="Acme", user_id="U0REP", team_id=slack.team_id
            )
            response = http(
                "POST", base + "/slack/events", body, inbound.signed_headers(SECRET, body)
            )
            assert response.status == 200
            view = slack.wait_for("views.open", timeout=10)[0].args["view"]
            assert view["callback_id"] == "precall_plan"
            forged = http("POST", base + "/slack/events", body, inbound.signed_headers("x", body))
            assert forged.status == 401
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0].decode()
        assert "gunicorn" in output.lower()
        assert "Traceback" not in output


def seed_one_rep_due(url: str, zone: str, called_at: datetime) -> None:
    """A rep in `zone`, nudged from 06:00, with a call yesterday and no outcome."""
    from app.domain.accounts import find_or_create_account
    from app.domain.workspace import Workspace
    from app.models import Interaction, InteractionKind, Origin, Rep

    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        workspace = Workspace("T0001")
        session.add(
            Rep(
                **workspace.columns,
                user_id="U0REP",
                tz=zone,
                tz_checked_at=called_at,
                nudge_minute=6 * 60,
                nudge_weekdays=0b1111111,
            )
        )
        session.add(
            Interaction(
                **workspace.columns,
                rep_user_id="U0REP",
                account_id=find_or_create_account(session, workspace, "Acme Corp").id,
                kind=InteractionKind.CALL,
                scheduled_at=called_at - timedelta(days=1),
                origin=Origin.PRECALL,
            )
        )
    engine.dispose()


def test_coach_nudges_sweeps_once_at_the_given_time_and_prints_what_was_sent(tmp_path) -> None:
    now = "2026-11-26T15:00:00Z"  # 10:00 in New York
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        slack.add_user("U0REP", name="rep", tz="America/New_York")
        env = clean_env(
            SLACK_BOT_TOKEN=slack.bot_token, SLACK_API_URL=slack.api_url, DATABASE_URL=url
        )
        assert run_coach("migrate", env=env, cwd=tmp_path).returncode == 0
        seed_one_rep_due(url, "America/New_York", datetime(2026, 11, 26, 15, tzinfo=UTC))
        result = run_coach("nudges", "--now", now, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("nudge sweep at 2026-11-26T15:00:00+00:00: 1 sent")
        assert "sent U0REP 2026-11-26: 1 item, ts " in result.stdout
        again = run_coach("nudges", "--now", "2026-11-26T15:05:00", env=env, cwd=tmp_path)
        assert again.stdout.startswith("nudge sweep at 2026-11-26T15:05:00+00:00: 0 sent")
        assert len(slack.messages("U0REP")) == 1
        wrong = run_coach("nudges", "--now", "tomorrow", env=env, cwd=tmp_path)
        assert wrong.returncode != 0 and "ISO 8601" in wrong.stderr


def test_coach_calendars_reads_the_feeds_and_sends_the_prompts_due(tmp_path) -> None:
    now = datetime(2026, 11, 26, 15, tzinfo=UTC)  # 10:00 in New York
    owner = "rep@northwind.com"
    key = SecretBox.new_key()
    meeting = Event("globex@google.com", now + timedelta(minutes=25), ("li@globex.com",))
    with SlackDouble() as slack, temporary_database(tmp_path) as url, serving_feeds() as feeds:
        slack.add_user("U0REP", name="rep", tz="America/New_York", email=owner)
        feed = feeds.add(
            "/rep.ics",
            Route(body=calendar_feed(owner, [meeting]), headers={"Content-Type": "text/calendar"}),
        )
        env = clean_env(
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=url,
            COACH_SECRET_KEY=key,
            CALENDAR_ALLOW_HTTP="true",
        )
        assert run_coach("migrate", env=env, cwd=tmp_path).returncode == 0
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            workspace = Workspace(slack.team_id)
            session.add(
                Rep(**workspace.columns, user_id="U0REP", tz="America/New_York", email=owner)
            )
            links.connect(session, workspace, "U0REP", feed, SecretBox(key), now)
        engine.dispose()
        result = run_coach("calendars", "--now", now.isoformat(), env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("calendar pass at 2026-11-26T15:00:00+00:00: 1 feed read")
        assert "read U0REP: 1 meeting from yesterday on, 1 imported" in result.stdout
        assert "meeting prompts at 2026-11-26T15:00:00+00:00: 1 sent" in result.stdout
        assert len(slack.messages(slack.dm_channel_id("U0REP"))) == 1


def a_zone_in_its_morning(now: datetime) -> str:
    """A zone where it is now between 06:00 and 11:00, so a rep there is due whenever tests run."""
    for offset in range(-12, 15):
        zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT+5 is UTC-5
        if 6 <= now.astimezone(ZoneInfo(zone)).hour < 11:
            return zone
    raise AssertionError("every hour is some zone's morning")


def test_coach_worker_sweeps_at_once_and_stops_cleanly_on_sigterm(tmp_path) -> None:
    now = datetime.now(UTC)
    zone = a_zone_in_its_morning(now)
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        slack.add_user("U0REP", name="rep", tz=zone)
        env = clean_env(
            SLACK_BOT_TOKEN=slack.bot_token, SLACK_API_URL=slack.api_url, DATABASE_URL=url
        )
        assert run_coach("migrate", env=env, cwd=tmp_path).returncode == 0
        seed_one_rep_due(url, zone, now)
        worker = subprocess.Popen(
            [*COACH, "worker"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            slack.wait_for("chat.postMessage", timeout=30)
        finally:
            worker.send_signal(signal.SIGTERM)
            output = worker.communicate(timeout=30)[0].decode()
        assert worker.returncode == 0, output
        assert "1 sent" in output and "stopping the scheduler" in output
        assert "Traceback" not in output


def test_run_with_half_the_slack_credentials_names_the_missing_one(tmp_path) -> None:
    result = run_coach("run", env=clean_env(SLACK_BOT_TOKEN="xoxb-1"), cwd=tmp_path)
    assert result.returncode != 0
    assert "SLACK_SIGNING_SECRET" in result.stderr and "sandbox" not in result.stdout
    assert "Traceback" not in result.stderr


OPEN_THE_PAGE = re.compile(r"^Open (http://\S+) in your browser")


def start_sandbox(tmp_path: Path, port: int) -> tuple[subprocess.Popen, str]:
    """`coach run` without credentials, until it prints the page's address; before it, no other
    address (the app's own, gunicorn's "Listening at") that someone could take for the page."""
    process = subprocess.Popen(
        [*COACH, "run", "--port", str(port)],
        env=clean_env(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    for line in process.stdout:  # ends when the process does, so a failed start fails here
        seen.append(line)
        if opened := OPEN_THE_PAGE.match(line):
            assert not [s for s in seen[:-1] if "http" in s or "Listening" in s], seen
            return process, opened.group(1)
    raise AssertionError("the sandbox did not start:\n" + "".join(seen))


def stop_sandbox(process: subprocess.Popen) -> str:
    """What it printed after the page's address, up to its exit."""
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    assert "Traceback" not in output
    return output


def test_run_without_credentials_starts_the_sandbox_and_a_restart_keeps_it(tmp_path) -> None:
    port = free_port()
    process, url = start_sandbox(tmp_path, port)
    try:
        assert url == f"http://localhost:{port}/"
        assert http("GET", url + "sandbox/ready").status == 200
        assert 'id="sb-composer"' in http("GET", url).body
        command = '{"user": "U0SBANA", "channel": "C0SBSALES", "text": "Morning team!"}'
        sent = http("POST", url + "sandbox/command", command, {"Content-Type": "application/json"})
        assert sent.status == 200
    finally:
        after = stop_sandbox(process)
    # The app's own lines come labelled, and never with its address or the health checks.
    app_lines = [line for line in after.splitlines() if line.startswith("app: ")]
    assert any("Shutting down" in line for line in app_lines), after
    assert "Listening at" not in after and "/healthz" not in after
    assert (tmp_path / "coach.db").exists() and (tmp_path / "coach-sandbox.json").exists()

    process, url = start_sandbox(tmp_path, port)
    try:
        state = http("GET", url + "sandbox/state?user=U0SBANA&channel=C0SBSALES").json()
        assert "Morning team!" in state["channel"]["html"]
    finally:
        stop_sandbox(process)


def test_a_clock_offset_moves_the_time_a_sweep_runs_at_without_now(tmp_path) -> None:
    ahead = timedelta(days=3)
    with SlackDouble() as slack, temporary_database(tmp_path) as url:
        env = clean_env(
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=url,
            CLOCK_OFFSET_SECONDS=str(ahead.total_seconds()),
        )
        assert run_coach("migrate", env=env, cwd=tmp_path).returncode == 0
        before = datetime.now(UTC)
        result = run_coach("nudges", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        swept_at = datetime.fromisoformat(result.stdout.split()[3].rstrip(":"))
        assert before + ahead <= swept_at <= datetime.now(UTC) + ahead
