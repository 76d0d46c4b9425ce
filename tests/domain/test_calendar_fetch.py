"""Fetching a calendar address: timeouts, size, redirects, refusals, conditional requests,
against feeds served on 127.0.0.1 (tests/support/feeds.py)."""

from __future__ import annotations

import gzip
import logging
import time

import pytest

from app.domain.calendar.address import mask_address, normalize_address
from app.domain.calendar.fetch import fetch_feed
from app.domain.calendar.policy import FeedPolicy
from app.domain.calendar.problems import FeedProblem, Problem
from tests.support.feeds import FeedServer, fixture_feed

LOCAL = FeedPolicy(allow_http=True, max_bytes=256 * 1024, check_seconds=0.5)
PUBLIC_ONLY = FeedPolicy()


def problem_of(address: str, policy: FeedPolicy = LOCAL, seconds: float = 0.5) -> FeedProblem:
    with pytest.raises(FeedProblem) as raised:
        fetch_feed(address, policy, seconds=seconds)
    return raised.value


def test_a_feed_is_fetched_with_its_validators(feeds: FeedServer) -> None:
    url = feeds.add(
        "/cal.ics", body=fixture_feed("google.ics"), headers={"Last-Modified": "Tue, 01 Dec 2026"}
    )
    feeds.routes["/cal.ics"].etag = '"v1"'
    fetched = fetch_feed(url, LOCAL, seconds=2)
    assert fetched.body == fixture_feed("google.ics")
    assert (fetched.etag, fetched.last_modified) == ('"v1"', "Tue, 01 Dec 2026")


def test_a_conditional_request_gets_not_modified(feeds: FeedServer) -> None:
    url = feeds.add("/cal.ics", body=b"BEGIN:VCALENDAR\nEND:VCALENDAR\n", etag='"v1"')
    fetched = fetch_feed(url, LOCAL, seconds=2, etag='"v1"', last_modified="Tue, 01 Dec 2026")
    assert fetched.not_modified
    path, headers = feeds.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Tue, 01 Dec 2026"


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (401, Problem.UNAUTHORIZED),
        (403, Problem.UNAUTHORIZED),
        (404, Problem.NOT_FOUND),
        (410, Problem.NOT_FOUND),
        (500, Problem.HTTP_STATUS),
    ],
)
def test_http_errors_say_what_is_wrong(feeds: FeedServer, status: int, problem: Problem) -> None:
    found = problem_of(feeds.add("/cal.ics", status=status, body=b"no"))
    assert (found.problem, found.status) == (problem, status)


def test_a_server_that_never_answers_is_too_slow(feeds: FeedServer) -> None:
    started = time.monotonic()
    assert problem_of(feeds.add("/stall", stall=True)).problem is Problem.TOO_SLOW
    assert time.monotonic() - started < 2


def test_a_server_dripping_bytes_is_cut_off_at_the_deadline(feeds: FeedServer) -> None:
    started = time.monotonic()
    assert problem_of(feeds.add("/drip", drip=True)).problem is Problem.TOO_SLOW
    assert time.monotonic() - started < 2


def test_a_body_over_the_cap_is_refused_declared_or_streamed(feeds: FeedServer) -> None:
    declared = feeds.add("/declared", body=b"X" * (LOCAL.max_bytes + 1))
    streamed = feeds.add("/streamed", stream_bytes=50 * LOCAL.max_bytes)
    assert problem_of(declared).problem is Problem.TOO_LARGE
    assert problem_of(streamed).problem is Problem.TOO_LARGE


def test_a_small_gzip_inflating_past_the_cap_is_refused(feeds: FeedServer) -> None:
    bomb = gzip.compress(b"BEGIN:VCALENDAR\n" + b" " * (20 * LOCAL.max_bytes))
    assert len(bomb) < LOCAL.max_bytes // 10  # its declared length is small
    url = feeds.add("/bomb.ics", body=bomb, headers={"Content-Encoding": "gzip"})
    assert problem_of(url).problem is Problem.TOO_LARGE


def test_a_gzipped_feed_is_read_decoded(feeds: FeedServer) -> None:
    body = fixture_feed("google.ics")
    url = feeds.add("/cal.ics", body=gzip.compress(body), headers={"Content-Encoding": "gzip"})
    assert fetch_feed(url, LOCAL, seconds=2).body == body


def test_a_chain_of_redirects_is_followed_up_to_the_limit(feeds: FeedServer) -> None:
    feeds.add("/cal.ics", body=b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    last = LOCAL.max_redirects + 1
    for hop in range(1, last):  # /hop1 -> /hop2 -> ... -> /hop{last} -> /cal.ics
        feeds.add(f"/hop{hop}", status=307, headers={"Location": f"/hop{hop + 1}"})
    feeds.add(f"/hop{last}", status=302, headers={"Location": "/cal.ics"})
    # From /hop2, max_redirects redirects reach the feed; from /hop1 it takes one too many.
    assert fetch_feed(feeds.url("/hop2"), LOCAL, seconds=2).body.startswith(b"BEGIN")
    assert problem_of(feeds.url("/hop1")).problem is Problem.TOO_MANY_REDIRECTS


def test_redirects_are_followed_a_few_times_only(feeds: FeedServer) -> None:
    target = feeds.add("/cal.ics", body=b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    feeds.add("/moved", status=301, headers={"Location": "/cal.ics"})
    assert fetch_feed(feeds.url("/moved"), LOCAL, seconds=2).body.startswith(b"BEGIN")
    assert target.endswith("/cal.ics")
    feeds.add("/loop", status=302, headers={"Location": "/loop"})
    assert problem_of(feeds.url("/loop")).problem is Problem.TOO_MANY_REDIRECTS
    assert sum(path == "/loop" for path, _ in feeds.requests) == LOCAL.max_redirects + 1


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.7/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
    ],
)
def test_a_redirect_into_a_private_range_is_refused(feeds: FeedServer, location: str) -> None:
    feeds.add("/sneaky", status=302, headers={"Location": location})
    assert problem_of(feeds.url("/sneaky")).problem is Problem.ADDRESS_REFUSED


@pytest.mark.parametrize(
    "address",
    [
        "http://10.0.0.7/cal.ics",
        "http://172.16.0.1/cal.ics",
        "http://192.168.0.10/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/cal.ics",
        "http://[fd00:ec2::254]/cal.ics",
        "http://[::ffff:10.0.0.7]/cal.ics",
        "http://[64:ff9b::a9fe:a9fe]/cal.ics",  # NAT64 to the metadata address
        "http://[2002:a00:7::1]/cal.ics",  # 6to4 carrying 10.0.0.7
        "http://2852039166/latest/meta-data/",  # 169.254.169.254 written as a number
    ],
)
def test_with_plain_http_allowed_private_ranges_are_still_refused(address: str) -> None:
    # The sandbox's setting lets loopback through, and nothing else that is not public.
    assert problem_of(address, LOCAL).problem is Problem.ADDRESS_REFUSED


@pytest.mark.parametrize(
    "address",
    [
        "https://2130706433/cal.ics",  # 127.0.0.1 as a decimal number
        "https://0x7f000001/cal.ics",  # ...in hexadecimal
        "https://0177.0.0.1/cal.ics",  # ...in octal
        "https://127.1/cal.ics",  # ...shortened
        "https://[::ffff:7f00:1]/cal.ics",  # IPv4-mapped IPv6
        "https://[::127.0.0.1]/cal.ics",  # IPv4-compatible IPv6
        "https://[0:0:0:0:0:0:0:1]/cal.ics",
        "https://[::]/cal.ics",
    ],
)
def test_in_production_loopback_in_any_spelling_is_refused(address: str) -> None:
    assert problem_of(address, PUBLIC_ONLY).problem is Problem.ADDRESS_REFUSED


@pytest.mark.parametrize(
    "address",
    [
        "https://127.0.0.1/cal.ics",
        "https://localhost/cal.ics",
        "https://[::1]/cal.ics",
        "https://[::ffff:127.0.0.1]/cal.ics",
        "https://10.1.2.3/cal.ics",
        "https://169.254.169.254/cal.ics",
        "https://0.0.0.0/cal.ics",
    ],
)
def test_in_production_loopback_and_private_hosts_are_refused(address: str) -> None:
    assert problem_of(address, PUBLIC_ONLY).problem is Problem.ADDRESS_REFUSED


def test_in_production_a_local_feed_is_refused_even_by_redirect(feeds: FeedServer) -> None:
    feeds.add("/cal.ics", body=b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    # https to our own server: refused before connecting (nothing listens for TLS there).
    https = feeds.url("/cal.ics").replace("http://", "https://")
    assert problem_of(https, PUBLIC_ONLY).problem is Problem.ADDRESS_REFUSED
    assert feeds.requests == []


@pytest.mark.parametrize(
    ("text", "problem", "policy"),
    [
        ("not a url", Problem.NOT_A_URL, LOCAL),
        ("calendar.google.com/calendar/ical/x/basic.ics", Problem.NOT_A_URL, LOCAL),
        ("https://", Problem.NOT_A_URL, LOCAL),
        ("https://host:99999/x", Problem.NOT_A_URL, LOCAL),
        ("ftp://example.com/cal.ics", Problem.SCHEME, LOCAL),
        ("http://example.com/cal.ics", Problem.SCHEME, PUBLIC_ONLY),
        ("javascript:alert(1)", Problem.NOT_A_URL, LOCAL),
    ],
)
def test_addresses_that_cannot_be_fetched(text: str, problem: Problem, policy: FeedPolicy) -> None:
    with pytest.raises(FeedProblem) as raised:
        normalize_address(text, allow_http=policy.allow_http)
    assert raised.value.problem is problem


def test_webcal_becomes_https() -> None:
    assert (
        normalize_address(
            "  webcal://outlook.office365.com/owa/calendar/a/b/calendar.ics ", allow_http=False
        )
        == "https://outlook.office365.com/owa/calendar/a/b/calendar.ics"
    )


def test_the_mask_shows_the_host_and_hides_the_secret() -> None:
    address = "https://calendar.google.com/calendar/ical/ana%40northwind.com/private-0123456789abcdef/basic.ics"
    masked = mask_address(address)
    assert masked == "https://calendar.google.com/….ics"
    assert "private-0123456789abcdef" not in masked and "ana" not in masked


def test_the_address_is_never_logged(feeds: FeedServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "/private-f00dfeed0123/basic.ics"
    url = feeds.add(secret, body=b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    fetch_feed(url, LOCAL, seconds=2)
    problem_of(feeds.url("/private-f00dfeed0123/missing.ics"))
    assert "f00dfeed" not in caplog.text
    assert len(feeds.requests) == 2  # both requests were made
