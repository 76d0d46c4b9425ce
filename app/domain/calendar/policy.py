"""What a calendar fetch may reach, and how long and large it may be (a setting: the sandbox
and the tests allow plain http on 127.0.0.1). Kept apart from fetch.py, so that whatever only
configures calendars does not import the HTTP client."""

from __future__ import annotations

from dataclasses import dataclass

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class FeedPolicy:
    """What a fetch may reach and how long and large it may be."""

    allow_http: bool = False  # CALENDAR_ALLOW_HTTP: plain http and loopback hosts
    connect_seconds: float = 1.0
    max_bytes: int = 10 * MEGABYTE
    max_redirects: int = 3
    # The connect form's check runs after the form is acknowledged (it shows "Checking…"), so
    # it may take longer than Slack's 3 s; the calendar pass may wait longer still.
    check_seconds: float = 15.0
    sync_seconds: float = 30.0
