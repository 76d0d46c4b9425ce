"""Browser tests: Playwright (through pytest-playwright) drives Debian's Chromium.

Nothing here downloads a browser: `executable_path` points at /usr/bin/chromium (or at
COACH_CHROMIUM), and a missing Chromium fails the run with how to install it, never skips it.
Each launch gets a new, empty profile: Playwright's `launch()` makes a fresh temporary
user-data-dir for every browser it starts and deletes it on close.

Run with `make test-browser` (screenshots of failures land in test-results/).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get("COACH_CHROMIUM", "/usr/bin/chromium")
# What Chromium needs on these machines: no sandbox as root, no GPU, and none of the
# background connections that a closed network refuses (or that look up Google's hosts).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long an expect() waits for the page (the app answers through the sandbox's long poll).
EXPECT_TIMEOUT_MS = 15_000
SANDBOX_START_SECONDS = float(os.environ.get("COACH_SANDBOX_START_SECONDS", "90"))
SANDBOX_STOP_SECONDS = 15.0
OUTPUT_TAIL_CHARS = 20_000


# ----------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, with Debian's Chromium and the flags it needs."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not at {CHROMIUM}. Install Debian's package (as root: "
            "`apt-get update && apt-get install -y chromium`), or set COACH_CHROMIUM to a "
            "Chromium binary. `make test-browser` installs it when it can.",
            pytrace=False,
        )
    headless = browser_type_launch_args.get("headless", True)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": headless,
        "args": (["--headless"] if headless else []) + CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: each test goes to its own server's. (Also spares pytest-playwright's own
    fallback fixture, which pytest 9 warns about.)"""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-US",
    }


@pytest.fixture(autouse=True)
def _patient_expectations(request: pytest.FixtureRequest) -> None:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(EXPECT_TIMEOUT_MS)


Step = Callable[[str], AbstractContextManager[None]]


@pytest.fixture
def step(page: Page, output_path: str) -> Step:
    """`with step("log the outcome"): ...`: when the block fails, a screenshot named after the
    step is saved in the test's output folder and the error says which step broke."""

    @contextmanager
    def run(name: str) -> Iterator[None]:
        try:
            yield
        except Exception as error:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "step"
            shot = Path(output_path) / f"step-failed-{slug}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(shot), full_page=True)
                where = f"screenshot: {shot}"
            except Exception as screenshot_error:  # the page itself may be gone
                where = f"no screenshot ({screenshot_error})"
            error.add_note(f"Step failed: {name!r} ({where})")
            raise

    return run


# ----------------------------------------------------------------------------- the sandbox


@dataclass
class Sandbox:
    """A running `coach sandbox`: its page's URL and what it printed."""

    url: str
    process: subprocess.Popen
    workdir: Path
    log_path: Path

    def output(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return text if len(text) <= OUTPUT_TAIL_CHARS else "…\n" + text[-OUTPUT_TAIL_CHARS:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _coach_command() -> str:
    # The venv running these tests has the project installed (`pip install -e .`).
    command = Path(sys.executable).parent / "coach"
    if not command.exists():
        found = shutil.which("coach")
        if found is None:
            pytest.fail(
                f"No `coach` command next to {sys.executable}: run `make install` first.",
                pytrace=False,
            )
        return found
    return str(command)


def _sandbox_env(workdir: Path) -> dict[str, str]:
    """This environment without Slack's credentials (so the sandbox is what the app talks to),
    with a database of the test's own."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SLACK_") and name not in ("PORT", "DATABASE_URL")
    }
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'coach.db'}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _answers_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/sandbox/ready", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):  # HTTPError (503: not yet) is a URLError
        return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the sandbox's process group (it and the app it started), then SIGKILL."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=SANDBOX_STOP_SECONDS)
    # Whatever is left of the group (a worker that outlived its parent) goes too.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=SANDBOX_STOP_SECONDS)


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """`coach sandbox` on a free port, in an empty folder with its own SQLite database; yields
    once /sandbox/ready answers 200, and stops it (and everything it started) afterwards."""
    workdir = tmp_path / "sandbox"
    workdir.mkdir()
    port = _free_port()
    log_path = tmp_path / "sandbox.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [_coach_command(), "sandbox", "--port", str(port)],
            cwd=workdir,
            env=_sandbox_env(workdir),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that stopping it stops all
        )
    running = Sandbox(f"http://127.0.0.1:{port}", process, workdir, log_path)
    request.node.coach_sandbox = running  # for the report's "sandbox output" section
    try:
        deadline = time.monotonic() + SANDBOX_START_SECONDS
        while not _answers_ready(running.url):
            if process.poll() is not None:
                pytest.fail(
                    f"`coach sandbox` exited with {process.returncode} before it was ready:\n"
                    f"{running.output()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`coach sandbox` did not answer 200 on /sandbox/ready within "
                    f"{SANDBOX_START_SECONDS:.0f}s:\n{running.output()}",
                    pytrace=False,
                )
            time.sleep(0.2)  # the interval between two readiness polls, not a wait for state
        yield running
        if process.poll() is not None:
            pytest.fail(
                f"`coach sandbox` stopped during the test (exit {process.returncode}):\n"
                f"{running.output()}",
                pytrace=False,
            )
    finally:
        _stop(process)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed test that ran the sandbox shows what the sandbox printed, and keeps it in the
    test's output folder next to the screenshots."""
    report = yield
    running: Sandbox | None = getattr(item, "coach_sandbox", None)
    if running is not None and report.failed:
        report.sections.append(("sandbox output", running.output() or "(nothing)"))
        output_dir = item.funcargs.get("output_path") if hasattr(item, "funcargs") else None
        if output_dir:
            with suppress(OSError):
                Path(output_dir).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(running.log_path, Path(output_dir) / "sandbox.log")
    return report
