"""Running the sandbox: the Slack double, the real app beside it, and the page, in one command.

The app runs as `coach serve` in a child process with the double's address as SLACK_API_URL
and credentials the sandbox made up, so it behaves exactly as it does against Slack. The
workspace (people, channels, messages) is saved beside the database, so a restart keeps both.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from app.config import Settings
from app.db import delete_all_rows, make_engine
from app.domain.secrets import SecretBox
from app.models import Account, Base, Interaction, slack_installations
from app.sandbox.clock_report import (
    explain_calendars,
    explain_nudges,
    explain_summaries,
    prompted_interactions,
)
from app.sandbox.dispatch import Dispatcher
from app.sandbox.sample_workspace import SAMPLE_ADMIN, seed
from app.sandbox.server import SandboxControls, create_sandbox_app
from app.sandbox.slack_double import SlackDouble
from app.sandbox.slack_double.installs import add_to_slack_link

logger = logging.getLogger(__name__)

STATE_SUFFIX = "-sandbox.json"
HOST = "127.0.0.1"
COACH = (sys.executable, "-m", "app.cli")
APP_START_SECONDS = 60
SCHEDULER_RUN_SECONDS = 120
SAVE_WAIT_SECONDS = 5.0
# A clock set within this of where it reads already is left alone (the app is not restarted).
CLOCK_SAME_SECONDS = 60.0


def state_path(settings: Settings) -> Path:
    """Beside a SQLite database (coach.db -> coach-sandbox.json); else in the working directory."""
    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(database.stem + STATE_SUFFIX)
    return Path.cwd() / f"coach{STATE_SUFFIX}"


class SandboxError(Exception):
    """The sandbox could not start; the message says why."""


class Sandbox:
    """The double, the app process and the page server; `start()`, then `stop()`."""

    def __init__(self, settings: Settings, *, port: int) -> None:
        self.settings = settings
        self.port = port
        self.state_file = state_path(settings)
        saved = _read_state(self.state_file)
        self.signing_secret = saved.get("signing_secret") or secrets.token_hex(16)
        # The app installs through OAuth here, as it does in any workspace.
        self.client_id = saved.get("client_id") or f"{secrets.randbelow(10**12)}.sandbox"
        self.client_secret = saved.get("client_secret") or secrets.token_hex(16)
        # The sandbox's clock: how far ahead of the real time the app and the double read.
        self.clock_offset = float(saved.get("clock_offset") or 0.0)
        # The key to the calendar addresses the app stores: kept, so a restart can read them.
        self.secret_key = saved.get("secret_key") or SecretBox.new_key()
        self.slack = SlackDouble(bot_token=saved.get("bot_token"))
        self.slack.shift_clock(self.clock_offset)
        self.slack.oauth_client_id, self.slack.oauth_client_secret = (
            self.client_id,
            self.client_secret,
        )
        if saved.get("workspace"):
            self.slack.restore(saved["workspace"])
        else:
            seed(self.slack)
        self.app_port = _free_port()
        self._app: subprocess.Popen[str] | None = None
        self._app_output: AppOutput | None = None
        self._page: BaseWSGIServer | None = None
        self._stopping = threading.Event()
        self._saver = threading.Thread(target=self._save_changes, name="sandbox-saver", daemon=True)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/"

    @property
    def app_url(self) -> str:
        return f"http://{HOST}:{self.app_port}"

    @property
    def install_url(self) -> str:
        return f"{self.app_url}/slack/install"

    def start(self) -> None:
        """The page's port first, so a port in use stops the sandbox before the app starts."""
        dispatcher = Dispatcher(
            self.slack, f"http://{HOST}:{self.app_port}/slack/events", self.signing_secret
        )
        controls = SandboxControls(
            slack=self.slack,
            dispatcher=dispatcher,
            run_scheduler=self.run_scheduler,
            reset=self.reset,
            app_is_ready=self.app_is_ready,
            install_url=self.install_url,
            explain=self.explain,
            calendar_base=f"http://{HOST}:{self.port}",
        )
        self._page = make_server(HOST, self.port, create_sandbox_app(controls), threaded=True)
        self.slack.start()
        self.save()
        self._saver.start()
        self._start_app()

    def _start_app(self) -> None:
        self._app = subprocess.Popen(
            # Only the sandbox talks to the app: it listens on this machine alone.
            [*COACH, "serve", "--host", HOST, "--port", str(self.app_port)],
            env=self._app_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._app_output = AppOutput(self._app)

    def _stop_app(self) -> None:
        if self._app is not None and self._app.poll() is None:
            self._app.terminate()
            try:
                self._app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._app.kill()
        if self._app_output is not None:
            self._app_output.wait_for_end(timeout=5)  # its last words before the sandbox's

    def wait_until_ready(self) -> None:
        """Return once the app answers its health check; raise SandboxError if it never does."""
        assert self._app is not None and self._app_output is not None, "start() first"
        deadline = time.monotonic() + APP_START_SECONDS
        while not self.app_is_ready():
            if self._app.poll() is not None:
                self._app_output.show_start_up()
                raise SandboxError(
                    f"the app stopped (exit code {self._app.returncode}) before it was ready; "
                    "its messages are above"
                )
            if time.monotonic() > deadline:
                self._app_output.show_start_up()
                raise SandboxError(f"the app did not answer within {APP_START_SECONDS} s")
            self._stopping.wait(0.2)
        if not self._installed():
            self.install()

    def _installed(self) -> bool:
        """The app holds an installation of the workspace whose token the double still knows."""
        engine = make_engine(self.settings.sqlalchemy_url)
        try:
            with engine.connect() as connection:
                stored = connection.scalar(
                    select(func.count())
                    .select_from(slack_installations)
                    .where(slack_installations.c.team_id == self.slack.team_id)
                )
        finally:
            engine.dispose()
        return bool(stored) and self.slack.token_of(self.slack.team_id) is not None

    def install(self) -> None:
        """The sample workspace's admin installs the app through its OAuth flow, as in Slack:
        the install page, Slack's authorize step, back to the app's redirect URL."""
        try:
            with urllib.request.urlopen(self.install_url, timeout=10) as page:
                html = page.read().decode()
                cookie = (page.headers.get("Set-Cookie") or "").split(";")[0]
            state = parse_qs(urlsplit(add_to_slack_link(html)).query)["state"][0]
            code = self.slack.authorize(
                self.slack.team_id, user_id=SAMPLE_ADMIN, team_name=self.slack.team_name
            )
            query = urlencode({"code": code, "state": state})
            back = urllib.request.Request(
                f"{self.app_url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie}
            )
            with urllib.request.urlopen(back, timeout=10):
                pass
        except (OSError, ValueError, KeyError) as error:
            raise SandboxError(f"the app could not be installed in the sandbox: {error}") from None

    def serve_forever(self) -> None:
        assert self._page is not None, "start() first"
        self._page.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        if self._page is not None:
            self._page.server_close()
        self._stop_app()
        self.save()
        self.slack.stop()

    # ----- what the page asks for

    def app_is_ready(self) -> bool:
        if self._app is None or self._app.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.app_port}/healthz", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def set_clock(self, as_of: datetime) -> None:
        """Move the sandbox's clock to `as_of`: the app (restarted to read it), its passes and
        the double's message times all read it from now on, and it is kept between runs."""
        offset = as_of.timestamp() - time.time()
        if abs(offset - self.clock_offset) < CLOCK_SAME_SECONDS:
            return
        self.clock_offset = 0.0 if abs(offset) < CLOCK_SAME_SECONDS else offset
        self.slack.shift_clock(self.clock_offset)
        self.save()
        if self._app is not None:
            self._stop_app()
            self._start_app()
            self.wait_until_ready()

    def now(self) -> datetime:
        """The sandbox's time (aware, UTC)."""
        return datetime.fromtimestamp(self.slack.now(), UTC)

    def run_scheduler(self, run: str, as_of: datetime) -> tuple[bool, str]:
        """`coach nudges` or `coach summaries` as of `as_of`, as an operator would run it, once
        the sandbox's clock reads `as_of` (so what it says of "tomorrow" is true here)."""
        self.set_clock(as_of)
        try:
            done = subprocess.run(
                [*COACH, run, "--now", as_of.isoformat()],
                env=self._app_environment(),
                capture_output=True,
                text=True,
                timeout=SCHEDULER_RUN_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return False, f"coach {run} did not finish within {SCHEDULER_RUN_SECONDS} s."
        report = (done.stdout + done.stderr).strip()
        return done.returncode == 0, report or "Nothing was due."

    def explain(self, run: str, as_of: datetime, report: str) -> str:
        """The pass's report in plain words (see clock_report.py)."""
        if run == "summaries":
            names = {channel.id: channel.name for channel in self.slack.channels()}
            return explain_summaries(report, names)
        people = [user for user in self.slack.users() if not user.is_bot]
        engine = make_engine(self.settings.sqlalchemy_url)
        try:
            with Session(engine) as session:
                if run == "calendars":
                    ids = prompted_interactions(report)
                    named = session.execute(
                        select(Interaction.id, Account.name)
                        .join(Account, Account.id == Interaction.account_id)
                        .where(Interaction.id.in_(ids))
                    )
                    return explain_calendars(report, people, dict(named.tuples().all()))
                return explain_nudges(report, as_of, people, session, self.slack.team_id)
        finally:
            engine.dispose()

    def reset(self) -> None:
        """Start over: the app's data and the workspace's messages, back to the sample people."""
        engine = make_engine(self.settings.sqlalchemy_url, statement_timeout_s=None)
        try:
            with engine.begin() as connection:
                delete_all_rows(connection, Base.metadata)
        finally:
            engine.dispose()
        self.slack.clear()
        seed(self.slack)
        self.set_clock(datetime.now(UTC))  # the real time again
        self.save()
        if self.app_is_ready():
            self.install()

    # ----- the app process and the saved workspace

    def _app_environment(self) -> dict[str, str]:
        environment = dict(os.environ)
        environment.setdefault("WEB_CONCURRENCY", "1")
        # The double does not rate limit; nudges need no pacing here.
        environment.setdefault("NUDGE_SENDS_PER_SECOND", "0")
        return environment | {
            "SLACK_BOT_TOKEN": "",
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
            "SLACK_REDIRECT_URI": f"{self.app_url}/slack/oauth_redirect",
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_API_URL": self.slack.api_url,
            "DATABASE_URL": self.settings.database_url,
            "CLOCK_OFFSET_SECONDS": str(self.clock_offset),
            # The sample calendars are served on this machine, over plain http.
            "CALENDAR_ALLOW_HTTP": "true",
            "COACH_SECRET_KEY": self.secret_key,
        }

    def _save_changes(self) -> None:
        seen = self.slack.version
        while not self._stopping.is_set():
            version = self.slack.wait_for_change(seen, SAVE_WAIT_SECONDS)
            if version != seen:
                self.save()
                seen = version

    def save(self) -> None:
        """Write the workspace beside the database; a crash never leaves half a file."""
        state = {
            "signing_secret": self.signing_secret,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "bot_token": self.slack.bot_token,
            "clock_offset": self.clock_offset,
            "secret_key": self.secret_key,
            "workspace": self.slack.snapshot(),
        }
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.state_file)


def run_sandbox(settings: Settings, port: int) -> None:
    """Run until Ctrl+C or SIGTERM, then stop the app and save the workspace."""
    sandbox = Sandbox(settings, port=port)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        sandbox.start()
        sandbox.wait_until_ready()
        print(f"Open {sandbox.url} in your browser (Ctrl+C stops the sandbox).", flush=True)
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


class AppOutput:
    """The app process's output, read on a thread and passed on labelled as the app's.

    Its start-up lines name the app's own port, which is not the page's: they are held back
    until the app has answered the sandbox's first health check (gunicorn logs that request
    after every start-up line), then dropped, or shown if the app fails to start."""

    LABEL = "app: "
    HEALTH_CHECK = '"GET /healthz '  # gunicorn's access-log line for the sandbox's probes
    ANSWERED = '"GET /healthz HTTP/1.1" 200 '

    def __init__(self, process: subprocess.Popen[str], sink: TextIO | None = None) -> None:
        assert process.stdout is not None, "the app's output must be a pipe"
        self._stream = process.stdout
        self._sink = sink or sys.stderr
        self._lock = threading.Lock()
        self._start_up: list[str] | None = []  # None once the app has answered
        self._reader = threading.Thread(target=self._read, name="sandbox-app-output", daemon=True)
        self._reader.start()

    def show_start_up(self) -> None:
        """The app failed to start: everything it said, to explain why."""
        self.wait_for_end(timeout=5)  # it has exited, or it hangs and we stop waiting
        with self._lock:
            self._sink.writelines(self._start_up or [])
            self._sink.flush()
            self._start_up = []

    def wait_for_end(self, timeout: float) -> None:
        """Until the app's output ends (it has exited) and all of it is passed on."""
        self._reader.join(timeout)

    def _read(self) -> None:
        for line in self._stream:
            with self._lock:
                if self._start_up is not None:
                    if self.ANSWERED in line:
                        self._start_up = None
                    else:
                        self._start_up.append(line)
                elif self.HEALTH_CHECK not in line:
                    self._sink.write(self.LABEL + line)
                    self._sink.flush()


def _interrupt(*_: object) -> None:
    """SIGTERM stops the sandbox like Ctrl+C does, saving the workspace on the way out."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the saving short
    raise KeyboardInterrupt


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as error:
        logger.warning("could not read %s (%s); starting a new sandbox workspace", path, error)
        return {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
