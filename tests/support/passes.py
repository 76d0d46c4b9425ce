"""Scheduler passes in processes of their own, released together, as overlapping clocks run them."""

# Any pass shaped like run_summary_pass or run_nudge_sweep, (services, client, now) -> a report
# with `sent`, `failed` and `claimed_elsewhere`, runs here, named by "module:function".

from __future__ import annotations

import importlib
import multiprocessing
from contextlib import contextmanager
from datetime import datetime

# How long a process may take to start or to run its pass: spawning imports the whole app,
# which on a loaded two-core machine takes far longer than the pass itself.
TIMEOUT_SECONDS = 180


def _runner(
    target: str, database_url: str, api_url: str, token: str, nows, barrier, results, extra
):
    """A process that runs the pass at each time it is given, once its siblings are ready too."""
    # Imported here: a spawned process starts from nothing, as `coach summaries` does.
    from app.config import Settings
    from app.scheduler import services_for
    from app.slack.client import make_slack_client

    module, _, name = target.partition(":")
    run = getattr(importlib.import_module(module), name)
    settings = Settings(
        database_url=database_url,
        slack_api_url=api_url,
        slack_bot_token=token,
        nudge_sends_per_second=0,  # unpaced: the race, not the pacing, is under test
        _env_file=None,
        **extra,
    )
    services = services_for(settings)
    client = make_slack_client(settings, scheduler=True)
    while (now := nows.get(timeout=TIMEOUT_SECONDS)) is not None:
        barrier.wait(timeout=TIMEOUT_SECONDS)
        try:
            report = run(services, client, datetime.fromisoformat(now))
            results.put((len(report.sent), report.claimed_elsewhere, len(report.failed)))
        except BaseException as error:
            results.put(error)
            raise


@contextmanager
def concurrent_passes(
    target: str,
    processes: int,
    database_url: str,
    api_url: str,
    token: str,
    settings: dict | None = None,
):
    """`processes` processes; the function yielded makes them all run the pass at one instant as
    if the clock read `now`, and returns what each reported: (sent, claimed elsewhere, failed).
    `settings`: more of the processes' Settings (a calendar key, say)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    inboxes = [context.Queue() for _ in range(processes)]
    children = [
        context.Process(
            target=_runner,
            args=(target, database_url, api_url, token, inbox, barrier, results, settings or {}),
        )
        for inbox in inboxes
    ]
    for child in children:
        child.start()

    def run_at(now: datetime) -> list[tuple[int, int, int]]:
        for inbox in inboxes:
            inbox.put(now.isoformat())
        reports = [results.get(timeout=TIMEOUT_SECONDS) for _ in children]
        failures = [report for report in reports if isinstance(report, BaseException)]
        assert not failures, failures
        return reports

    try:
        yield run_at
    finally:
        for inbox in inboxes:
            inbox.put(None)
        for child in children:
            child.join(timeout=TIMEOUT_SECONDS)
            if child.is_alive():
                child.kill()
