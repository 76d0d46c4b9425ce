"""Why a calendar address could not be read: one value per thing the rep can fix."""

from __future__ import annotations

import enum


class Problem(enum.StrEnum):
    NOT_A_URL = "not_a_url"
    SCHEME = "scheme"  # not https (or webcal)
    ADDRESS_REFUSED = "address_refused"  # loopback, private, link-local or metadata ranges
    UNREACHABLE = "unreachable"  # no such host, connection refused, TLS failure
    UNAUTHORIZED = "unauthorized"  # 401/403: the secret address was reset
    NOT_FOUND = "not_found"  # 404/410
    HTTP_STATUS = "http_status"  # any other answer than 200 or 304
    TOO_MANY_REDIRECTS = "too_many_redirects"
    TOO_LARGE = "too_large"
    TOO_SLOW = "too_slow"
    NOT_A_CALENDAR = "not_a_calendar"  # fetched, but not an iCalendar feed


class FeedProblem(Exception):
    """A calendar address that could not be read; `status` is the HTTP status if one came.

    Its text never holds the address (a secret), so it is safe to log.
    """

    def __init__(self, problem: Problem, status: int | None = None) -> None:
        self.problem = problem
        self.status = status
        super().__init__(problem.value if status is None else f"{problem.value} ({status})")

    def __reduce__(self):
        # Feeds are read in other processes: the problem crosses back as itself.
        return (FeedProblem, (self.problem, self.status))
