"""The `coach` command run as an admin runs it: a process of its own, with only the given env."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COACH = [sys.executable, "-m", "app.cli"]
REPOSITORY = Path(__file__).resolve().parents[2]


def run_coach(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COACH, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without Slack or database settings, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(REPOSITORY)
    return env | values
