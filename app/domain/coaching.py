"""The coach's review of a commitment objective: the customer's own observable, dated act."""

from __future__ import annotations

import enum
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from app.domain.when import mentions_time
from app.models import Stage

# Only this much of an objective is read: the /precall field holds 500 characters
# (plans.OBJECTIVE_MAX), and the cap keeps a review bounded whatever a caller passes.
MAX_SCAN = 500


class Criterion(enum.StrEnum):
    CUSTOMER_ACTION = "customer_action"
    SPECIFIC = "specific"
    TIME_BOUND = "time_bound"
    DECISION_MAKER = "decision_maker"
    STAGE_FIT = "stage_fit"
    FALLBACK = "fallback"


CRITERION_NAMES: dict[Criterion, str] = {
    Criterion.CUSTOMER_ACTION: "Customer action",
    Criterion.SPECIFIC: "Specific",
    Criterion.TIME_BOUND: "Time-bound",
    Criterion.DECISION_MAKER: "Decision maker",
    Criterion.STAGE_FIT: "Stage fit",
    Criterion.FALLBACK: "Fallback",
}
REQUIRED: tuple[Criterion, ...] = (
    Criterion.CUSTOMER_ACTION,
    Criterion.SPECIFIC,
    Criterion.TIME_BOUND,
)

_CUSTOMER_ACTION_EXAMPLE = "e.g. 'Dana agrees to review the proposal with her CFO by Friday'"
CUSTOMER_ACTION_TIP = (
    f"Write what the customer will do, not what you will do: {_CUSTOMER_ACTION_EXAMPLE}"
)
DENIED_ACTION_TIP = (
    f"Write what the customer will do, not what they won't: {_CUSTOMER_ACTION_EXAMPLE}"
)
SPECIFIC_TIP = (
    "Name an observable action: schedule, book, attend, sign, approve, introduce, start a pilot…"
)
TIME_BOUND_TIP = "Say when: 'by Friday', 'on the 3rd', 'within 2 weeks'"
DECISION_MAKER_TIP = "Name who commits: a person or a role (the CFO, the head of IT, Dana)"
RUSH_TIP = "Don't rush the close: aim for the commitment that earns the right to close"
STEP_BACK_TIP = (
    "You are at the close: ask for the decision (the signature, the PO), not an opening meeting"
)
FALLBACK_TIP = "Set a minimum acceptable commitment: your fallback if the objective is out of reach"
SAME_FALLBACK_TIP = (
    "Make the fallback a smaller step than the objective: the least you would still accept"
)
NAME_PLACEHOLDER = "[Name (role)]"
WHEN_PLACEHOLDER = "by [Friday]"


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    passed: bool
    suggestion: str | None  # concrete, for a failed criterion; None when passed


@dataclass(frozen=True)
class Review:
    results: tuple[CriterionResult, ...]  # one per criterion, in Criterion order
    rewrite: str | None  # an example in the rep's own words; None when strong with nothing to add

    @property
    def strong(self) -> bool:
        return all(self.result(criterion).passed for criterion in REQUIRED)

    def result(self, criterion: Criterion) -> CriterionResult:
        return next(result for result in self.results if result.criterion == criterion)


def review_objective(
    objective: str, stage: Stage | None, minimum_commitment: str | None = None
) -> Review:
    """Review an objective against the six criteria, with an example rewrite when it falls short."""
    reading = _Reading(objective[:MAX_SCAN])
    verdicts = {
        Criterion.CUSTOMER_ACTION: reading.customer_action(),
        Criterion.SPECIFIC: reading.specific(),
        Criterion.TIME_BOUND: reading.time_bound(),
        Criterion.DECISION_MAKER: reading.decision_maker(),
        Criterion.STAGE_FIT: reading.stage_fit(stage),
        Criterion.FALLBACK: _fallback(objective, minimum_commitment),
    }
    results = tuple(
        CriterionResult(criterion, suggestion is None, suggestion)
        for criterion, suggestion in verdicts.items()
    )
    passed = {result.criterion: result.passed for result in results}
    return Review(results, reading.rewrite(passed, stage))


# The rules file: word lists the team extends without touching this module.

_RULES = tomllib.loads(
    resources.files("app.domain").joinpath("coaching_rules.toml").read_text(encoding="utf-8")
)

_CUSTOMER, _JOINT, _REP, _REQUEST, _ACQUIRE, _AGREEMENT, _REFUSAL, _CAUSATIVE = (
    f"acts.{name}"
    for name in (
        "customer",
        "joint",
        "rep",
        "request",
        "acquire",
        "agreement",
        "refusal",
        "causative",
    )
)
_VAGUE, _HEDGE, _INQUIRY, _STATE = (
    f"acts.{name}" for name in ("vague", "hedge", "inquiry", "state")
)
_EVENTS, _DELIVERABLES, _VAGUE_THINGS, _HEDGE_THINGS = (
    f"things.{name}" for name in ("events", "deliverables", "vague", "hedge")
)
_ROLE, _DEPARTMENT, _GROUP, _GENERIC, _REP_PARTY, _COMPANY = (
    f"parties.{name}"
    for name in ("roles", "departments", "groups", "generic", "rep", "company_suffixes")
)
_MODAL, _BE, _NEGATION, _ADVERB, _QUESTION, _CONJUNCTION, _DETERMINER, _PREPOSITION = (
    f"grammar.{name}"
    for name in (
        "modals",
        "be",
        "negations",
        "adverbs",
        "questions",
        "conjunctions",
        "determiners",
        "prepositions",
    )
)
_VAGUE_TIME = "time.vague"
_CLOSE, _NOT_CLOSE, _EARLY_MEETING = "stage.close", "stage.not_close", "stage.early_meetings"
_PUNCT, _POSSESSIVE = "punct", "possessive"
_NO_TAGS: frozenset[str] = frozenset()
_PUNCT_TAGS, _POSSESSIVE_TAGS = frozenset((_PUNCT,)), frozenset((_POSSESSIVE,))
_DEPARTMENT_TAGS = frozenset((_DEPARTMENT,))
# Words a reused phrase does not end on.
_DANGLING = frozenset(
    (_PUNCT, _CONJUNCTION, _PREPOSITION, _MODAL, _NEGATION, _DETERMINER, _POSSESSIVE)
)

_ACTS = frozenset(
    (
        _CUSTOMER,
        _JOINT,
        _REP,
        _REQUEST,
        _ACQUIRE,
        _AGREEMENT,
        _REFUSAL,
        _VAGUE,
        _HEDGE,
        _INQUIRY,
        _STATE,
    )
)
_OBSERVABLE_ACTS = frozenset((_CUSTOMER, _JOINT, _REP))
_NOT_ACTS = frozenset((_HEDGE, _INQUIRY, _STATE))
_THINGS = frozenset((_EVENTS, _DELIVERABLES, _VAGUE_THINGS, _HEDGE_THINGS))
_HEADS = frozenset((_ROLE, _GROUP, _GENERIC, _REP_PARTY, _COMPANY))
_SKIPPED = frozenset((_MODAL, _BE, _NEGATION, _ADVERB))
# Lists that only make words known (never names or typos), without a tag of their own.
_UNTAGGED = {"common", "department_nouns", "capitalised_departments"}

_SENTENCE_ENDS = {".", "!", "?", ";", "\n"}
# How far the reading looks, in words: bounds on work, far above what real objectives need.
_LONGEST_PARTY = 12  # "the VP of Sales (Dana Smith) and her head of IT"
_LONGEST_GAP = 6  # between a subject and its verb: "will not be able to formally"
_LONGEST_OBJECT = 12  # from "get" to what is got
_LONGEST_REWRITE = 25  # words of the rep's reused in an example rewrite
_NOT_CLOSE_REACH = 4  # words after "sign" that can still make it an early step: "sign an NDA"


_TOKEN = re.compile(r"\.{2,}|…|[^\W_]+(?:['’-][^\W_]+)*|->|=>|[.!?;:,()\n|/&+—–-]")
_SUFFIXES = ("'s", "'ll", "'re", "'ve", "'d", "'m", "n't")
_BOUNDARY_MARKS = {".", "!", "?", ";", "\n", ":", "->", "=>", "—", "–", "-", "|"}


def _split(text: str) -> list[tuple[int, int]]:
    """Spans of the words and marks of `text`, with "Dana's" and "we'll" split in two."""
    spans = []
    for match in _TOKEN.finditer(text):
        raw = match[0]
        if raw[0] == "." and len(raw) > 1 or raw == "…":
            continue  # an ellipsis is a pause, not the end of a sentence
        suffix = None
        if "'" in raw or "’" in raw:
            low = raw.lower().replace("’", "'")
            suffix = next((s for s in _SUFFIXES if low.endswith(s) and len(low) > len(s)), None)
        if suffix:
            spans += [
                (match.start(), match.end() - len(suffix)),
                (match.end() - len(suffix), match.end()),
            ]
        else:
            spans.append(match.span())
    return spans


def _verb_forms(verb: str) -> set[str]:
    if verb.endswith("ee"):  # "agree": "agreed", "agreeing"
        return {verb, verb + "s", verb + "d", verb + "ing"}
    if verb.endswith("e"):  # "schedule": "scheduled", "scheduling"
        return {verb, verb + "s", verb + "d", verb[:-1] + "ing"}
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":  # "qualify": "qualifies", "qualified"
        return {verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    forms = {verb, verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")}
    forms |= {verb + "ed", verb + "ing"}
    if re.search(r"[aeiou][^aeiouwxy]$", verb):  # "plan": "planned"; "commit": "committed"
        forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


def _plurals(noun: str) -> set[str]:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return {noun[:-1] + "ies"}
    return {noun + "s", noun + "es"}


def _build_lemmas() -> dict[str, str]:
    lemmas: dict[str, str] = {}
    for entries in _RULES["acts"].values():
        for entry in entries:
            verb = entry.split()[0]
            lemmas.update(dict.fromkeys(_verb_forms(verb) - {verb}, verb))
    plural_lists = [*_RULES["things"].values()]
    plural_lists += [_RULES["parties"][name] for name in ("roles", "groups", "generic")]
    for entries in plural_lists:
        for entry in entries:
            noun = entry.split()[-1]
            lemmas.update(dict.fromkeys(_plurals(noun), noun))
    lemmas.update(_RULES["irregular"])
    return lemmas


def _build_phrases(sections: dict[str, dict[str, list[str]]]) -> dict[str, tuple]:
    """Phrases by first word, longest first, each with the tags of every list it is in."""
    tags: dict[tuple[str, ...], set[str]] = {}
    for section, lists in sections.items():
        for name, entries in lists.items():
            if name in _UNTAGGED:
                continue
            for entry in entries:
                # Split as the objective is ("they're": "they", "'re"); "'ll" alone is one word.
                spans = [(0, len(entry))] if entry.startswith("'") else _split(entry)
                words = tuple(entry[start:end] for start, end in spans)
                tags.setdefault(words, set()).add(f"{section}.{name}")
    index: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
    for words, found in tags.items():
        index.setdefault(words[0], []).append((words, frozenset(found)))
    return {
        first: tuple(sorted(entries, key=lambda entry: -len(entry[0])))
        for first, entries in index.items()
    }


_LEMMAS = _build_lemmas()
_PHRASES = _build_phrases(
    {name: _RULES[name] for name in ("acts", "things", "parties", "grammar")}
    | {"time": {"vague": _RULES["time"]["vague"]}}
)
_STAGE_PHRASES = _build_phrases(
    {"stage": {name: _RULES["stage"][name] for name in ("close", "not_close", "early_meetings")}}
)
_VOCABULARY = frozenset(
    word
    for section in ("acts", "things", "parties", "grammar", "time")
    for entries in _RULES[section].values()
    for entry in entries
    for word in entry.lower().split()
) | frozenset(_LEMMAS)
_CAPITALISED_DEPARTMENTS = frozenset(_RULES["parties"]["capitalised_departments"])
_DEPARTMENT_NOUNS = frozenset(_RULES["parties"]["department_nouns"])
_TIME_LEADS = frozenset(_RULES["time"]["leads"])
_TIME_TRAILERS = frozenset(_RULES["time"]["trailers"])
_CONTEXT = re.compile(
    "|".join(f"(?:{pattern})" for pattern in _RULES["context"]["patterns"]), re.IGNORECASE
)
_RUSH_STAGES = frozenset(Stage(name) for name in _RULES["stage"]["rush"])
_LATE_STAGES = frozenset(Stage(name) for name in _RULES["stage"]["late"])
_NEXT_STEPS: dict[str, str] = _RULES["rewrite"]["next_step"]
_COUNTERPARTS: dict[str, str] = _RULES["rewrite"]["counterparts"]

# Typos: a word the review does not know, within one edit (two for long words) of an act or a
# thing, with the same first letter, is read as that word: "shedule", "aprove", "sigh".
_TYPO_MIN_LENGTH, _TYPO_MAX_LENGTH = 4, 15
_TYPO_TARGETS = {
    form: lemma
    for form, lemma in {
        **{
            entry: entry
            for section in ("acts", "things")
            for entries in _RULES[section].values()
            for entry in entries
            if " " not in entry
        },
        **_LEMMAS,
    }.items()
    if len(form) >= _TYPO_MIN_LENGTH and form.isalpha()
}


def _deletions(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def _build_typo_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for target in _TYPO_TARGETS:
        for variant in {target} | _deletions(target):
            index.setdefault(variant, []).append(target)
    return index


_TYPO_INDEX = _build_typo_index()


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
def _correct(word: str) -> str | None:
    limit = 1 if len(word) < 7 else 2
    candidates = set(_TYPO_INDEX.get(word, ()))
    for variant in _deletions(word):
        candidates.update(_TYPO_INDEX.get(variant, ()))
    scored = sorted(
        # Nearest first; on a tie, a word as listed before a form made from it.
        (_edit_distance(word, target), _TYPO_TARGETS[target] != target, target)
        for target in candidates
        if target[0] == word[0] and abs(len(target) - len(word)) <= limit
    )
    if scored and scored[0][0] <= limit:
        return _TYPO_TARGETS[scored[0][2]]
    return None


# Reading the objective: words, then phrases, then who does what.


class _Token:
    __slots__ = ("text", "low", "lemma", "start", "end", "opens_sentence", "is_word", "corrected")

    def __init__(self, text: str, start: int, end: int, opens_sentence: bool) -> None:
        self.text, self.start, self.end, self.opens_sentence = text, start, end, opens_sentence
        self.low = text.lower().replace("’", "'")
        self.lemma = _LEMMAS.get(self.low, self.low)
        self.is_word = self.low[0].isalnum() or self.low[0] == "'"
        self.corrected = False


class _Item:
    """A word or a listed phrase, with the lists it is in."""

    __slots__ = (
        "tokens",
        "first",
        "tags",
        "key",
        "low",
        "start",
        "end",
        "unknown",
        "name",
        "context",
        "inflected",
        "boundary",
    )

    def __init__(
        self, tokens: list[_Token], tags: frozenset[str], key: str, unknown: bool = False
    ) -> None:
        self.tokens, self.first, self.tags = tokens, tokens[0], tags
        # The phrase as listed: "schedule" for "shedule", "sign off" for "signed off".
        self.key = key
        self.low, self.start, self.end = tokens[0].low, tokens[0].start, tokens[-1].end
        self.unknown, self.name, self.context = unknown, False, False
        self.inflected = tokens[0].low != tokens[0].lemma
        self.boundary = _PUNCT in tags or _CONJUNCTION in tags


@dataclass(slots=True)
class _Chunk:
    """Who: a run of words naming a party, e.g. "Dana (CFO)", "their head of IT", "them"."""

    first: int  # item indexes, inclusive
    last: int
    kind: str  # "named", "generic" or "rep"


@dataclass(slots=True)
class _Clause:
    """An act in verb position, with who does it."""

    verb: int
    subject: _Chunk | None
    actor: str  # "customer", "rep" or "none" (a state of mind)
    requested: bool  # "ask Dana to sign": the act is asked for, not agreed
    # Items first to last that say the act will not happen ("does not sign", "refuses to meet",
    # "agrees not to buy"); None when nothing denies it.
    denial: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class _Position:
    """Where an act stands: who does it, whether it is only asked for, and from which item on
    the words before it deny it ("does not sign", "refuses to meet")."""

    subject: _Chunk | None
    requested: bool
    denied_from: int | None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    opens = True
    for start, end in _split(text):
        raw = text[start:end]
        token = _Token(raw, start, end, opens)
        opens = raw in _BOUNDARY_MARKS
        tokens.append(token)
        if not _TYPO_MIN_LENGTH <= len(token.low) <= _TYPO_MAX_LENGTH or token.lemma in _VOCABULARY:
            continue
        # A capitalised word inside a sentence is a name: "with Dana" is not a typo of "data".
        if (raw[0].isupper() and not token.opens_sentence) or not token.low.isalpha():
            continue
        if corrected := _correct(token.low):
            token.lemma, token.corrected = corrected, True
    return tokens


def _match(
    tokens: list[_Token], start: int, phrases: dict[str, tuple]
) -> tuple[int, frozenset[str] | set[str], str]:
    """The longest listed phrase at `start`: its length in tokens, its tags and its key."""
    token = tokens[start]
    candidates = phrases.get(token.low, ())
    if token.lemma != token.low:
        candidates += phrases.get(token.lemma, ())
    if not candidates:
        return 0, _NO_TAGS, ""
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


def _items(tokens: list[_Token]) -> list[_Item]:
    items: list[_Item] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.is_word:
            items.append(_Item([token], _PUNCT_TAGS, token.low))
            index += 1
            continue
        if token.low == "'s":
            items.append(_Item([token], _POSSESSIVE_TAGS, "'s"))
            index += 1
            continue
        if token.text in _CAPITALISED_DEPARTMENTS:
            items.append(_Item([token], _DEPARTMENT_TAGS, token.low))
            index += 1
            continue
        length, tags, key = _match(tokens, index, _PHRASES)
        if length:
            items.append(_Item(tokens[index : index + length], frozenset(tags), key))
            index += length
            continue
        unknown = token.low not in _VOCABULARY and token.lemma not in _VOCABULARY
        items.append(_Item([token], _NO_TAGS, token.lemma, unknown))
        index += 1
    return items


class _Reading:
    """One objective, read once; each criterion is a question asked of the reading."""

    def __init__(self, text: str) -> None:
        # All capitals says nothing about names: read it as lower case.
        self.text = text.lower() if text.isupper() else text
        self.tokens = _tokens(self.text)
        self.items = _items(self.tokens)
        self._mark_names()
        self._mark_context()
        self.chunks = self._find_chunks()
        self.chunk_ending = {chunk.last: chunk for chunk in self.chunks}
        self.chunk_of = {
            index: chunk for chunk in self.chunks for index in range(chunk.first, chunk.last + 1)
        }
        self.clauses = self._find_clauses()
        self.clause_at = {clause.verb: clause for clause in self.clauses}

    # Names and context.

    def _mark_names(self) -> None:
        """Mark the words that name a person: "with Priya", "Dana agrees", "get dana to book"."""
        items = self.items
        for index, item in enumerate(items):
            if len(item.tokens) > 1 or not item.first.low.isalpha():
                continue
            token = item.first
            capitalised = token.text[0].isupper() and not (
                len(token.text) > 1 and token.text.isupper()
            )
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            if after is not None and _COMPANY in after.tags:
                continue
            if before is not None and before.low in ("at", "the", "a", "an"):
                continue  # "at Acme", "the Acme team": a company
            if item.unknown or token.corrected:
                if capitalised and not token.opens_sentence:
                    item.name = True
                elif self._subject_follows(index, capitalised, strict=False):
                    item.name = (
                        capitalised
                        or token.opens_sentence
                        or (
                            before is not None
                            and (before.boundary or bool(before.tags & {_CAUSATIVE, _REQUEST}))
                        )
                    )
            elif item.tags & _ACTS and capitalised and token.opens_sentence:
                # "Grant agrees", "Joan (CTO) will": a name that is also a word.
                item.name = self._subject_follows(index, capitalised, strict=True)
            if item.name:
                item.tags = _NO_TAGS

    def _subject_follows(self, index: int, capitalised: bool, strict: bool) -> bool:
        """Whether the words after `index` read as its verb: "Dana agrees", "Dana (CFO)"."""
        items = self.items
        if index + 1 >= len(items):
            return False
        after = items[index + 1]
        if after.low in ("(", "'s"):
            return True
        if after.tags & {_MODAL, _BE, _NEGATION}:
            return not (strict and after.low == "to")
        if after.tags & (_ACTS | {_CAUSATIVE}) and after.inflected:
            return True
        if strict:
            return False
        if after.unknown and after.low.endswith("s") and len(after.low) > 3:
            return True  # a verb the lists do not have: "Dana pulls the report"
        return capitalised and after.low in (",", "and", "from", "-", "–", "—")

    def _mark_context(self) -> None:
        """Mark the words that set the scene ("after the demo"): their meetings are not the ask."""
        spans = iter(match.span() for match in _CONTEXT.finditer(self.text))
        span = next(spans, None)
        for item in self.items:
            while span is not None and span[1] <= item.start:
                span = next(spans, None)
            if span is None:
                return
            item.context = span[0] <= item.start

    # Who.

    def _department_acts(self, index: int) -> bool:
        """A department names a party unless it describes a thing: "a security review"."""
        if index + 1 >= len(self.items):
            return True
        after = self.items[index + 1]
        if after.tags & _THINGS:
            return bool(after.tags & _ACTS and after.inflected)
        return not (after.unknown or after.key in _DEPARTMENT_NOUNS)

    def _is_head(self, index: int) -> bool:
        item = self.items[index]
        if item.name or item.tags & _HEADS:
            return True
        return _DEPARTMENT in item.tags and self._department_acts(index)

    def _is_modifier(self, index: int) -> bool:
        """Words before a party: "the", "Dana's", "the wider" (a word the lists do not have)."""
        item = self.items[index]
        if item.tags:
            return item.tags <= {_DETERMINER, _POSSESSIVE}
        return item.unknown and not item.name and item.low == item.first.text

    def _find_chunks(self) -> list[_Chunk]:
        """The runs of words that name a party: a head (a name, a role, "team", "they") with the
        words that go with it ("the", "Dana's", "of IT", "(CFO)", "and Raj")."""
        chunks: list[_Chunk] = []
        items = self.items
        heads = [self._is_head(index) for index in range(len(items))]
        modifiers = [self._is_modifier(index) for index in range(len(items))]
        index = 0
        while index < len(items):
            if not (heads[index] or modifiers[index]):
                index += 1
                continue
            cursor, last_head = index, None
            while cursor < len(items) and cursor - index < _LONGEST_PARTY:
                item = items[cursor]
                follows_head = last_head == cursor - 1
                if heads[cursor]:
                    if cursor > index and self._starts_rep_party(cursor):
                        break  # two parties side by side: "send them our deck"
                    last_head = cursor
                elif item.low == "(" and follows_head:
                    ahead = range(cursor + 1, min(cursor + _LONGEST_PARTY, len(items)))
                    close = next((i for i in ahead if items[i].low == ")"), None)
                    if close is None:
                        break
                    last_head = cursor = close
                elif item.low in ("of", "and") and follows_head and cursor + 1 < len(items):
                    if not (heads[cursor + 1] or modifiers[cursor + 1]):
                        break
                elif not modifiers[cursor]:
                    break
                cursor += 1
            if last_head is None:
                index = max(cursor, index + 1)
                continue
            chunks.append(_Chunk(index, last_head, self._chunk_kind(index, last_head)))
            index = last_head + 1
        return chunks

    def _starts_rep_party(self, index: int) -> bool:
        """ "our" in "send them our deck", "send her our deck", but not "Dana and our CEO"."""
        before = self.items[index - 1]
        return (
            _REP_PARTY in self.items[index].tags
            and _REP_PARTY not in before.tags
            and before.low not in ("and", "of")
        )

    def _chunk_kind(self, first: int, last: int) -> str:
        members = self.items[first : last + 1]
        if any(item.name for item in members):
            return "named"
        rep = any(_REP_PARTY in item.tags for item in members)
        roles = any(
            _ROLE in item.tags or (_DEPARTMENT in item.tags and self._is_head(first + offset))
            for offset, item in enumerate(members)
        )
        if roles and not rep:
            return "named"
        return "rep" if rep else "generic"

    # What is done, and by whom.

    def _find_clauses(self) -> list[_Clause]:
        clauses = []
        for index, item in enumerate(self.items):
            if not item.tags & _ACTS or item.context or index in self.chunk_of:
                continue
            if self._is_causative(index):
                continue
            position = self._subject_of(index, depth=0)
            if position is None:
                continue
            subject, requested = position.subject, position.requested
            actor = self._actor(index, subject, requested)
            denial = self._denial(index, position.denied_from)
            clauses.append(_Clause(index, subject, actor, requested, denial))
        return clauses

    def _is_causative(self, index: int) -> bool:
        """ "get Dana to book", "have Dana's team send": the act is the next verb's."""
        if _CAUSATIVE not in self.items[index].tags:
            return False
        chunk = self.chunk_of.get(index + 1)
        if chunk is None or chunk.first != index + 1:
            return False
        after = self.items[chunk.last + 1] if chunk.last + 1 < len(self.items) else None
        return after is not None and bool(after.tags & (_ACTS | {_MODAL, _NEGATION}))

    def _subject_of(self, index: int, depth: int) -> _Position | None:
        """Where the act at `index` stands; None when the word is not a verb here ("a pricing
        review") or only the content of a question ("who signs")."""
        items = self.items
        cursor, skipped, denied = index - 1, False, False
        while cursor >= 0 and _skippable(items[cursor]) and cursor not in self.chunk_ending:
            skipped = skipped or bool(items[cursor].tags & {_MODAL, _BE, _NEGATION})
            denied = denied or _NEGATION in items[cursor].tags
            cursor -= 1
            if index - cursor > _LONGEST_GAP:
                return None
        gap_denial = cursor + 1 if denied else None  # "does not sign": from "does"
        if cursor < 0:
            return _Position(None, False, gap_denial)
        before = items[cursor]
        if cursor in self.chunk_ending:
            chunk = self.chunk_ending[cursor]
            asker = items[chunk.first - 1] if chunk.first else None
            requested = asker is not None and _REQUEST in asker.tags
            return _Position(chunk, requested, gap_denial)
        if _QUESTION in before.tags:
            return None
        if before.boundary:
            return _Position(None, False, gap_denial)
        if skipped and before.tags & _ACTS and depth < 3:
            # "agrees to book", "wants to sign": the governing act's subject does this too, and it
            # is denied with it: "doesn't agree to sign", "refuses to meet", "agrees not to buy".
            governing = self._subject_of(cursor, depth + 1) or _Position(None, False, None)
            if governing.denied_from is None and (denied or _REFUSAL in before.tags):
                governing = _Position(governing.subject, governing.requested, cursor)
            return governing
        if skipped:
            return _Position(None, False, gap_denial)  # "a call to discuss", "it is booked"
        return None

    def _denial(self, index: int, denied_from: int | None) -> tuple[int, int] | None:
        """The items that say the act at `index` will not happen, for quoting back."""
        if denied_from is not None:
            return denied_from, index  # "does not sign", "refuses to meet"
        tags = self.items[index].tags
        if _REFUSAL in tags:
            return index, index  # "Dana declines"
        if _AGREEMENT in tags:
            # "agrees not to buy", "promises never to cancel": agreeing to not doing something.
            cursor, denied = index + 1, False
            while cursor < len(self.items) and _skippable(self.items[cursor]):
                denied = denied or _NEGATION in self.items[cursor].tags
                cursor += 1
            if denied:
                return index, min(cursor, len(self.items) - 1)
        return None

    def _actor(self, index: int, subject: _Chunk | None, requested: bool) -> str:
        """Whose act it is: "customer", "rep", or "none" for a state of mind."""
        tags = self.items[index].tags
        customer_subject = subject is not None and subject.kind != "rep"
        if requested:
            return "rep"
        if tags & {_STATE, _INQUIRY} and not tags & _OBSERVABLE_ACTS:
            # A state of mind is nobody's act; finding out is the rep's.
            return "none" if customer_subject or _STATE in tags else "rep"
        if not customer_subject and _CUSTOMER in tags and self._gives_to_customer(index):
            return "rep"  # the rep gives: "give them a demo", "grant Dana a trial licence"
        if customer_subject or tags & {_CUSTOMER, _JOINT, _AGREEMENT}:
            return "customer"
        if _ACQUIRE in tags:
            return "customer" if self._gets_from_customer(index) else "rep"
        if (
            _REP in tags
            and index + 1 < len(self.items)
            and self.items[index + 1].low in ("us", "me")
        ):
            return "customer"  # "send us their data", "introduce us to the CFO"
        return "rep"

    def _is_recipient(self, index: int) -> bool:
        """Whether the word at `index` is the customer receiving an act: "them", "the client",
        "Dana", and "her" where no noun follows ("send her the deck", "walk her through it")."""
        chunk = self.chunk_of.get(index)
        if chunk is not None:
            return chunk.kind != "rep"
        if self.items[index].low != "her":  # a determiner too: "send her deck" is her own deck
            return False
        after = self.items[index + 1] if index + 1 < len(self.items) else None
        return after is None or bool(
            after.boundary or after.tags & {_DETERMINER, _PREPOSITION, _REP_PARTY}
        )

    def _gives_to_customer(self, index: int) -> bool:
        """ "give them a demo", "give Dana our pricing": the act at `index` goes to the customer."""
        if index + 1 >= len(self.items) or not self._is_recipient(index + 1):
            return False
        chunk = self.chunk_of.get(index + 1)
        after = chunk.last + 1 if chunk else index + 2
        return after < len(self.items) and bool(self.items[after].tags & {_DETERMINER, _REP_PARTY})

    def _gets_from_customer(self, index: int) -> bool:
        """ "get a meeting with the CFO", "secure approval": something only the customer gives."""
        for item in self.items[index + 1 : index + 1 + _LONGEST_OBJECT]:
            if item.boundary:
                return False
            if item.tags & _THINGS:
                return True
        return False

    # The criteria.

    def customer_action(self) -> str | None:
        customer_acts = [clause for clause in self.clauses if clause.actor == "customer"]
        if any(clause.denial is None for clause in customer_acts):
            return None
        live = [item for item in self.items if not item.context]
        if not self.clauses and any(item.tags & {_EVENTS, _DELIVERABLES} for item in live):
            return None  # a bare event: "Priya's team -> pilot kickoff -> next Wed"
        if customer_acts:  # each one denied: "Dana does not sign", "Dana refuses to meet"
            # Quote the denied observable act ("refuses to meet") over the refusal ("refuses").
            denied_act = min(
                customer_acts,
                key=lambda clause: not self.items[clause.verb].tags & _OBSERVABLE_ACTS,
            )
            # Every customer act here has a denial: one without returned above.
            assert denied_act.denial is not None
            first, last = denied_act.denial
            denied = self.text[self.items[first].start : self.items[last].end]
            return f"{_quote(denied)} is not a commitment. {DENIED_ACTION_TIP}"
        rep_act = next((self.items[c.verb] for c in self.clauses if c.actor == "rep"), None)
        if rep_act is None:
            return CUSTOMER_ACTION_TIP
        return f"{_quote(self._said(rep_act))} is your action. {CUSTOMER_ACTION_TIP}"

    def specific(self) -> str | None:
        # A hedge ("think about a pilot") hides everything after it in its clause; a vague act
        # ("follow up about the proposal") hides the deliverables but not the events. A new clause
        # ("... and books a demo", "...: she will book a demo") or a new sentence starts afresh.
        veto: str | None = None
        vague: _Item | None = None
        fresh = True
        for index, item in enumerate(self.items):
            if item.low in _SENTENCE_ENDS:
                veto, fresh = None, True
                continue
            if item.boundary or item.context:
                fresh = fresh or item.boundary
                continue
            tags, is_verb = item.tags, index in self.clause_at
            if is_verb and fresh:
                veto = None
            # A subject and modals keep a clause fresh until its act: "and she will book".
            fresh = fresh and not is_verb and (index in self.chunk_of or _skippable(item))
            if _HEDGE_THINGS in tags or (is_verb and tags & _NOT_ACTS):
                veto, vague = "hard", vague or item
            elif is_verb and tags & _OBSERVABLE_ACTS or _EVENTS in tags:
                if veto != "hard":
                    return None
            elif _DELIVERABLES in tags:
                if veto is None:
                    return None
            elif _VAGUE_THINGS in tags or (is_verb and _VAGUE in tags):
                veto, vague = veto or "soft", vague or item
        if vague is None:
            return SPECIFIC_TIP
        return f"{_quote(self._said(vague))} cannot be seen happening. {SPECIFIC_TIP}"

    @cached_property
    def _timed_sentence(self) -> tuple[int, int] | None:
        """Token span of the first sentence that says when, if any."""
        tokens, text = self.tokens, self.text
        start = 0
        for index, token in enumerate(tokens):
            following = text[token.end : token.end + 1]
            ends = token.low in _SENTENCE_ENDS and (not following or following.isspace())
            if ends or index + 1 == len(tokens):  # "p.m." does not end a sentence
                if mentions_time(text[tokens[start].start : token.end]):
                    return start, index + 1
                start = index + 1
        return None

    def time_bound(self) -> str | None:
        if self._timed_sentence is not None:
            return None
        vague = next((item for item in self.items if _VAGUE_TIME in item.tags), None)
        if vague is None:
            return TIME_BOUND_TIP
        return f"{_quote(self._said(vague))} is not a date. {TIME_BOUND_TIP}"

    def decision_maker(self) -> str | None:
        if any(chunk.kind == "named" for chunk in self.chunks):
            return None
        generic = next((chunk for chunk in self.chunks if chunk.kind == "generic"), None)
        if generic is None:
            return DECISION_MAKER_TIP
        return f"{_quote(self._chunk_text(generic))} could be anyone. {DECISION_MAKER_TIP}"

    def stage_fit(self, stage: Stage | None) -> str | None:
        close = early = False
        index = 0
        tokens = self.tokens
        while index < len(tokens):
            length, tags, _ = _match(tokens, index, _STAGE_PHRASES)
            if _CLOSE in tags and not self._not_close_after(index + length):
                close = True
            early = early or _EARLY_MEETING in tags
            index += max(length, 1)
        if close and (stage in _RUSH_STAGES or early):
            return f"{RUSH_TIP}: e.g. '{_next_step(stage)}'"
        if early and not close and stage in _LATE_STAGES:
            return STEP_BACK_TIP
        return None

    def _not_close_after(self, start: int) -> bool:
        """ "sign an NDA", "sign in": signing that is not the close."""
        for index in range(start, min(start + _NOT_CLOSE_REACH, len(self.tokens))):
            if _NOT_CLOSE in _match(self.tokens, index, _STAGE_PHRASES)[1]:
                return True
        return False

    # The example rewrite.

    def rewrite(self, passed: dict[Criterion, bool], stage: Stage | None) -> str | None:
        """ "Who agrees to what when", from the rep's words; None when there is nothing to add."""
        if (
            all(passed[criterion] for criterion in (*REQUIRED, Criterion.DECISION_MAKER))
            and passed[Criterion.STAGE_FIT]
        ):
            return None
        clause = self._best_clause()
        time_span = self._time_span() if passed[Criterion.TIME_BOUND] else None
        who = self._who(clause)
        next_step = f"[{_next_step(stage)}]"
        action = None
        if passed[Criterion.STAGE_FIT] and passed[Criterion.SPECIFIC]:
            action = self._action(clause, time_span)
        when = self._span_text(time_span) if time_span else WHEN_PLACEHOLDER
        agrees = "agree" if " and " in who else "agrees"
        text = f"{who} {agrees} to {action or next_step} {when}"
        return text[0].upper() + text[1:]

    def _best_clause(self) -> _Clause | None:
        """The clause a rewrite builds on: the customer's observable act, or else the rep's."""
        ranked = sorted(
            self.clauses,
            key=lambda clause: (
                clause.actor != "customer" and not clause.requested,
                clause.denial is not None,
                not self.items[clause.verb].tags & _OBSERVABLE_ACTS,
                clause.verb,
            ),
        )
        return ranked[0] if ranked else None

    def _who(self, clause: _Clause | None) -> str:
        if clause is not None and clause.subject is not None and clause.subject.kind == "named":
            return self._chunk_text(clause.subject)
        named = next((chunk for chunk in self.chunks if chunk.kind == "named"), None)
        return self._chunk_text(named) if named else NAME_PLACEHOLDER

    def _action(self, clause: _Clause | None, time_span: tuple[int, int] | None) -> str | None:
        """What the customer agrees to, in the rep's words where possible."""
        if clause is None:
            thing = next(
                (item for item in self.items if item.tags & {_EVENTS, _DELIVERABLES}), None
            )
            return f"the {thing.key}" if thing else None
        if clause.denial is not None:
            return None  # the opposite of a refusal may not be the ask: offer the next step
        verb = self.items[clause.verb]
        rest = self._rest_of_sentence(clause.verb, time_span)
        if clause.actor == "customer" or clause.requested:
            if _AGREEMENT in verb.tags:
                if rest and self.items[rest[0]].low in ("to", "on"):
                    rest = rest[1:]
                return self._text_of(rest) or None
            if _ACQUIRE in verb.tags:
                rest = self._before_named_party(rest)
                if not any(self.items[index].tags & _THINGS for index in rest):
                    return None
                gives = not any(_EVENTS in self.items[index].tags for index in rest)
                return _join("give you" if gives else "", self._text_of(rest))
            return _join(verb.key, self._text_of(rest))
        template = _COUNTERPARTS.get(verb.key)
        shown = self._text_of(self._object_of(rest))
        if template is None or ("{object}" in template and not shown):
            return None
        return template.format(object=shown)

    def _rest_of_sentence(self, index: int, time_span: tuple[int, int] | None) -> list[int]:
        """Indexes of the items after an act up to the end of its sentence, without the time."""
        rest = []
        for after in range(index + 1, len(self.items)):
            item = self.items[after]
            if item.low in _SENTENCE_ENDS:
                break
            if _VAGUE_TIME not in item.tags and not self._within(item, time_span):
                rest.append(after)
        return rest

    def _before_named_party(self, rest: list[int]) -> list[int]:
        """ "a meeting with the CFO" -> "a meeting": the party is the rewrite's subject already."""
        for position, index in enumerate(rest):
            chunk = self.chunk_of.get(index)
            if chunk is not None and chunk.kind == "named":
                kept = rest[:position]
                if kept and _PREPOSITION in self.items[kept[-1]].tags:
                    kept = kept[:-1]
                return kept
        return rest

    def _object_of(self, rest: list[int]) -> list[int]:
        """What a rep's act is about: "the proposal" in "send them the proposal to Dana"."""
        kept: list[int] = []
        for index in rest:
            item = self.items[index]
            if not kept and (
                self._is_recipient(index) or item.low in ("to", "about", "through", "over")
            ):
                continue  # who receives it, or the word that introduces it
            if item.boundary or item.tags & {_PREPOSITION, _MODAL, _NEGATION}:
                break
            kept.append(index)
        return kept

    def _time_span(self) -> tuple[int, int] | None:
        """Token span of the first time phrase, found by halving its sentence with mentions_time."""
        if self._timed_sentence is None:
            return None
        start, end = self._timed_sentence
        tokens, text = self.tokens, self.text

        def says_time(first: int, last: int) -> bool:
            return mentions_time(text[tokens[first].start : tokens[last - 1].end])

        low, high = start + 1, end  # the shortest prefix that says a time ends at `high`
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if says_time(start, middle) else (middle + 1, high)
        stop = high
        low, high = start, stop - 1  # the latest start that still says it
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if says_time(middle, stop) else (low, middle - 1)
        first = low
        while first > start and tokens[first - 1].low in _TIME_LEADS:
            first -= 1
        while stop < end and self._continues_time(stop, end):
            stop += 1
        return first, stop

    def _continues_time(self, index: int, end: int) -> bool:
        """Whether a time phrase goes on: "tomorrow morning", "Tues 12/3", "Tuesday at 2pm"."""
        token = self.tokens[index]
        if token.low in _TIME_TRAILERS or token.low[0].isdigit():
            return True
        following = self.tokens[index + 1] if index + 1 < end else None
        return token.low in ("/", ":", ",") and following is not None and following.low[0].isdigit()

    def _span_text(self, span: tuple[int, int]) -> str:
        text = self.text[self.tokens[span[0]].start : self.tokens[span[1] - 1].end]
        return text[0].lower() + text[1:] if self.tokens[span[0]].low in _TIME_LEADS else text

    # Quoting the rep's words.

    def _said(self, item: _Item) -> str:
        return self.text[item.start : item.end]

    def _chunk_text(self, chunk: _Chunk) -> str:
        return self.text[self.items[chunk.first].start : self.items[chunk.last].end]

    def _text_of(self, indexes: list[int]) -> str:
        """The rep's words for these items, as written; separate runs joined by a space."""
        indexes = indexes[:_LONGEST_REWRITE]
        while indexes and self.items[indexes[-1]].tags & _DANGLING:
            indexes = indexes[:-1]  # "a pricing review with": nothing follows "with"
        runs: list[str] = []
        run_start = previous = None
        for index in [*indexes, None]:
            if index is not None and previous is not None and index == previous + 1:
                previous = index
                continue
            # run_start and previous are set together: both None or both indexes.
            if run_start is not None and previous is not None:
                runs.append(self.text[self.items[run_start].start : self.items[previous].end])
            run_start = previous = index
        return " ".join(" ".join(runs).split()).strip(" ,;:-–—()\"'“”")

    def _within(self, item: _Item, span: tuple[int, int] | None) -> bool:
        if span is None:
            return False
        return self.tokens[span[0]].start <= item.start < self.tokens[span[1] - 1].end


def _skippable(item: _Item) -> bool:
    """Modals, "be" and adverbs stand between a subject and its verb: "Dana will formally sign"."""
    adverb = item.unknown and item.low.endswith("ly") and len(item.low) > 4
    return adverb or bool(item.tags & _SKIPPED)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _next_step(stage: Stage | None) -> str:
    return _NEXT_STEPS[stage.value if stage else "none"]


def _quote(text: str) -> str:
    return f"'{text if len(text) <= 40 else text[:39] + '…'}'"


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _fallback(objective: str, minimum: str | None) -> str | None:
    if minimum is None or not _normalised(minimum):
        return FALLBACK_TIP
    if _normalised(minimum) == _normalised(objective):
        return SAME_FALLBACK_TIP
    return None
