"""The words of an objective, typos read as what they mean, and the listed phrases they make."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.coaching.lexicon import (
    CAPITALISED_DEPARTMENTS,
    CONJUNCTION,
    DEPARTMENT_TAGS,
    LEMMAS,
    NO_TAGS,
    PHRASES,
    POSSESSIVE_TAGS,
    PUNCT,
    PUNCT_TAGS,
    VOCABULARY,
)
from app.domain.coaching.typos import TYPO_MAX_LENGTH, TYPO_MIN_LENGTH, correct
from app.domain.coaching.words import BOUNDARY_MARKS, split


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    opens_sentence: bool
    low: str  # lower case, with a curly apostrophe made straight
    lemma: str  # the listed word it is a form of ("signs": "sign"), or a typo of ("shedule")
    corrected: bool  # read as a typo of a listed word
    is_word: bool


@dataclass(frozen=True, slots=True)
class Item:
    """A word or a listed phrase, with the lists it is in."""

    tokens: tuple[Token, ...]
    tags: frozenset[str]
    # The phrase as listed: "schedule" for "shedule", "sign off" for "signed off".
    key: str
    unknown: bool = False  # in no list
    name: bool = False  # names a person
    context: bool = False  # sets the scene ("after the demo"), not the ask
    first: Token = field(init=False)
    low: str = field(init=False)
    start: int = field(init=False)
    end: int = field(init=False)
    inflected: bool = field(init=False)
    boundary: bool = field(init=False)

    def __post_init__(self) -> None:
        first = self.tokens[0]
        derived = {
            "first": first,
            "low": first.low,
            "start": first.start,
            "end": self.tokens[-1].end,
            "inflected": first.low != first.lemma,
            "boundary": PUNCT in self.tags or CONJUNCTION in self.tags,
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


def _token(text: str, start: int, end: int, opens: bool) -> Token:
    raw = text[start:end]
    low = raw.lower().replace("’", "'")
    lemma, corrected = LEMMAS.get(low, low), False
    # A capitalised word inside a sentence is a name: "with Dana" is not a typo of "data".
    could_be_typo = (
        TYPO_MIN_LENGTH <= len(low) <= TYPO_MAX_LENGTH
        and lemma not in VOCABULARY
        and low.isalpha()
        and not (raw[0].isupper() and not opens)
    )
    if could_be_typo and (typo_of := correct(low)):
        lemma, corrected = typo_of, True
    is_word = low[0].isalnum() or low[0] == "'"
    return Token(raw, start, end, opens, low, lemma, corrected, is_word)


def tokenise(text: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    opens = True
    for start, end in split(text):
        tokens.append(_token(text, start, end, opens))
        opens = text[start:end] in BOUNDARY_MARKS
    return tuple(tokens)


def match(
    tokens: tuple[Token, ...], start: int, phrases: dict[str, tuple]
) -> tuple[int, frozenset[str] | set[str], str]:
    """The longest listed phrase at `start`: its length in tokens, its tags and its key."""
    token = tokens[start]
    candidates = phrases.get(token.low, ())
    if token.lemma != token.low:
        candidates += phrases.get(token.lemma, ())
    if not candidates:
        return 0, NO_TAGS, ""
    length, tags, key = 0, set[str](), ""
    available = len(tokens) - start
    for words, found in candidates:
        size = len(words)
        if size < length or size > available:
            continue
        if size == 1 or all(
            word in (tokens[index].low, tokens[index].lemma)
            for index, word in enumerate(words[1:], start + 1)
        ):
            if size > length:
                length, tags = size, set()
            tags |= found
            key = " ".join(words)
    return length, tags, key


def items_of(tokens: tuple[Token, ...]) -> list[Item]:
    items: list[Item] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.is_word:
            items.append(Item((token,), PUNCT_TAGS, token.low))
            index += 1
            continue
        if token.low == "'s":
            items.append(Item((token,), POSSESSIVE_TAGS, "'s"))
            index += 1
            continue
        if token.text in CAPITALISED_DEPARTMENTS:
            items.append(Item((token,), DEPARTMENT_TAGS, token.low))
            index += 1
            continue
        length, tags, key = match(tokens, index, PHRASES)
        if length:
            items.append(Item(tokens[index : index + length], frozenset(tags), key))
            index += length
            continue
        unknown = token.low not in VOCABULARY and token.lemma not in VOCABULARY
        items.append(Item((token,), NO_TAGS, token.lemma, unknown))
        index += 1
    return items
