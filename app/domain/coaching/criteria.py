"""One function per criterion (Time-bound has its own module): None when it passes, else a
suggestion quoting the rep's words."""

from __future__ import annotations

import re

from app.domain.coaching.lexicon import (
    CLOSE,
    COMPANY,
    DELIVERABLES,
    EARLY_MEETING,
    EVENTS,
    HEDGE_THINGS,
    LATE_STAGES,
    NOT_ACTS,
    NOT_CLOSE,
    NOT_CLOSE_REACH,
    OBSERVABLE_ACTS,
    RUSH_STAGES,
    SENTENCE_ENDS,
    STAGE_PHRASES,
    STATE,
    VAGUE,
    VAGUE_THINGS,
    next_step,
)
from app.domain.coaching.parse import (
    Parse,
    skippable,
)
from app.domain.coaching.results import (
    CUSTOMER_ACTION_TIP,
    DECISION_MAKER_TIP,
    DENIED_ACTION_TIP,
    FALLBACK_TIP,
    RUSH_TIP,
    SAME_FALLBACK_TIP,
    SPECIFIC_TIP,
    STEP_BACK_TIP,
    quote,
)
from app.domain.coaching.tokens import (
    Item,
    match,
)
from app.domain.enums import Stage


def customer_action(parse: Parse) -> str | None:
    customer_acts = [clause for clause in parse.clauses if clause.actor == "customer"]
    if any(clause.denial is None for clause in customer_acts):
        return None
    live = [item for item in parse.items if not item.context]
    if not parse.clauses and any(item.tags & {EVENTS, DELIVERABLES} for item in live):
        return None  # a bare event: "Priya's team -> pilot kickoff -> next Wed"
    if customer_acts:  # each one denied: "Dana does not sign", "Dana refuses to meet"
        # Quote the denied observable act ("refuses to meet") over the refusal ("refuses").
        denied_act = min(
            customer_acts,
            key=lambda clause: not parse.items[clause.verb].tags & OBSERVABLE_ACTS,
        )
        # Every customer act here has a denial: one without returned above.
        assert denied_act.denial is not None
        first, last = denied_act.denial
        denied = parse.words(parse.items[first].start, parse.items[last].end)
        return f"{quote(denied)} is not a commitment. {DENIED_ACTION_TIP}"
    rep_act = next((parse.items[c.verb] for c in parse.clauses if c.actor == "rep"), None)
    if rep_act is None:
        # "Dana will consider the proposal", "agrees to think about a pilot": no act is promised.
        thought = next((parse.items[c.verb] for c in parse.clauses if c.actor == "none"), None)
        if thought is not None and not thought.tags & {STATE}:
            return f"{quote(parse.said(thought))} is not a commitment. {CUSTOMER_ACTION_TIP}"
        return CUSTOMER_ACTION_TIP
    return f"{quote(parse.said(rep_act))} is your action. {CUSTOMER_ACTION_TIP}"


def specific(parse: Parse) -> str | None:
    # A hedge ("think about a pilot") hides everything after it in its clause; a vague act
    # ("follow up about the proposal") hides the deliverables but not the events. A new clause
    # ("... and books a demo", "...: she will book a demo") or a new sentence starts afresh.
    veto: str | None = None
    vague: Item | None = None
    fresh = True
    for index, item in enumerate(parse.items):
        if item.low in SENTENCE_ENDS:
            veto, fresh = None, True
            continue
        if item.boundary or item.context:
            fresh = fresh or item.boundary
            continue
        tags, is_verb = item.tags, index in parse.clause_at
        if is_verb and fresh:
            veto = None
        # A subject and modals keep a clause fresh until its act: "and she will book".
        fresh = fresh and not is_verb and (index in parse.chunk_of or skippable(item))
        if HEDGE_THINGS in tags or (is_verb and tags & NOT_ACTS):
            veto, vague = "hard", vague or item
        elif is_verb and tags & OBSERVABLE_ACTS or EVENTS in tags:
            if veto != "hard":
                return None
        elif DELIVERABLES in tags:
            if veto is None:
                return None
        elif VAGUE_THINGS in tags or (is_verb and VAGUE in tags):
            veto, vague = veto or "soft", vague or item
    if vague is None:
        return SPECIFIC_TIP
    return f"{quote(parse.said(vague))} cannot be seen happening. {SPECIFIC_TIP}"


def decision_maker(parse: Parse) -> str | None:
    if any(chunk.kind == "named" for chunk in parse.chunks):
        return None
    generic = next((chunk for chunk in parse.chunks if chunk.kind == "generic"), None)
    if generic is None:
        return DECISION_MAKER_TIP
    members = parse.items[generic.first : generic.last + 1]
    if any(COMPANY in item.tags for item in members):
        first = generic.first
        if first and parse.items[first - 1].unknown:  # "Umbrella" of "Umbrella Corp"
            first -= 1
        company = parse.words(parse.items[first].start, parse.items[generic.last].end)
        return f"{quote(company)} is a company. {DECISION_MAKER_TIP}"
    return f"{quote(parse.chunk_text(generic))} could be anyone. {DECISION_MAKER_TIP}"


def stage_fit(parse: Parse, stage: Stage | None) -> str | None:
    close = early = False
    index = 0
    tokens = parse.tokens
    while index < len(tokens):
        length, tags, _ = match(tokens, index, STAGE_PHRASES)
        if CLOSE in tags and not _not_close_after(parse, index + length):
            close = True
        early = early or EARLY_MEETING in tags
        index += max(length, 1)
    if close and (stage in RUSH_STAGES or early):
        return f"{RUSH_TIP}: e.g. '{next_step(stage)}'"
    if early and not close and stage in LATE_STAGES:
        return STEP_BACK_TIP
    return None


def _not_close_after(parse: Parse, start: int) -> bool:
    """ "sign an NDA", "sign in": signing that is not the close."""
    for index in range(start, min(start + NOT_CLOSE_REACH, len(parse.tokens))):
        if NOT_CLOSE in match(parse.tokens, index, STAGE_PHRASES)[1]:
            return True
    return False


def normalised(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def fallback(objective: str, minimum: str | None) -> str | None:
    if minimum is None or not normalised(minimum):
        return FALLBACK_TIP
    if normalised(minimum) == normalised(objective):
        return SAME_FALLBACK_TIP
    return None
