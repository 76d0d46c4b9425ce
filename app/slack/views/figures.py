"""A rep's own figures, this period against the one before: the `/coach me` message."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.metrics import FOLLOW_THROUGH_LEGEND, Metrics, Ratio
from app.slack.views.formatting import plural

# (label, how to read it off the figures) for every line of the message.
FIGURE_LINES = (
    ("Planned before they happened", lambda m: m.planned_rate),
    ("Strong objectives", lambda m: m.strong_rate),
    ("Commitment hit rate (won + advanced)", lambda m: m.hit_rate),
    ("Minimum only", lambda m: m.minimum_rate),
    ("Continuations", lambda m: m.continuation_rate),
    ("Customer follow-through", lambda m: m.follow_through),
)


def trend(current: Ratio, previous: Ratio) -> str:
    """▲, ▼ or = between two shares; nothing when either has no denominator."""
    if current.percent is None or previous.percent is None:
        return ""
    if current.percent == previous.percent:
        return "="
    return "▲" if current.percent > previous.percent else "▼"


def figure_field(label: str, current: Ratio, previous: Ratio) -> MarkdownTextObject:
    """ "*Label*", the share now with its trend mark, and the share before."""
    mark = trend(current, previous)
    return MarkdownTextObject(
        text=f"*{label}*\n{current} {mark}\n_before: {previous}_".replace(" \n", "\n")
    )


def follow_through_legend(figures: Metrics) -> str:
    """The one-line legend of customer follow-through, with how many answers are unknown."""
    unknown = figures.follow_through_unknown
    known = f" ({unknown} unknown now)" if unknown else ""
    return FOLLOW_THROUGH_LEGEND + known


def outcome_counts(figures: Metrics) -> str:
    """The outcomes, then what was cancelled and moved (in no rate, counted on their own)."""
    counts = (
        f"{figures.won} won · {figures.advanced} advanced · {figures.minimum} minimum · "
        f"{figures.continuation} continuation · {figures.lost} lost"
    )
    if figures.cancelled:
        counts += f" · {figures.cancelled} cancelled"
    if figures.reschedules:
        counts += f" · {figures.reschedules} {plural(figures.reschedules, 'reschedule')}"
    return counts


def figures_message(current: Metrics, previous: Metrics, days: int) -> tuple[str, list[Block]]:
    text = f"Your commitment discipline, last {days} days"
    if not current.interactions and not current.outcomes and not current.cancelled:
        return text, [
            HeaderBlock(text=text),
            SectionBlock(
                text=f"No interactions in the last {days} days yet. Plan the next one with "
                "`/precall`, and log what the customer agreed to with `/postcall`."
            ),
        ]
    fields = [figure_field(label, read(current), read(previous)) for label, read in FIGURE_LINES]
    outcomes = outcome_counts(current)
    return text, [
        HeaderBlock(text=text),
        SectionBlock(
            text=f"*{current.interactions}* {plural(current.interactions, 'interaction')}, "
            f"*{current.outcomes}* {plural(current.outcomes, 'outcome')}: {outcomes}"
        ),
        SectionBlock(fields=fields[:6]),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Compared with the {days} days before. Only you can see this.\n"
                    + follow_through_legend(current)
                )
            ]
        ),
    ]
