"""The example rewrite: "who agrees to what when", built from the rep's own words."""

from __future__ import annotations

from app.domain.coaching.lexicon import (
    ACQUIRE,
    AGREEMENT,
    COUNTERPARTS,
    DANGLING,
    DELIVERABLES,
    EVENTS,
    LONGEST_REWRITE,
    MODAL,
    NEGATION,
    OBSERVABLE_ACTS,
    PREPOSITION,
    SENTENCE_ENDS,
    THINGS,
    VAGUE_TIME,
    next_step,
)
from app.domain.coaching.parse import (
    Clause,
    Parse,
)
from app.domain.coaching.results import (
    NAME_PLACEHOLDER,
    REQUIRED,
    WHEN_PLACEHOLDER,
    Criterion,
)
from app.domain.coaching.time_bound import (
    Span,
    span_text,
    time_span,
)
from app.domain.coaching.tokens import (
    Item,
)
from app.domain.enums import Stage


def rewrite(
    parse: Parse, passed: dict[Criterion, bool], stage: Stage | None, sentence: Span | None
) -> str | None:
    """ "Who agrees to what when", from the rep's words; None when there is nothing to add."""
    if (
        all(passed[criterion] for criterion in (*REQUIRED, Criterion.DECISION_MAKER))
        and passed[Criterion.STAGE_FIT]
    ):
        return None
    clause = _best_clause(parse)
    span = time_span(parse, sentence) if passed[Criterion.TIME_BOUND] else None
    who = _who(parse, clause)
    step = f"[{next_step(stage)}]"
    action = None
    if passed[Criterion.STAGE_FIT] and passed[Criterion.SPECIFIC]:
        action = _action(parse, clause, span)
    when = span_text(parse, span) if span else WHEN_PLACEHOLDER
    agrees = "agree" if " and " in who else "agrees"
    text = f"{who} {agrees} to {action or step} {when}"
    return text[0].upper() + text[1:]


def _best_clause(parse: Parse) -> Clause | None:
    """The clause a rewrite builds on: the customer's observable act, or else the rep's."""
    ranked = sorted(
        parse.clauses,
        key=lambda clause: (
            clause.actor != "customer" and not clause.requested,
            clause.denial is not None,
            not parse.items[clause.verb].tags & OBSERVABLE_ACTS,
            clause.verb,
        ),
    )
    return ranked[0] if ranked else None


def _who(parse: Parse, clause: Clause | None) -> str:
    if clause is not None and clause.subject is not None and clause.subject.kind == "named":
        return parse.full_name_text(clause.subject)
    named = next((chunk for chunk in parse.chunks if chunk.kind == "named"), None)
    return parse.full_name_text(named) if named else NAME_PLACEHOLDER


def _action(parse: Parse, clause: Clause | None, time_span: tuple[int, int] | None) -> str | None:
    """What the customer agrees to, in the rep's words where possible."""
    if clause is None:
        thing = next((item for item in parse.items if item.tags & {EVENTS, DELIVERABLES}), None)
        return f"the {thing.key}" if thing else None
    if clause.denial is not None:
        return None  # the opposite of a refusal may not be the ask: offer the next step
    verb = parse.items[clause.verb]
    rest = _rest_of_sentence(parse, clause.verb, time_span)
    if clause.actor == "customer" or clause.requested:
        if AGREEMENT in verb.tags:
            if rest and parse.items[rest[0]].low in ("to", "on"):
                rest = rest[1:]
            return _text_of(parse, rest) or None
        if ACQUIRE in verb.tags:
            rest = _before_named_party(parse, rest)
            if not any(parse.items[index].tags & THINGS for index in rest):
                return None
            gives = not any(EVENTS in parse.items[index].tags for index in rest)
            return _join("give you" if gives else "", _text_of(parse, rest))
        return _join(verb.key, _text_of(parse, rest))
    template = COUNTERPARTS.get(verb.key)
    shown = _text_of(parse, _object_of(parse, rest))
    if template is None or ("{object}" in template and not shown):
        return None
    return template.format(object=shown)


def _rest_of_sentence(parse: Parse, index: int, time_span: tuple[int, int] | None) -> list[int]:
    """Indexes of the items after an act up to the end of its sentence, without the time."""
    rest = []
    for after in range(index + 1, len(parse.items)):
        item = parse.items[after]
        if item.low in SENTENCE_ENDS:
            break
        if VAGUE_TIME not in item.tags and not _within(parse, item, time_span):
            rest.append(after)
    return rest


def _before_named_party(parse: Parse, rest: list[int]) -> list[int]:
    """ "a meeting with the CFO" -> "a meeting": the party is the rewrite's subject already."""
    for position, index in enumerate(rest):
        chunk = parse.chunk_of.get(index)
        if chunk is not None and chunk.kind == "named":
            kept = rest[:position]
            if kept and PREPOSITION in parse.items[kept[-1]].tags:
                kept = kept[:-1]
            return kept
    return rest


def _object_of(parse: Parse, rest: list[int]) -> list[int]:
    """What a rep's act is about: "the proposal" in "send them the proposal to Dana"."""
    kept: list[int] = []
    for index in rest:
        item = parse.items[index]
        if not kept and (
            parse.is_recipient(index) or item.low in ("to", "about", "through", "over")
        ):
            continue  # who receives it, or the word that introduces it
        if item.boundary or item.tags & {PREPOSITION, MODAL, NEGATION}:
            break
        kept.append(index)
    return kept


def _text_of(parse: Parse, indexes: list[int]) -> str:
    """The rep's words for these items, as written; separate runs joined by a space."""
    indexes = indexes[:LONGEST_REWRITE]
    while indexes and parse.items[indexes[-1]].tags & DANGLING:
        indexes = indexes[:-1]  # "a pricing review with": nothing follows "with"
    runs: list[str] = []
    run_start = previous = None
    for index in [*indexes, None]:
        if index is not None and previous is not None and index == previous + 1:
            previous = index
            continue
        # run_start and previous are set together: both None or both indexes.
        if run_start is not None and previous is not None:
            runs.append(parse.words(parse.items[run_start].start, parse.items[previous].end))
        run_start = previous = index
    return " ".join(" ".join(runs).split()).strip(" ,;:-–—()\"'“”")


def _within(parse: Parse, item: Item, span: tuple[int, int] | None) -> bool:
    if span is None:
        return False
    return parse.tokens[span[0]].start <= item.start < parse.tokens[span[1] - 1].end


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)
