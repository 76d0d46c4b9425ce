"""What every form check shares: the errors it answers with, and text the database refuses."""

from __future__ import annotations

import enum
import re
from typing import TypeVar

F = TypeVar("F", bound=enum.StrEnum)

UNSAVABLE = "This field contains characters that can't be saved."
# Lone surrogates cannot be encoded for either database, PostgreSQL refuses NUL, and other
# control characters are nothing a person types (newline, carriage return and tab are).
_UNSAVABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldErrors(dict[F, str]):
    """A check's answer when the form cannot be saved: what to fix, field by field."""


def unsavable(text: str | None) -> bool:
    """Whether `text` holds characters the database cannot store."""
    return bool(text) and _UNSAVABLE.search(text or "") is not None


def refuse_unsavable(errors: dict[F, str], values: dict[F, str | None]) -> None:
    """Put UNSAVABLE under every field whose text cannot be stored (before other problems)."""
    for name, text in values.items():
        if unsavable(text):
            errors[name] = UNSAVABLE
