"""Measure the coach's review of commitment objectives: median and p99 per review, in ms.

Run: .venv/bin/python bench/review_objectives.py [--repeat N]
The objectives are the labelled set (tests/domain/coaching_cases.py), then a few very long texts.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "domain"))

from coaching_cases import CASES  # noqa: E402

from app.domain.coaching import MAX_SCAN, review_objective  # noqa: E402
from app.domain.enums import Stage  # noqa: E402

LONG_TEXTS = {
    "notes after the objective": "Dana agrees to a pricing review on Tuesday. "
    + "Notes on the account and the team, nothing more to say about them here. " * 150,
    "rambling, no commitment": "We want to learn more about their needs and understand how "
    "their process works. " * 150,
    "one clause repeated": "Send them the proposal " * 500,
    "parties and punctuation": "Dana's team, the CFO (VP) and " * 400,
    "one 10,000-letter word": "x" * 10_000,
    "emoji": "🤝" * 5_000,
    "a word a time": "a " * 5_000,
}


def timings_ms(objectives: list[tuple[str, Stage | None, str | None]], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        for objective, stage, minimum in objectives:
            started = time.perf_counter()
            review_objective(objective, stage, minimum)
            samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def p99(samples: list[float]) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="runs per objective")
    args = parser.parse_args()

    labelled = [(case.objective, case.stage, case.minimum) for case in CASES]
    timings_ms(labelled, 1)  # the first reviews fill the typo cache
    typical = [entry for entry in labelled if len(entry[0]) <= 200]
    rows = [
        (f"labelled set ({len(labelled)} objectives)", timings_ms(labelled, args.repeat)),
        (f"of which up to 200 characters ({len(typical)})", timings_ms(typical, args.repeat)),
    ]
    rows += [
        (f"long: {name} ({len(text):,} chars)", timings_ms([(text, Stage.DEMO, None)], args.repeat))
        for name, text in LONG_TEXTS.items()
    ]

    print(f"review_objective, {args.repeat} runs per objective; reads at most {MAX_SCAN} chars")
    print(f"  {'objectives':<52} {'median ms':>10} {'p99 ms':>8}")
    for label, samples in rows:
        print(f"  {label:<52} {statistics.median(samples):>10.3f} {p99(samples):>8.3f}")


if __name__ == "__main__":
    main()
