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


_MARKUP = re.compile(r"<[^<>\n]{1,200}>|&(?:amp|lt|gt);")
# Slack's emphasis marks at the edge of a word: "*proposal*", "_the SOW_", "~Dana~", "`PO`".
_EMPHASIS = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")


def plain(text: str) -> str:
    """The rep's words without Slack's emphasis marks, which a part of the text would leave
    unpaired; Slack markup and escapes ("<!channel>", "&amp;") are kept whole."""
    kept, last = [], 0
    for found in _MARKUP.finditer(text):
        kept += [_EMPHASIS.sub("", text[last : found.start()]), found[0]]
        last = found.end()
    kept.append(_EMPHASIS.sub("", text[last:]))
    return "".join(kept)


def shortened(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters with an ellipsis, never inside Slack markup or an
    escape."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for opener, closer in (("<", ">"), ("&", ";")):
        if cut.rfind(opener) > cut.rfind(closer):
            cut = cut[: cut.rfind(opener)]
    return cut.rstrip() + "…"
