"""Measure reading dates: cold first parse after warm_up(), then warm median and p99 per phrase.

Run: .venv/bin/python bench/parse_dates.py [--repeat N] [--all]
The phrases are the test table's (tests/domain/when_cases.py), each read in its own scene.
"""

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "domain"))

from when_cases import SCENES  # noqa: E402

from app.domain.dates import find_when_phrase, mentions_time, read_when, warm_up  # noqa: E402

# A phrase warm_up() does not read, that goes through dateparser.
FIRST_PHRASE = "12/15/2026 2pm"
UNWARMED = f"""
import time
from datetime import UTC, datetime
from app.domain.dates import read_when
started = time.perf_counter()
read_when("{FIRST_PHRASE}", "America/New_York", datetime.now(UTC))
print((time.perf_counter() - started) * 1000)
"""


def timings_ms(call: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def p99(samples: list[float]) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="warm runs per phrase")
    parser.add_argument("--all", action="store_true", help="print every phrase, not the slowest")
    args = parser.parse_args()

    unwarmed_ms = float(subprocess.check_output([sys.executable, "-c", UNWARMED], text=True))
    started = time.perf_counter()
    warm_up()
    warm_up_ms = (time.perf_counter() - started) * 1000
    first = next(iter(SCENES.values()))
    started = time.perf_counter()
    read_when(FIRST_PHRASE, first.zone, first.now)
    first_parse_ms = (time.perf_counter() - started) * 1000

    rows = []
    for name, scene in SCENES.items():
        for case in scene.cases:
            samples = timings_ms(
                lambda case=case, scene=scene: read_when(case.phrase, scene.zone, scene.now),
                args.repeat,
            )
            rows.append((f"{name}: {case.phrase}", statistics.median(samples), p99(samples)))
    rows.sort(key=lambda row: row[1], reverse=True)
    medians = [median for _, median, _ in rows]
    all_cases = [(scene, case) for scene in SCENES.values() for case in scene.cases]
    mention = timings_ms(
        lambda: [
            mentions_time(f"Dana agrees to a pricing review {c.phrase}") for _, c in all_cases
        ],
        20,
    )
    find = timings_ms(
        lambda: [
            find_when_phrase(f"Acme Corp demo {c.phrase}", s.zone, s.now) for s, c in all_cases
        ],
        5,
    )

    print(f"first parse in a new process without warm_up(): {unwarmed_ms:.1f} ms")
    print(f"warm_up(): {warm_up_ms:.1f} ms; first parse after it: {first_parse_ms:.2f} ms")
    print(f"read_when, {len(rows)} phrases x {args.repeat} warm runs:")
    print(
        f"  median of per-phrase medians {statistics.median(medians):.3f} ms, "
        f"slowest median {max(medians):.3f} ms, worst p99 {max(p for _, _, p in rows):.3f} ms"
    )
    print(f"  {'phrase':<44} {'median ms':>10} {'p99 ms':>8}")
    for label, median, high in rows if args.all else rows[:10]:
        print(f"  {label:<44} {median:>10.3f} {high:>8.3f}")
    per_call = len(all_cases)
    print(f"mentions_time: median {statistics.median(mention) / per_call * 1000:.1f} us per text")
    print(f"find_when_phrase: median {statistics.median(find) / per_call:.3f} ms per text")


if __name__ == "__main__":
    main()
