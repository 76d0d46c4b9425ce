"""Splitting an objective into words and marks, with "Dana's" and "we'll" in two."""

from __future__ import annotations

import re

TOKEN = re.compile(
    r"<[^<>\n]{1,200}>"  # Slack markup, kept whole: "<!channel>", "<@U123>", "<https://…|a link>"
    r"|&(?:amp|lt|gt);"  # Slack's escapes, likewise
    r"|\.{2,}|…"
    r"|(?:[A-Z]\.){2,}"  # initials: "A.J.", "J.R."
    r"|[wW]/[oO]?(?=\s|$)"  # shorthand: "w/", "w/o"
    r"|[^\W_]+(?:['’-][^\W_]+)*|->|=>|[.!?;:,()\n|/&+—–-]"
)
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
