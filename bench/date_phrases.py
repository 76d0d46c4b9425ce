"""Accuracy of the date reader on next-step phrases labelled by hand (bench/data/next_steps.txt).

Run: .venv/bin/python bench/date_phrases.py [--misses]
Reports the tuned and the held-out halves apart, plain dateparser on the same phrases, and silent
misreads: a phrase that must be refused but was read as a moment.
"""

import argparse
import statistics
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dateparser

from app.domain.dates import read_when, warm_up

PHRASES = Path(__file__).parent / "data" / "next_steps.txt"


@dataclass(frozen=True)
class Labelled:
    half: str
    phrase: str
    expected: datetime | None  # None: must be refused
    zone: str
    locale: str
    now: datetime


def load() -> list[Labelled]:
    rows, scene = [], None
    for line in PHRASES.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            _, _name, zone, locale, day, clock = line.split()
            scene = (
                zone,
                locale,
                datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=ZoneInfo(zone)),
            )
            continue
        assert scene is not None
        half, phrase, expected = (part.strip() for part in line.split("|"))
        zone, locale, now = scene
        at = (
            None
            if expected == "refuse"
            else datetime.fromisoformat(expected).replace(tzinfo=ZoneInfo(zone))
        )
        rows.append(Labelled(half, phrase, at, zone, locale, now))
    return rows


def ours(row: Labelled) -> datetime | None:
    reading = read_when(row.phrase, row.zone, row.now, locale=row.locale)
    return reading.at if reading.ok else None


def plain(row: Labelled) -> datetime | None:
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": row.now.replace(tzinfo=None),
        "TIMEZONE": row.zone,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = dateparser.parse(row.phrase, languages=["en"], settings=settings)
    except Exception:
        return None
    return found.replace(tzinfo=ZoneInfo(row.zone)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every phrase read wrong")
    args = parser.parse_args()
    rows = load()
    warm_up()
    for half in ("tuned", "held"):
        part = [row for row in rows if row.half == half]
        right = plain_right = silent = 0
        for row in part:
            got = ours(row)
            right += got == row.expected
            plain_right += plain(row) == row.expected
            silent += row.expected is None and got is not None
            if args.misses and got != row.expected:
                print(f"  miss [{half}] {row.phrase!r} ({row.locale}): {got} != {row.expected}")
        refusals = sum(row.expected is None for row in part)
        print(
            f"{half:>5}: {len(part)} phrases, reader {right / len(part):.1%} ({right}), "
            f"plain dateparser {plain_right / len(part):.1%}, "
            f"silent misreads {silent} of {refusals} that must be refused"
        )
    medians = []
    for row in rows:
        samples = []
        for _ in range(21):
            started = time.perf_counter()
            ours(row)
            samples.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(samples))
    print(
        f"warm read, per phrase: median {statistics.median(medians):.3f} ms, "
        f"slowest median {max(medians):.3f} ms"
    )


if __name__ == "__main__":
    main()
