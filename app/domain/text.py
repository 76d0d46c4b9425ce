"""Reading what people typed: trimmed text, and a choice that must be one of an enum's values."""

from __future__ import annotations

import enum
from typing import TypeVar

E = TypeVar("E", bound=enum.StrEnum)


# The largest row id: the ids are PostgreSQL's INTEGER (SQLite's would take more).
ROW_ID_MAX = 2**31 - 1


def row_id(text: object) -> int | None:
    """The row id `text` names, or None: only ASCII digits within ROW_ID_MAX (not " 12", "1_0",
    "²", which int() or isdigit() take, nor 30 digits, which no column holds)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdecimal()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= ROW_ID_MAX else None


def clean(text: str | None) -> str:
    return (text or "").strip()


def member(enum_class: type[E], value: str | None) -> E | None:
    """The enum member whose value is `value`; None for nothing or for a value it does not have."""
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None
