"""Reading what people typed: trimmed text, and a choice that must be one of an enum's values."""

from __future__ import annotations

import enum
from typing import TypeVar

E = TypeVar("E", bound=enum.StrEnum)


# The largest row id: the ids are PostgreSQL's INTEGER (SQLite's would take more).
ROW_ID_MAX = 2**31 - 1


def whole_number(text: object, maximum: int) -> int | None:
    """The number `text` writes, or None: only ASCII digits, up to `maximum` (not " 12", "1_0",
    "-1", which int() takes, nor "²", which isdigit() takes and int() refuses, nor "١٢", which
    isdecimal() and int() both take)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdecimal()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):  # before int(): 30 digits are no number of ours
        return None
    number = int(digits)
    return number if number <= maximum else None


def row_id(text: object) -> int | None:
    """The row id `text` names, or None: a whole number from 1 to ROW_ID_MAX (30 digits are in
    no column, and would overflow SQLite's integers)."""
    number = whole_number(text, ROW_ID_MAX)
    return number if number else None


def clean(text: str | None) -> str:
    return (text or "").strip()


def member(enum_class: type[E], value: str | None) -> E | None:
    """The enum member whose value is `value`; None for nothing or for a value it does not have."""
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None
