"""The words the review knows: the rules file (rules.toml), the tags its lists give, their forms."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

from app.domain.coaching.words import split
from app.domain.enums import Stage

# The rules file: word lists the team extends without touching the code.
RULES = tomllib.loads(
    resources.files(__package__).joinpath("rules.toml").read_text(encoding="utf-8")
)


def _tags(section: str, *names: str) -> tuple[str, ...]:
    """The tag each list gives its words: "acts.customer" for [acts] customer."""
    return tuple(f"{section}.{name}" for name in names)


CUSTOMER, JOINT, REP, REQUEST, ACQUIRE, AGREEMENT, REFUSAL, CAUSATIVE = _tags(
    "acts", "customer", "joint", "rep", "request", "acquire", "agreement", "refusal", "causative"
)
VAGUE, HEDGE, INQUIRY, STATE, SETBACK = _tags(
    "acts", "vague", "hedge", "inquiry", "state", "setback"
)
EVENTS, DELIVERABLES, VAGUE_THINGS, HEDGE_THINGS, UNDETAILED = _tags(
    "things", "events", "deliverables", "vague", "hedge", "undetailed"
)
ROLE, DEPARTMENT, GROUP, GENERIC, REP_PARTY, COMPANY = _tags(
    "parties", "roles", "departments", "groups", "generic", "rep", "company_suffixes"
)
MODAL, BE, NEGATION, ADVERB, QUESTION, CONJUNCTION, DETERMINER, PREPOSITION = _tags(
    "grammar",
    "modals",
    "be",
    "negations",
    "adverbs",
    "questions",
    "conjunctions",
    "determiners",
    "prepositions",
)

VAGUE_TIME = "time.vague"
CLOSE, NOT_CLOSE, EARLY_MEETING = "stage.close", "stage.not_close", "stage.early_meetings"
PUNCT, POSSESSIVE = "punct", "possessive"
NO_TAGS: frozenset[str] = frozenset()
PUNCT_TAGS, POSSESSIVE_TAGS = frozenset((PUNCT,)), frozenset((POSSESSIVE,))
DEPARTMENT_TAGS = frozenset((DEPARTMENT,))
# Words a reused phrase does not end on.
DANGLING = frozenset((PUNCT, CONJUNCTION, PREPOSITION, MODAL, NEGATION, DETERMINER, POSSESSIVE))

ACTS = frozenset(
    (
        CUSTOMER,
        JOINT,
        REP,
        REQUEST,
        ACQUIRE,
        AGREEMENT,
        REFUSAL,
        VAGUE,
        HEDGE,
        INQUIRY,
        STATE,
        SETBACK,
    )
)
OBSERVABLE_ACTS = frozenset((CUSTOMER, JOINT, REP))
NOT_ACTS = frozenset((HEDGE, INQUIRY, STATE))
THINGS = frozenset((EVENTS, DELIVERABLES, VAGUE_THINGS, HEDGE_THINGS, UNDETAILED))
HEADS = frozenset((ROLE, GROUP, GENERIC, REP_PARTY, COMPANY))
SKIPPED = frozenset((MODAL, BE, NEGATION, ADVERB))
# Lists that only make words known (never names or typos), without a tag of their own.
UNTAGGED = {"common", "department_nouns", "capitalised_departments"}

SENTENCE_ENDS = {".", "!", "?", ";", "\n"}
# How far the reading looks, in words: bounds on work, far above what real objectives need.
LONGEST_PARTY = 12  # "the VP of Sales (Dana Smith) and her head of IT"
LONGEST_GAP = 6  # between a subject and its verb: "will not be able to formally"
LONGEST_OBJECT = 12  # from "get" to what is got
LONGEST_REWRITE = 25  # words of the rep's reused in an example rewrite
NOT_CLOSE_REACH = 4  # words after "sign" that can still make it an early step: "sign an NDA"


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
    for entries in RULES["acts"].values():
        for entry in entries:
            verb = entry.split()[0]
            lemmas.update(dict.fromkeys(_verb_forms(verb) - {verb}, verb))
    plural_lists = [*RULES["things"].values()]
    plural_lists += [RULES["parties"][name] for name in ("roles", "groups", "generic")]
    for entries in plural_lists:
        for entry in entries:
            noun = entry.split()[-1]
            lemmas.update(dict.fromkeys(_plurals(noun), noun))
    lemmas.update(RULES["irregular"])
    lemmas.update(RULES["shorthand"])
    return lemmas


def build_phrases(sections: dict[str, dict[str, list[str]]]) -> dict[str, tuple]:
    """Phrases by first word, longest first, each with the tags of every list it is in."""
    tags: dict[tuple[str, ...], set[str]] = {}
    for section, lists in sections.items():
        for name, entries in lists.items():
            if name in UNTAGGED:
                continue
            for entry in entries:
                # Split as the objective is ("they're": "they", "'re"); "'ll" alone is one word.
                spans = [(0, len(entry))] if entry.startswith("'") else split(entry)
                words = tuple(entry[start:end] for start, end in spans)
                tags.setdefault(words, set()).add(f"{section}.{name}")
    index: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
    for words, found in tags.items():
        index.setdefault(words[0], []).append((words, frozenset(found)))
    return {
        first: tuple(sorted(entries, key=lambda entry: -len(entry[0])))
        for first, entries in index.items()
    }


LEMMAS = _build_lemmas()
PHRASES = build_phrases(
    {name: RULES[name] for name in ("acts", "things", "parties", "grammar")}
    | {"time": {"vague": RULES["time"]["vague"]}}
)
STAGE_PHRASES = build_phrases(
    {"stage": {name: RULES["stage"][name] for name in ("close", "not_close", "early_meetings")}}
)
VOCABULARY = frozenset(
    word
    for section in ("acts", "things", "parties", "grammar", "time")
    for entries in RULES[section].values()
    for entry in entries
    for word in entry.lower().split()
) | frozenset(LEMMAS)
CAPITALISED_DEPARTMENTS = frozenset(RULES["parties"]["capitalised_departments"])
COMPANY_SUFFIXES = frozenset(RULES["parties"]["company_suffixes"])
DEPARTMENT_NOUNS = frozenset(RULES["parties"]["department_nouns"])
TIME_LEADS = frozenset(RULES["time"]["leads"])
TIME_TRAILERS = frozenset(RULES["time"]["trailers"])
CONTEXT = re.compile(
    "|".join(f"(?:{pattern})" for pattern in RULES["context"]["patterns"]), re.IGNORECASE
)
RUSH_STAGES = frozenset(Stage(name) for name in RULES["stage"]["rush"])
LATE_STAGES = frozenset(Stage(name) for name in RULES["stage"]["late"])
FALLBACK_STAGES = frozenset(Stage(name) for name in RULES["stage"]["fallback_expected"])
NEXT_STEPS: dict[str, str] = RULES["rewrite"]["next_step"]
COUNTERPARTS: dict[str, str] = RULES["rewrite"]["counterparts"]


def next_step(stage: Stage | None) -> str:
    """The commitment that moves a sale on from `stage`, offered where the ask falls short."""
    return NEXT_STEPS[stage.value if stage else "none"]
