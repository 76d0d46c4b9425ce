"""Typos: a word the review does not know, read as the listed word it is one or two edits from."""

from __future__ import annotations

from functools import lru_cache

from app.domain.coaching.lexicon import LEMMAS, RULES

# Typos: a word the review does not know, within one edit (two for long words) of an act or a
# thing, with the same first letter, is read as that word: "shedule", "aprove", "sigh".
TYPO_MIN_LENGTH, TYPO_MAX_LENGTH = 4, 15
TYPO_TARGETS = {
    form: lemma
    for form, lemma in {
        **{
            entry: entry
            for section in ("acts", "things")
            for entries in RULES[section].values()
            for entry in entries
            if " " not in entry
        },
        **LEMMAS,
    }.items()
    if len(form) >= TYPO_MIN_LENGTH and form.isalpha()
}


def _deletions(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def _build_typo_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for target in TYPO_TARGETS:
        for variant in {target} | _deletions(target):
            index.setdefault(variant, []).append(target)
    return index


TYPO_INDEX = _build_typo_index()


def _edit_distance(first: str, second: str) -> int:
    """Edits between two words, an adjacent swap counting as one (optimal string alignment)."""
    before: list[int] = []
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, 1):
        current = [row] + [0] * len(second)
        for column, other in enumerate(second, 1):
            current[column] = min(
                previous[column] + 1,
                current[column - 1] + 1,
                previous[column - 1] + (char != other),
            )
            swapped = row > 1 and column > 1 and char == second[column - 2]
            if swapped and first[row - 2] == other:
                current[column] = min(current[column], before[column - 2] + 1)
        before, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=4096)
def correct(word: str) -> str | None:
    limit = 1 if len(word) < 7 else 2
    candidates = set(TYPO_INDEX.get(word, ()))
    for variant in _deletions(word):
        candidates.update(TYPO_INDEX.get(variant, ()))
    scored = sorted(
        # Nearest first; on a tie, a word as listed before a form made from it.
        (_edit_distance(word, target), TYPO_TARGETS[target] != target, target)
        for target in candidates
        if target[0] == word[0] and abs(len(target) - len(word)) <= limit
    )
    if scored and scored[0][0] <= limit:
        return TYPO_TARGETS[scored[0][2]]
    return None
