"""The coach's agreement with a sales coach's labels, per criterion, on objectives it never saw.

Run: .venv/bin/python bench/coach_agreement.py [--misses]
The objectives are bench/data/objectives.txt, labelled before the review read them. Odd lines are
the tuned half, even lines the held-out half, on which no rule is tuned: --misses lists the
disagreements on the tuned half only.
"""

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "domain"))

from coaching_cases import FAILURE_WORDS  # noqa: E402 (the labels' words, as in the tests)

from app.domain.coaching import CRITERION_NAMES, Criterion, review_objective  # noqa: E402
from app.domain.enums import Stage  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "objectives.txt"


class Labelled(NamedTuple):
    objective: str
    stage: Stage | None
    minimum: str | None
    expected: dict[Criterion, bool]
    held_out: bool


def load(path: Path = DATA) -> list[Labelled]:
    cases = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in (line for line in lines if not line.startswith("#")):
        stage, fails, minimum, objective = (part.strip() for part in line.split("|", 3))
        failed = {FAILURE_WORDS[word] for word in fails.split()}
        if minimum == "-":
            failed.add(Criterion.FALLBACK)
        expected = {criterion: criterion not in failed for criterion in Criterion}
        cases.append(
            Labelled(
                objective,
                Stage(stage) if stage != "none" else None,
                None if minimum == "-" else minimum,
                expected,
                held_out=len(cases) % 2 == 1,
            )
        )
    return cases


def agreement(cases: list[Labelled]) -> tuple[dict[Criterion, int], list[str]]:
    agreed = dict.fromkeys(Criterion, 0)
    misses = []
    for case in cases:
        review = review_objective(case.objective, case.stage, case.minimum)
        for criterion in Criterion:
            passed = review.result(criterion).passed
            if passed == case.expected[criterion]:
                agreed[criterion] += 1
            else:
                verdict = "passes" if passed else "fails"
                misses.append(f"  {CRITERION_NAMES[criterion]} {verdict}: {case.objective!r}")
    return agreed, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the tuned half's misses")
    args = parser.parse_args()
    cases = load()
    halves = {
        "tuned": [case for case in cases if not case.held_out],
        "held out": [case for case in cases if case.held_out],
    }
    results = {name: agreement(half) for name, half in halves.items()}
    sizes = "  ".join(f"{name}: {len(half)}" for name, half in halves.items())
    print(f"agreement with the coach's labels ({sizes} objectives)")
    print(f"  {'criterion':<16}" + "".join(f"{name:>12}" for name in halves))
    for criterion in Criterion:
        row = "".join(
            f"{results[name][0][criterion] / len(half):>12.1%}" for name, half in halves.items()
        )
        print(f"  {CRITERION_NAMES[criterion]:<16}{row}")
    if args.misses:
        print("misses on the tuned half:")
        print("\n".join(results["tuned"][1]) or "  none")


if __name__ == "__main__":
    main()
