"""Splitting an objective into words and marks, with "Dana's" and "we'll" in two."""

from __future__ import annotations

import re

TOKEN = re.compile(r"\.{2,}|…|[^\W_]+(?:['’-][^\W_]+)*|->|=>|[.!?;:,()\n|/&+—–-]")
SUFFIXES = ("'s", "'ll", "'re", "'ve", "'d", "'m", "n't")
BOUNDARY_MARKS = {".", "!", "?", ";", "\n", ":", "->", "=>", "—", "–", "-", "|"}


def split(text: str) -> list[tuple[int, int]]:
    """Spans of the words and marks of `text`, with "Dana's" and "we'll" split in two."""
    spans = []
    for match in TOKEN.finditer(text):
        raw = match[0]
        if raw[0] == "." and len(raw) > 1 or raw == "…":
            continue  # an ellipsis is a pause, not the end of a sentence
        suffix = None
        if "'" in raw or "’" in raw:
            low = raw.lower().replace("’", "'")
            suffix = next((s for s in SUFFIXES if low.endswith(s) and len(low) > len(s)), None)
        if suffix:
            spans += [
                (match.start(), match.end() - len(suffix)),
                (match.end() - len(suffix), match.end()),
            ]
        else:
            spans.append(match.span())
    return spans
