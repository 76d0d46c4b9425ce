"""Fetching a calendar address without letting it reach inside our network.

httpx does the HTTP; this module adds what a URL typed by a user needs: https only (plain http
and loopback hosts only with CALENDAR_ALLOW_HTTP), every host resolved and refused when any of
its addresses is loopback, private, link-local (cloud metadata), shared or reserved, at every
redirect; the peer actually connected to checked again before the body is read; a deadline
for the whole fetch; a size cap on the decoded body; conditional requests (ETag and
Last-Modified). Neither the address nor httpx's request lines are ever logged.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import certifi
import httpx

from app.domain.calendar.address import normalize_address
from app.domain.calendar.policy import FeedPolicy
from app.domain.calendar.problems import FeedProblem, Problem
from app.domain.text import whole_number

# httpx logs every request line, the secret address with it, at INFO.
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

USER_AGENT = "CommitmentCoach/1 (calendar feed reader)"
# The largest Content-Length read as declared; a longer one is cut off by the read itself.
DECLARED_MAX = 2**63 - 1

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """A feed's body (None when the server answered 304 Not Modified) and its validators."""

    body: bytes | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.body is None


def fetch_feed(
    address: str,
    policy: FeedPolicy,
    *,
    seconds: float,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET the feed within `seconds`; FeedProblem for anything but a usable answer."""
    deadline = time.monotonic() + seconds
    url = normalize_address(address, allow_http=policy.allow_http)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, text/plain;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(seconds, connect=min(policy.connect_seconds, seconds))
    try:
        # trust_env=False: no proxy from the environment, whose far side we could not check.
        with httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()
        ) as client:
            for _ in range(policy.max_redirects + 1):
                _check_host(url, policy)
                with client.stream("GET", url, headers=headers) as response:
                    _check_peer(response, policy)
                    if response.is_redirect and "location" in response.headers:
                        url = normalize_address(
                            urljoin(url, response.headers["location"]),
                            allow_http=policy.allow_http,
                        )
                        continue
                    return _read(response, policy, deadline)
    except httpx.TimeoutException:
        raise FeedProblem(Problem.TOO_SLOW) from None
    except (httpx.HTTPError, OSError):
        # Connection refused, TLS failure, a broken answer: the message may hold the address.
        raise FeedProblem(Problem.UNREACHABLE) from None
    raise FeedProblem(Problem.TOO_MANY_REDIRECTS)


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """httpx's own default (certifi's roots), made once: building it takes ~30 ms, which a pass
    reading a thousand feeds would pay a thousand times."""
    return ssl.create_default_context(cafile=certifi.where())


def _read(response: httpx.Response, policy: FeedPolicy, deadline: float) -> Fetched:
    status = response.status_code
    validators = (response.headers.get("etag"), response.headers.get("last-modified"))
    if status == 304:
        return Fetched(None, *validators)
    if status in (401, 403):
        raise FeedProblem(Problem.UNAUTHORIZED, status)
    if status in (404, 410):
        raise FeedProblem(Problem.NOT_FOUND, status)
    if status != 200:
        raise FeedProblem(Problem.HTTP_STATUS, status)
    declared = response.headers.get("content-length")
    if (whole_number(declared, DECLARED_MAX) or 0) > policy.max_bytes:
        raise FeedProblem(Problem.TOO_LARGE)
    body = bytearray()
    # Decoded bytes: a small gzip that inflates past the cap is cut off too.
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > policy.max_bytes:
            raise FeedProblem(Problem.TOO_LARGE)
        if time.monotonic() > deadline:  # a server dripping bytes under the read timeout
            raise FeedProblem(Problem.TOO_SLOW)
    return Fetched(bytes(body), *validators)


def _check_host(url: str, policy: FeedPolicy) -> None:
    """Refuse a host any of whose addresses we must not reach (before connecting)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FeedProblem(Problem.UNREACHABLE) from None
    for *_, sockaddr in found:
        if not may_reach(ipaddress.ip_address(sockaddr[0]), policy):
            raise FeedProblem(Problem.ADDRESS_REFUSED)


def _check_peer(response: httpx.Response, policy: FeedPolicy) -> None:
    """Refuse the answer of a peer we must not reach: DNS may answer otherwise on the second
    lookup (rebinding) than on the first, so the connected address is checked too."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not may_reach(ipaddress.ip_address(peer[0]), policy):
        raise FeedProblem(Problem.ADDRESS_REFUSED)


# IPv6 ranges that carry an IPv4 address in their last 32 bits and are routed to it: NAT64's
# well-known prefix, and the deprecated IPv4-compatible addresses.
CARRY_IPV4 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))


def may_reach(address: Address, policy: FeedPolicy) -> bool:
    """Public addresses only; loopback too when the policy allows plain http (sandbox, tests).
    An IPv6 address carrying an IPv4 one (mapped, NAT64, 6to4, compatible) is judged by it."""
    if address.is_loopback:
        return policy.allow_http
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and any(address in network for network in CARRY_IPV4):
            carried = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if carried is not None:
            return may_reach(carried, policy)
    return address.is_global and not address.is_multicast
