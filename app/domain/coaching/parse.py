"""The immutable parse of an objective: who is named, and each act with who does it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.domain.coaching.lexicon import (
    ACQUIRE,
    ACTS,
    AGREEMENT,
    BE,
    CAUSATIVE,
    COMPANY,
    COMPANY_SUFFIXES,
    CONTEXT,
    CUSTOMER,
    DEPARTMENT,
    DEPARTMENT_NOUNS,
    DETERMINER,
    HEADS,
    HEDGE,
    INQUIRY,
    JOINT,
    LONGEST_GAP,
    LONGEST_OBJECT,
    LONGEST_PARTY,
    MODAL,
    NEGATION,
    NO_TAGS,
    OBSERVABLE_ACTS,
    POSSESSIVE,
    PREPOSITION,
    QUESTION,
    REFUSAL,
    REP,
    REP_PARTY,
    REQUEST,
    ROLE,
    SETBACK,
    SKIPPED,
    STATE,
    THINGS,
)
from app.domain.coaching.tokens import Item, Token, items_of, tokenise
from app.domain.coaching.words import plain


@dataclass(frozen=True, slots=True)
class Chunk:
    """Who: a run of words naming a party, e.g. "Dana (CFO)", "their head of IT", "them"."""

    first: int  # item indexes, inclusive
    last: int
    kind: str  # "named", "generic" or "rep"


@dataclass(frozen=True, slots=True)
class Clause:
    """An act in verb position, with who does it."""

    verb: int
    subject: Chunk | None
    actor: str  # "customer", "rep" or "none" (a state of mind)
    requested: bool  # "ask Dana to sign": the act is asked for, not agreed
    # Items first to last that say the act will not happen ("does not sign", "refuses to meet",
    # "agrees not to buy"); None when nothing denies it.
    denial: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Position:
    """Where an act stands: who does it, whether it is only asked for, and from which item on
    the words before it deny it ("does not sign", "refuses to meet")."""

    subject: Chunk | None
    requested: bool
    denied_from: int | None


@dataclass(frozen=True, slots=True)
class Parse:
    """One objective, read once: its words, who is named, and who does what. Each criterion is a
    question asked of it, and nothing changes it once read."""

    text: str  # as read: an all-capitals objective is read in lower case
    tokens: tuple[Token, ...]
    items: tuple[Item, ...]
    chunks: tuple[Chunk, ...]
    clauses: tuple[Clause, ...]
    chunk_of: Mapping[int, Chunk]  # item index -> the party it is part of
    clause_at: Mapping[int, Clause]  # item index of a verb -> its clause

    def words(self, start: int, end: int) -> str:
        """The rep's words from character `start` to `end`, to quote or reuse: whole, without
        emphasis marks a part would leave unpaired."""
        return plain(self.text[start:end])

    def said(self, item: Item) -> str:
        return self.words(item.start, item.end)

    def chunk_text(self, chunk: Chunk) -> str:
        return self.words(self.items[chunk.first].start, self.items[chunk.last].end)

    def full_name_text(self, chunk: Chunk) -> str:
        """The chunk's words with the given names the parse left before it: a party is found by
        its last name ("Kim (VP Sales)" in "Hae-won Kim (VP Sales)"), a rewrite keeps it whole."""
        first = chunk.first
        while first > 0 and _given_name(self.items[first - 1]):
            first -= 1
        return self.words(self.items[first].start, self.items[chunk.last].end)

    def is_recipient(self, index: int) -> bool:
        return is_recipient(self.items, self.chunk_of, index)


def parse(text: str, account: str | None = None) -> Parse:
    """Read `text`; the words of `account` (the company the plan is with) are never a name."""
    return _Parser(text, _company_words(account)).parse()


def _company_words(account: str | None) -> frozenset[str]:
    if not account:
        return frozenset()
    words = {token.low for token in tokenise(account) if token.is_word}
    return frozenset(word for word in words if word not in COMPANY_SUFFIXES)


def is_recipient(items: Sequence[Item], chunk_of: Mapping[int, Chunk], index: int) -> bool:
    """Whether the word at `index` is the customer receiving an act: "them", "the client",
    "Dana", and "her" where no noun follows ("send her the deck", "walk her through it")."""
    chunk = chunk_of.get(index)
    if chunk is not None:
        return chunk.kind != "rep"
    if items[index].low != "her":  # a determiner too: "send her deck" is her own deck
        return False
    after = items[index + 1] if index + 1 < len(items) else None
    return after is None or bool(
        after.boundary or after.tags & {DETERMINER, PREPOSITION, REP_PARTY}
    )


class _Parser:
    """Builds a Parse: names and context first, then parties, then clauses."""

    def __init__(self, text: str, company_words: frozenset[str]) -> None:
        # All capitals says nothing about names: read it as lower case.
        self.text = text.lower() if text.isupper() else text
        self.company_words = company_words
        self.tokens = tokenise(self.text)
        self.items = items_of(self.tokens)
        self._mark_names()
        self._mark_context()
        self.chunks = self._find_chunks()
        self.chunk_ending = {chunk.last: chunk for chunk in self.chunks}
        self.chunk_of = {
            index: chunk for chunk in self.chunks for index in range(chunk.first, chunk.last + 1)
        }
        self.clauses = self._find_clauses()

    def parse(self) -> Parse:
        clause_at = {clause.verb: clause for clause in self.clauses}
        return Parse(
            self.text,
            self.tokens,
            tuple(self.items),
            tuple(self.chunks),
            tuple(self.clauses),
            self.chunk_of,
            clause_at,
        )

    # Names and context.

    def _mark_names(self) -> None:
        """Mark the words that name a person: "with Priya", "Dana agrees", "get dana to book"."""
        items = self.items
        for index, item in enumerate(items):
            if len(item.tokens) > 1 or not _name_like(item.first.low):
                continue
            if item.first.low in self.company_words:
                # The account is a party, but no one in particular: "Initech signs".
                items[index] = replace(item, tags=frozenset((COMPANY,)))
                continue
            token = item.first
            capitalised = _capitalised(token.text)
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            if after is not None and COMPANY in after.tags:
                continue
            if before is not None and before.low in ("at", "the", "a", "an"):
                continue  # "at Acme", "the Acme team": a company
            name = False
            if item.unknown or token.corrected:
                if capitalised and not token.opens_sentence:
                    name = True
                elif self._subject_follows(index, capitalised, strict=False):
                    name = (
                        capitalised
                        or token.opens_sentence
                        or (
                            before is not None
                            and (before.boundary or bool(before.tags & {CAUSATIVE, REQUEST}))
                        )
                    )
            elif item.tags & ACTS and capitalised and token.opens_sentence:
                # "Grant agrees", "Joan (CTO) will": a name that is also a word.
                name = self._subject_follows(index, capitalised, strict=True)
            if name:
                items[index] = replace(item, name=True, tags=NO_TAGS)

    def _subject_follows(self, index: int, capitalised: bool, strict: bool) -> bool:
        """Whether the words after `index` read as its verb: "Dana agrees", "Dana (CFO)"."""
        items = self.items
        if index + 1 >= len(items):
            return False
        after = items[index + 1]
        if after.low in ("(", "'s"):
            return True
        if after.tags & {MODAL, BE, NEGATION}:
            return not (strict and after.low == "to")
        if after.tags & (ACTS | {CAUSATIVE}) and after.inflected:
            return True
        if strict:
            return False
        if after.unknown and after.low.endswith("s") and len(after.low) > 3:
            return True  # a verb the lists do not have: "Dana pulls the report"
        return capitalised and after.low in (",", "and", "from", "-", "–", "—")

    def _mark_context(self) -> None:
        """Mark the words that set the scene ("after the demo"): their meetings are not the ask."""
        spans = iter(match.span() for match in CONTEXT.finditer(self.text))
        span = next(spans, None)
        for index, item in enumerate(self.items):
            while span is not None and span[1] <= item.start:
                span = next(spans, None)
            if span is None:
                return
            if span[0] <= item.start:
                self.items[index] = replace(item, context=True)

    # Who.

    def _department_acts(self, index: int) -> bool:
        """A department names a party unless it describes a thing: "a security review"."""
        if index + 1 >= len(self.items):
            return True
        after = self.items[index + 1]
        if after.tags & THINGS:
            return bool(after.tags & ACTS and after.inflected)
        return not (after.unknown or after.key in DEPARTMENT_NOUNS)

    def _is_head(self, index: int) -> bool:
        item = self.items[index]
        if item.name or item.tags & HEADS:
            return True
        return DEPARTMENT in item.tags and self._department_acts(index)

    def _is_modifier(self, index: int) -> bool:
        """Words before a party: "the", "Dana's", "the wider" (a word the lists do not have)."""
        item = self.items[index]
        if item.tags:
            return item.tags <= {DETERMINER, POSSESSIVE}
        return item.unknown and not item.name and item.low == item.first.text

    def _find_chunks(self) -> list[Chunk]:
        """The runs of words that name a party: a head (a name, a role, "team", "they") with the
        words that go with it ("the", "Dana's", "of IT", "(CFO)", "and Raj")."""
        chunks: list[Chunk] = []
        items = self.items
        heads = [self._is_head(index) for index in range(len(items))]
        modifiers = [self._is_modifier(index) for index in range(len(items))]
        index = 0
        while index < len(items):
            if not (heads[index] or modifiers[index]):
                index += 1
                continue
            cursor, last_head = index, None
            while cursor < len(items) and cursor - index < LONGEST_PARTY:
                item = items[cursor]
                follows_head = last_head == cursor - 1
                if heads[cursor]:
                    if cursor > index and self._starts_rep_party(cursor):
                        break  # two parties side by side: "send them our deck"
                    last_head = cursor
                elif item.low == "(" and follows_head:
                    ahead = range(cursor + 1, min(cursor + LONGEST_PARTY, len(items)))
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
            chunks.append(Chunk(index, last_head, self._chunk_kind(index, last_head)))
            index = last_head + 1
        return chunks

    def _starts_rep_party(self, index: int) -> bool:
        """ "our" in "send them our deck", "send her our deck", but not "Dana and our CEO"."""
        before = self.items[index - 1]
        return (
            REP_PARTY in self.items[index].tags
            and REP_PARTY not in before.tags
            and before.low not in ("and", "of")
        )

    def _chunk_kind(self, first: int, last: int) -> str:
        members = self.items[first : last + 1]
        if any(item.name for item in members):
            return "named"
        rep = any(REP_PARTY in item.tags for item in members)
        roles = any(
            ROLE in item.tags or (DEPARTMENT in item.tags and self._is_head(first + offset))
            for offset, item in enumerate(members)
        )
        if roles and not rep:
            return "named"
        return "rep" if rep else "generic"

    # What is done, and by whom.

    def _find_clauses(self) -> list[Clause]:
        clauses = []
        for index, item in enumerate(self.items):
            if not item.tags & ACTS or item.context or index in self.chunk_of:
                continue
            if self._is_causative(index):
                continue
            position = self._subject_of(index, depth=0)
            if position is None:
                continue
            subject, requested = position.subject, position.requested
            actor = self._actor(index, subject, requested)
            denial = self._denial(index, position.denied_from)
            clauses.append(Clause(index, subject, actor, requested, denial))
        return clauses

    def _is_causative(self, index: int) -> bool:
        """ "get Dana to book", "have Dana's team send": the act is the next verb's."""
        if CAUSATIVE not in self.items[index].tags:
            return False
        chunk = self.chunk_of.get(index + 1)
        if chunk is None or chunk.first != index + 1:
            return False
        after = self.items[chunk.last + 1] if chunk.last + 1 < len(self.items) else None
        return after is not None and bool(after.tags & (ACTS | {MODAL, NEGATION}))

    def _subject_of(self, index: int, depth: int) -> Position | None:
        """Where the act at `index` stands; None when the word is not a verb here ("a pricing
        review") or only the content of a question ("who signs")."""
        items = self.items
        cursor, skipped, denied = index - 1, False, False
        while cursor >= 0 and skippable(items[cursor]) and cursor not in self.chunk_ending:
            skipped = skipped or bool(items[cursor].tags & {MODAL, BE, NEGATION})
            denied = denied or NEGATION in items[cursor].tags
            cursor -= 1
            if index - cursor > LONGEST_GAP:
                return None
        gap_denial = cursor + 1 if denied else None  # "does not sign": from "does"
        if cursor < 0:
            return Position(None, False, gap_denial)
        before = items[cursor]
        if cursor in self.chunk_ending:
            chunk = self.chunk_ending[cursor]
            asker = items[chunk.first - 1] if chunk.first else None
            requested = asker is not None and REQUEST in asker.tags
            return Position(chunk, requested, gap_denial)
        if QUESTION in before.tags:
            return None
        if before.boundary:
            return Position(None, False, gap_denial)
        if skipped and before.tags & ACTS and depth < 3:
            # "agrees to book", "wants to sign": the governing act's subject does this too, and it
            # is denied with it: "doesn't agree to sign", "refuses to meet", "agrees not to buy".
            governing = self._subject_of(cursor, depth + 1) or Position(None, False, None)
            if governing.denied_from is None and (denied or REFUSAL in before.tags):
                governing = Position(governing.subject, governing.requested, cursor)
            return governing
        if skipped:
            return Position(None, False, gap_denial)  # "a call to discuss", "it is booked"
        return None

    def _denial(self, index: int, denied_from: int | None) -> tuple[int, int] | None:
        """The items that say the act at `index` will not happen, for quoting back."""
        if denied_from is not None:
            return denied_from, index  # "does not sign", "refuses to meet"
        tags = self.items[index].tags
        if SETBACK in tags:
            return index, index  # "Dana cancels the demo"
        if REFUSAL in tags:
            return index, index  # "Dana declines"
        if AGREEMENT in tags:
            # "agrees not to buy", "promises never to cancel": agreeing to not doing something.
            cursor, denied = index + 1, False
            while cursor < len(self.items) and skippable(self.items[cursor]):
                denied = denied or NEGATION in self.items[cursor].tags
                cursor += 1
            if denied:
                return index, min(cursor, len(self.items) - 1)
        return None

    def _actor(self, index: int, subject: Chunk | None, requested: bool) -> str:
        """Whose act it is: "customer", "rep", or "none" for a state of mind."""
        tags = self.items[index].tags
        customer_subject = subject is not None and subject.kind != "rep"
        if tags & {STATE, INQUIRY, HEDGE} and not tags & OBSERVABLE_ACTS:
            # A state of mind or thinking it over is nobody's commitment; finding out is the rep's.
            return "none" if customer_subject or requested or STATE in tags else "rep"
        if requested:  # "ask Dana to sign": what is asked for is the customer's act
            return "customer" if customer_subject else "rep"
        if AGREEMENT in tags and self._agrees_to_nothing(index):
            return "none"  # "agrees to think about a pilot"
        if not customer_subject and CUSTOMER in tags and self._gives_to_customer(index):
            return "rep"  # the rep gives: "give them a demo", "grant Dana a trial licence"
        if customer_subject or tags & {CUSTOMER, JOINT, AGREEMENT}:
            return "customer"
        if ACQUIRE in tags:
            return "customer" if self._gets_from_customer(index) else "rep"
        if (
            REP in tags
            and index + 1 < len(self.items)
            and self.items[index + 1].low in ("us", "me")
        ):
            return "customer"  # "send us their data", "introduce us to the CFO"
        return "rep"

    def _agrees_to_nothing(self, index: int) -> bool:
        """ "agrees to think about it", "agrees to be open to a pilot": no act is agreed to."""
        cursor = index + 1
        while cursor < len(self.items) and skippable(self.items[cursor]):
            cursor += 1
        if cursor == len(self.items) or cursor == index + 1:
            return False
        tags = self.items[cursor].tags
        return bool(tags & {STATE, INQUIRY, HEDGE}) and not tags & OBSERVABLE_ACTS

    def _gives_to_customer(self, index: int) -> bool:
        """ "give them a demo", "give Dana our pricing": the act at `index` goes to the customer."""
        if index + 1 >= len(self.items) or not is_recipient(self.items, self.chunk_of, index + 1):
            return False
        chunk = self.chunk_of.get(index + 1)
        after = chunk.last + 1 if chunk else index + 2
        return after < len(self.items) and bool(self.items[after].tags & {DETERMINER, REP_PARTY})

    def _gets_from_customer(self, index: int) -> bool:
        """ "get a meeting with the CFO", "secure approval": something only the customer gives."""
        for item in self.items[index + 1 : index + 1 + LONGEST_OBJECT]:
            if item.boundary:
                return False
            if item.tags & THINGS:
                return True
        return False

    # The criteria.


def skippable(item: Item) -> bool:
    """Modals, "be" and adverbs stand between a subject and its verb: "Dana will formally sign"."""
    adverb = item.unknown and item.low.endswith("ly") and len(item.low) > 4
    return adverb or bool(item.tags & SKIPPED)


_NAME_MARKS = re.compile(r"[-'’.]")


def _given_name(item: Item) -> bool:
    """A capitalised word the lists do not have (or have only as a typo's correction: "Dana"
    is not "data"), standing alone: "Dana", "Jean-Luc", "María"."""
    token = item.first
    return (
        len(item.tokens) == 1
        and (item.unknown and not item.tags or token.corrected)
        and _name_like(token.low)
        and _capitalised(token.text)
    )


def _name_like(low: str) -> bool:
    """A word that can be a name: letters, with hyphens, apostrophes or the dots of initials
    between them ("jean-luc", "d'angelo", "a.j.")."""
    if low.isalpha():
        return True
    parts = [part for part in _NAME_MARKS.split(low) if part]
    return bool(parts) and all(part.isalpha() for part in parts)


def _capitalised(text: str) -> bool:
    """Written as a name is: a capital first ("Dana", "A.J."), not all capitals ("CFO"), or in a
    script without capitals ("李明")."""
    first = text[0]
    if not (first.isupper() or first.isalpha() and first.lower() == first.upper()):
        return False
    letters = [char for char in text if char.isalpha()]
    return "." in text or len(letters) == 1 or not all(char.isupper() for char in letters)
