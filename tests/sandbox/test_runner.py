"""The sandbox's process around the app: where it keeps the workspace, restarting, resetting,
what it shows of the app's output."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.config import Settings
from app.domain.workspace import Workspace
from app.models import Rep
from app.sandbox.runner import AppOutput, Sandbox, state_path
from app.sandbox.sample_workspace import SAMPLE_PEOPLE

SALES = "C0SBSALES"


def settings_for(database_url: str) -> Settings:
    return Settings(database_url=database_url, _env_file=None)


def test_the_workspace_is_kept_beside_a_sqlite_database(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert state_path(settings_for(f"sqlite:///{tmp_path}/data/coach.db")) == (
        tmp_path / "data" / "coach-sandbox.json"
    )
    assert state_path(settings_for("postgresql://db/coach")) == Path(tmp_path) / (
        "coach-sandbox.json"
    )


def test_a_restart_keeps_the_people_messages_and_credentials(tmp_path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path}/coach.db")
    first = Sandbox(settings, port=0)
    first.slack.post_as_user(SALES, "U0SBANA", "Morning team!")
    first.save()

    again = Sandbox(settings, port=0)

    assert [m.text for m in again.slack.messages(SALES)] == ["Morning team!"]
    assert again.slack.bot_token == first.slack.bot_token
    assert again.signing_secret == first.signing_secret
    assert [u.id for u in again.slack.users()] == [p.user_id for p in SAMPLE_PEOPLE]


def test_an_unreadable_saved_workspace_starts_a_new_one(tmp_path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path}/coach.db")
    state_path(settings).write_text("{not json")

    sandbox = Sandbox(settings, port=0)

    assert [u.id for u in sandbox.slack.users()] == [p.user_id for p in SAMPLE_PEOPLE]
    assert sandbox.slack.messages(SALES) == []


def test_reset_empties_the_apps_data_and_the_workspace(
    tmp_path, monkeypatch, database_url, sessions
) -> None:
    monkeypatch.chdir(tmp_path)  # a PostgreSQL run keeps the workspace in the working directory
    with sessions.begin() as session:
        session.add(Rep(**Workspace("T0001").columns, user_id="U0SBANA", tz="America/New_York"))
    sandbox = Sandbox(settings_for(database_url), port=0)
    sandbox.slack.post_as_user(SALES, "U0SBANA", "Morning team!")
    sandbox.slack.add_user("U0EXTRA", name="extra")

    sandbox.reset()

    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Rep)) == 0
    assert sandbox.slack.messages(SALES) == []
    assert [u.id for u in sandbox.slack.users()] == [p.user_id for p in SAMPLE_PEOPLE]
    assert Sandbox(settings_for(database_url), port=0).slack.messages(SALES) == []


def app_process(*lines: str, exit_code: int = 0) -> subprocess.Popen[str]:
    """A stand-in for `coach serve` that prints these lines and exits."""
    script = f"import sys; print(*{list(lines)!r}, sep='\\n'); sys.exit({exit_code})"
    return subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


GUNICORN_START = "[INFO] Listening at: http://127.0.0.1:50123 (77)"
HEALTH_CHECK = '127.0.0.1 - - [02/Dec/2026:09:35:39 +0000] "GET /healthz HTTP/1.1" 200 16 "-"'


def test_the_apps_start_up_lines_are_dropped_and_later_ones_labelled() -> None:
    sink = io.StringIO()
    output = AppOutput(app_process(GUNICORN_START, HEALTH_CHECK, "[INFO] Shutting down"), sink)
    output.wait_for_end(timeout=10)
    assert sink.getvalue() == "app: [INFO] Shutting down\n"


def test_an_app_that_fails_to_start_has_its_lines_shown() -> None:
    sink = io.StringIO()
    process = app_process(GUNICORN_START, "Error: the database is locked", exit_code=3)
    output = AppOutput(process, sink)
    process.wait(timeout=10)
    output.show_start_up()
    assert sink.getvalue() == f"{GUNICORN_START}\nError: the database is locked\n"


def test_the_sandbox_clock_moves_the_app_the_double_and_the_passes_and_is_kept(
    tmp_path,
) -> None:
    settings = settings_for(f"sqlite:///{tmp_path}/coach.db")
    sandbox = Sandbox(settings, port=0)
    ahead = datetime.now(UTC) + timedelta(days=2, hours=3)

    sandbox.set_clock(ahead)  # the app is not running: nothing to restart

    assert abs(sandbox.now() - ahead) < timedelta(seconds=5)
    with sandbox.slack:  # the app's environment names the running double
        offset = float(sandbox._app_environment()["CLOCK_OFFSET_SECONDS"])
    assert abs(offset - timedelta(days=2, hours=3).total_seconds()) < 5
    sandbox.slack.post_as_user(SALES, "U0SBANA", "Two days on")
    (posted,) = sandbox.slack.messages(SALES)
    assert abs(float(posted.ts) - ahead.timestamp()) < 5  # messages carry the sandbox's time
    assert abs(Sandbox(settings, port=0).now() - ahead) < timedelta(seconds=5)

    sandbox.set_clock(datetime.now(UTC))  # back to the real time
    assert sandbox.clock_offset == 0.0


def test_a_pass_runs_once_the_clock_reads_its_time(tmp_path, monkeypatch) -> None:
    sandbox = Sandbox(settings_for(f"sqlite:///{tmp_path}/coach.db"), port=0)
    ran = []
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, env, **_: (
            ran.append((command, env["CLOCK_OFFSET_SECONDS"]))
            or subprocess.CompletedProcess(command, 0, "nudge sweep: 0 sent", "")
        ),
    )
    ahead = datetime.now(UTC) + timedelta(days=1)
    with sandbox.slack:
        assert sandbox.run_scheduler("nudges", ahead) == (True, "nudge sweep: 0 sent")
    ((command, offset),) = ran
    assert command[-2:] == ["--now", ahead.isoformat()]
    assert abs(float(offset) - 86_400) < 5
