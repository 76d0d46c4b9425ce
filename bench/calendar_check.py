"""How long the connect form's check of a calendar address takes: fetch, parse, expand, read.

    python bench/calendar_check.py

Feeds of 200, 2,000 and 10,000 events (a third of them weekly series with an exception, each
event with a customer and a colleague) are served on 127.0.0.1; `check_feed` (what the form
runs once it shows "Checking…": fetch, parse, expand the next 14 days, classify) is timed
three times each, and `read_feed` alone (no fetch) too. Prints the median and the worst run.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.calendar.check import check_feed, upcoming_window  # noqa: E402
from app.domain.calendar.feed import read_feed  # noqa: E402
from app.domain.calendar.policy import FeedPolicy  # noqa: E402

NOW = datetime(2026, 12, 2, 15, tzinfo=UTC)
RUNS = 3
SIZES = (200, 2_000, 10_000)
COMPANY = frozenset({"northwind.com"})


def feed(events: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "X-WR-TIMEZONE:UTC"]
    start = NOW - timedelta(days=365)
    for number in range(events):
        at = start + timedelta(hours=7 * number % (500 * 24))
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{number}@bench",
            f"DTSTART:{at:%Y%m%dT%H%M%SZ}",
            f"DTEND:{at + timedelta(minutes=45):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Meeting {number}",
            f"ATTENDEE;CN=Guest {number}:mailto:guest{number}@customer{number % 97}.com",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@northwind.com",
        ]
        if number % 3 == 0:
            lines += [
                "RRULE:FREQ=WEEKLY;COUNT=60",
                f"EXDATE:{at + timedelta(weeks=2):%Y%m%dT%H%M%SZ}",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def serve(bodies: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):  # noqa: N802
            body = bodies[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    bodies = {f"/{size}.ics": feed(size) for size in SIZES}
    server = serve(bodies)
    # The form's policy, but for a local feed, and time enough to measure the largest.
    policy = FeedPolicy(allow_http=True, check_seconds=120)
    print(f"{'events':>7} {'size':>8} {'check median':>13} {'worst':>7} {'parse only':>11} found")
    for size in SIZES:
        url = f"http://127.0.0.1:{server.server_port}/{size}.ics"
        checks, parses, found = [], [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            checked = check_feed(
                url,
                policy,
                rep_addresses=frozenset({"ana@northwind.com"}),
                company_domains=COMPANY,
                now=NOW,
                rep_zone="America/New_York",
            )
            checks.append(time.perf_counter() - started)
            found = checked.upcoming
            started = time.perf_counter()
            read_feed(
                bodies[f"/{size}.ics"],
                rep_addresses=frozenset(),
                company_domains=COMPANY,
                window=upcoming_window(NOW),
                rep_zone="UTC",
            )
            parses.append(time.perf_counter() - started)
        kib = len(bodies[f"/{size}.ics"]) / 1024
        print(
            f"{size:>7} {kib:>6.0f}KB {statistics.median(checks):>12.2f}s {max(checks):>6.2f}s "
            f"{statistics.median(parses):>10.2f}s {found}"
        )
    server.shutdown()


if __name__ == "__main__":
    main()
