"""Reading what people typed: trimmed text, and a choice that must be one of an enum's values."""

from __future__ import annotations

import enum
from typing import TypeVar

E = TypeVar("E", bound=enum.StrEnum)


def clean(text: str | None) -> str:
    return (text or "").strip()


def member(enum_class: type[E], value: str | None) -> E | None:
    """The enum member whose value is `value`; None for nothing or for a value it does not have."""
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None
