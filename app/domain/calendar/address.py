"""A pasted calendar address: checked, `webcal://` made `https://`, and masked for showing.

The address is a password to the whole calendar: only `masked` output is ever shown or logged.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from app.domain.calendar.problems import FeedProblem, Problem

ADDRESS_MAX = 2000
SHOWN_TAIL = 4  # characters of the address shown after the host


def normalize_address(text: str, *, allow_http: bool) -> str:
    """The address to fetch; FeedProblem NOT_A_URL or SCHEME when it cannot be one."""
    raw = text.strip()
    if not raw or len(raw) > ADDRESS_MAX or any(ch.isspace() for ch in raw):
        raise FeedProblem(Problem.NOT_A_URL)
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018  # raises ValueError on a bad port
    except ValueError:
        raise FeedProblem(Problem.NOT_A_URL) from None
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise FeedProblem(Problem.NOT_A_URL)
    if scheme in ("webcal", "webcals"):
        scheme = "https"  # Apple's and Outlook's name for an iCal subscription over HTTPS
    if scheme not in ("https", "http") or (scheme == "http" and not allow_http):
        raise FeedProblem(Problem.SCHEME)
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def mask_address(address: str) -> str:
    """`https://calendar.google.com/…/basic.ics` style: the host and the last few characters."""
    parts = urlsplit(address)
    host = parts.hostname or "?"
    tail = address[-SHOWN_TAIL:] if len(address) > len(host) + 2 * SHOWN_TAIL else ""
    return f"{parts.scheme}://{host}/…{tail}"
