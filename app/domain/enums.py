"""The kinds, stages and results the domain reasons about; app.models stores them as strings."""

from __future__ import annotations

import enum


class InteractionKind(enum.StrEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    TEXT = "text"


class Stage(enum.StrEnum):
    DISCOVERY = "discovery"
    DEMO = "demo"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSING = "closing"


class Result(enum.StrEnum):
    WON = "won"
    ADVANCED = "advanced"
    MINIMUM = "minimum"
    CONTINUATION = "continuation"
    LOST = "lost"
