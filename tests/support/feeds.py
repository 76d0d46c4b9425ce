"""Calendar feeds served on 127.0.0.1 for the tests: fixture files, and every way a server
can fail a fetch (401, 404, a redirect, a stall, a drip, a body too large, 304), and feeds a
test writes (calendar_feed)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import icalendar
import pytest

from app.domain.calendar import CalendarSetup
from app.domain.calendar.policy import FeedPolicy
from app.domain.secrets import SecretBox

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "calendars"
HELD_SECONDS = 10  # the longest a stalling route holds a request before giving up itself


# What the tests' app may fetch: feeds on 127.0.0.1, a small cap, a short deadline.
LOCAL_POLICY = FeedPolicy(
    allow_http=True, max_bytes=256 * 1024, check_seconds=1.0, sync_seconds=2.0
)


def local_calendars() -> CalendarSetup:
    """The calendar setup of the app under test: local feeds, a key of its own."""
    return CalendarSetup(LOCAL_POLICY, SecretBox(SecretBox.new_key()))


def fixture_feed(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall: bool = False  # hold the request (no answer) until the server stops
    drip: bool = False  # answer 200, then a byte every 50 ms until the server stops
    stream_bytes: int = 0  # answer 200 and stream this many bytes, no Content-Length
    etag: str | None = None  # answer 304 to a request that names it


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hung up (the app giving up on a huge or slow feed) is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FeedServer:
    """A threaded HTTP server on a free local port; `add` routes, `url` addresses them."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # quiet: the test's output is the app's

            def do_GET(self) -> None:  # noqa: N802  # http.server's name
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._answer(404, b"not found")
                elif route.stall:
                    server.stopping.wait(HELD_SECONDS)
                elif route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._answer(304, b"", {"ETag": route.etag})
                elif route.drip:
                    self._start(200, {"Content-Type": "text/calendar"})
                    while not server.stopping.wait(0.05):
                        if not self._write(b"B"):
                            return
                elif route.stream_bytes:
                    self._start(200, {"Content-Type": "text/calendar"})
                    chunk, sent = b"X" * 65536, 0
                    while sent < route.stream_bytes and self._write(chunk):
                        sent += len(chunk)
                    self._write(b"", last=True)
                else:
                    headers = dict(route.headers)
                    if route.etag:
                        headers["ETag"] = route.etag
                    self._answer(route.status, route.body, headers)

            def _answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _start(self, status: int, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()

            def _write(self, data: bytes, last: bool = False) -> bool:
                try:
                    if data:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    if last:
                        self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                    return True
                except OSError:  # the client gave up: what the test expects it to do
                    return False

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        # A short poll: stopping the server waits for it.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route | None = None, **fields) -> str:
        """Serve `route` (or a Route of `fields`) at `path`; its address."""
        self.routes[path] = route or Route(**fields)
        return self.url(path)

    def feed(self, path: str, name: str) -> str:
        """Serve the fixture feed `name` at `path`, as a calendar server does."""
        return self.add(path, body=fixture_feed(name), headers={"Content-Type": "text/calendar"})

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serving_feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """A feed server for one test (import this fixture into the test module)."""
    with serving_feeds() as server:
        yield server


@dataclass(frozen=True)
class Event:
    """One event of a feed a test writes: `guests` attend with the feed's owner."""

    uid: str
    start: datetime
    guests: tuple[str, ...] = ()
    minutes: int = 45
    title: str = "Meeting"
    status: str | None = None  # CANCELLED
    sequence: int = 0
    owner_answer: str = "ACCEPTED"


def calendar_feed(owner: str, events: list[Event]) -> bytes:
    """An iCalendar feed as Google serves one (UTC times, the owner's address as its name)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Commitment Coach tests//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", owner)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("summary", item.title)
        event.add("dtstart", item.start)
        event.add("dtend", item.start + timedelta(minutes=item.minutes))
        event.add("dtstamp", item.start)
        event.add("sequence", item.sequence)
        if item.status:
            event.add("status", item.status)
        event.add("organizer", icalendar.vCalAddress(f"mailto:{owner}"))
        for guest in (owner, *item.guests):
            attendee = icalendar.vCalAddress(f"mailto:{guest}")
            attendee.params["PARTSTAT"] = icalendar.vText(
                item.owner_answer if guest == owner else "ACCEPTED"
            )
            attendee.params["CN"] = icalendar.vText(guest.split("@")[0].replace(".", " ").title())
            event.add("attendee", attendee, encode=False)
        calendar.add_component(event)
    return calendar.to_ical()
