"""The channel summary: team totals, coaching moments and a line per rep, within Slack's limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.coaching import Criterion
from app.domain.metrics import Metrics
from app.domain.summaries import CoachingMoment, Period, RepFigures, TeamSummary
from app.domain.summaries.named import Named, OpenItem
from app.models import NudgeReason, Result, Stage, SummaryCadence
from app.slack.views.figures import figure_field, follow_through_legend, outcome_counts, trend
from app.slack.views.formatting import (
    SECTION_TEXT_MAX,
    escape,
    plural,
    quote,
    slack_date,
    truncate,
    zone_label,
)
from app.slack.views.labels import KIND_LABELS, LOST_REASON_LABELS, RESULT_LABELS

# Message metadata of every summary post: how a post that timed out is found before a retry.
SUMMARY_EVENT = "coach_summary"
MESSAGE_BLOCKS_MAX = 50
HEADER_MAX = 150
# A team larger than this gets its per-rep lines in thread replies, so that the channel shows
# the totals and the coaching moments at a glance.
REPS_IN_MESSAGE = 15
# Sections of rep lines per thread reply (at most 24,000 characters, about 120 reps): long
# enough to read through, well within 50 blocks.
SECTIONS_PER_REPLY = 8
REP_LINE_MAX = 600
NAME_MAX = 80
ACCOUNT_MAX = 80
OBJECTIVE_MAX = 280

# Instants (an interaction, the oldest open item) are date tokens, in each reader's zone; never
# the relative ones ("yesterday"), which would contradict the period's plain dates below.
INSTANT_TOKEN = "{date_short} at {time}"
DAY_TOKEN = "{date_short}"
BEFORE_NAMES = {SummaryCadence.DAILY: "the day before", SummaryCadence.WEEKLY: "the 7 days before"}
COMPLETE_NAMES = {
    SummaryCadence.DAILY: "the last complete day",
    SummaryCadence.WEEKLY: "the last complete week",
}
AHEAD_NAMES = {SummaryCadence.DAILY: "the next day", SummaryCadence.WEEKLY: "the next 7 days"}
OPEN_REASONS = {
    NudgeReason.NO_OUTCOME: "no outcome logged",
    NudgeReason.NO_NEXT_STEP: "no dated next step",
    NudgeReason.FOLLOW_UP_DUE: "the customer's step was due, nothing logged",
}
# What to coach, in the words a manager would use: the objective's failed criteria.
_LATE_STAGES = (Stage.NEGOTIATION, Stage.CLOSING)
PLAIN_GAPS = {
    Criterion.CUSTOMER_ACTION: "plans what the rep will do, not what the customer agrees to",
    Criterion.SPECIFIC: "no concrete step for the customer",
    Criterion.TIME_BOUND: "no date for the customer's step",
    Criterion.DECISION_MAKER: "no decision maker named",
}
ITEM_MAX = 400
# (label, the share) of the team's figures, each with its trend against the period before.
TEAM_FIGURES = (
    ("Planned before they happened", lambda m: m.planned_rate),
    ("Strong objectives", lambda m: m.strong_rate),
    ("Commitment hit rate (won + advanced)", lambda m: m.hit_rate),
    ("Customer follow-through", lambda m: m.follow_through),
)


@dataclass(frozen=True)
class SummaryPost:
    """The message, then its thread replies (each a notification text and its blocks)."""

    text: str
    blocks: list[Block]
    replies: list[tuple[str, list[Block]]] = field(default_factory=list)


def summary_post(
    summary: TeamSummary, now: datetime, notes: list[str] | None = None
) -> SummaryPost:
    """The summary of `summary.period` as posts; `notes` are shown under the header (a user
    group that could not be read, a post made on request...)."""
    period = summary.period
    name = period_name(period)
    header = HeaderBlock(text=truncate(f"Team summary: {period_heading(period)}", HEADER_MAX))
    reps = len(summary.reps)
    context = [
        f"Days in {zone_label(period.zone, period.end)}, midnight to midnight · "
        f"{_count(reps, 'rep')} · compared with {BEFORE_NAMES[period.cadence]}",
        *(notes or []),
    ]
    blocks: list[Block] = [header, _context("\n".join(context))]
    if not summary.reps:
        text = f"Team summary, {name}: no reps in scope"
        blocks.append(SectionBlock(text="No reps in this summary: choose some with Edit."))
        return SummaryPost(text, blocks)
    if summary.empty:
        during = "on" if period.cadence is SummaryCadence.DAILY else "during"
        quiet = "today so far" if period.so_far else f"{during} {name}"
        blocks.append(SectionBlock(text=f"Nothing logged {quiet}."))
        blocks += _open_and_escalated(summary, now)
        blocks += _named_blocks(summary)
        return SummaryPost(f"Team summary, {name}: nothing logged", blocks)

    current = summary.current
    text = (
        f"Team summary, {name}: {_count(current.interactions, 'interaction')}, "
        f"commitment hit rate {current.hit_rate}"
    )
    blocks.append(
        SectionBlock(
            text=f"*{current.interactions}* {plural(current.interactions, 'interaction')}, "
            f"*{current.outcomes}* with an outcome logged: {outcome_counts(current)}"
        )
    )
    blocks.append(
        SectionBlock(
            fields=[
                figure_field(label, read(current), read(summary.previous))
                for label, read in TEAM_FIGURES
            ]
        )
    )
    blocks.append(_context(follow_through_legend(current)))
    blocks += _open_and_escalated(summary, now)
    blocks += _named_blocks(summary)
    blocks += _coaching_blocks(summary)

    sections = _rep_sections([_rep_line(rep, now) for rep in summary.reps])
    if reps <= REPS_IN_MESSAGE and len(blocks) + len(sections) <= MESSAGE_BLOCKS_MAX:
        return SummaryPost(text, blocks + sections)
    replies = [
        sections[start : start + SECTIONS_PER_REPLY]
        for start in range(0, len(sections), SECTIONS_PER_REPLY)
    ]
    blocks.append(_context(f"One line per rep in the thread ({_count(reps, 'rep')})."))
    return SummaryPost(
        text,
        blocks,
        [
            (f"Team summary, {name}: reps, part {n} of {len(replies)}", reply)
            for n, reply in enumerate(replies, 1)
        ],
    )


def period_name(period: Period) -> str:
    """The period's days in its zone, in plain words that read the same for everyone, wherever
    and whenever they read them: "Wed 25 Nov", "Mon 23 – Sun 29 Nov", "Mon 30 Nov – Sun 6 Dec",
    "Mon 29 Dec 2025 – Sun 4 Jan 2026"."""
    first = period.start.date()
    last = period.end.date() - timedelta(days=1)
    if first == last:
        return _day(first)
    if first.year != last.year:
        return f"{_day(first, with_year=True)} – {_day(last, with_year=True)}"
    if first.month != last.month:
        return f"{_day(first)} – {_day(last)}"
    return f"{first:%a} {first.day} – {_day(last)}"


def period_heading(period: Period) -> str:
    """The heading's period, saying which it is: "today so far, Wed 2 Dec", "Wed 25 Nov, the
    last complete day", "Mon 23 – Sun 29 Nov, the last complete week"."""
    if period.so_far:
        return f"today so far, {period_name(period)}"
    return f"{period_name(period)}, {COMPLETE_NAMES[period.cadence]}"


def _day(day: date, with_year: bool = False) -> str:
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if with_year else "")


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 2000))])


def _age(oldest: datetime | None, now: datetime) -> str:
    days = (now - oldest) // timedelta(days=1) if oldest else 0
    return "under a day" if days < 1 else _count(days, "day")


def _open_and_escalated(summary: TeamSummary, now: datetime) -> list[Block]:
    """What the nudges could not get done and what is still open, by rep and account, the
    oldest first, for the whole team."""
    blocks: list[Block] = []
    zone = summary.period.zone
    if summary.escalated:
        heading = (
            f"*Escalated by the nudges:* {_count(summary.escalated, 'item')} the reps did not "
            "act on after two reminders, or could not be reminded of"
        )
        blocks.append(_listing(heading, summary.escalated_items, summary, now, zone))
    still_open = summary.open
    without = summary.without_next_step
    if still_open.count and still_open.oldest:
        since = slack_date(still_open.oldest, zone, DAY_TOKEN)
        heading = (
            f"*Without a next step:* {_count(still_open.count, 'interaction')}, the oldest "
            f"{_age(still_open.oldest, now)} old (since {since})"
        )
        if summary.escalated and without.total:
            heading += f"; {without.total} not escalated"
        blocks.append(_listing(heading, without, summary, now, zone))
    if summary.stuck_nudges:
        stuck = summary.stuck_nudges
        them = plural(stuck, "it", "them")
        blocks.append(
            SectionBlock(
                text=f"_{_count(stuck, 'morning nudge')} to these reps stopped while sending; "
                f"the next sweep sends {them} once unless Slack has {them}._"
            )
        )
    return blocks


def _listing(
    heading: str, items: Named[OpenItem], summary: TeamSummary, now: datetime, zone: str
) -> SectionBlock:
    lines = [heading]
    for item in items.items:
        who = _rep_name(item.rep_user_id, summary.names.get(item.rep_user_id))
        account = escape(truncate(item.account, ACCOUNT_MAX))
        lines.append(
            truncate(
                f"• {who} · *{account}* · {OPEN_REASONS[item.reason]} · "
                f"{_age(item.since, now)} old ({slack_date(item.since, zone, DAY_TOKEN)})",
                ITEM_MAX,
            )
        )
    if items.more > 0:
        lines.append(f"and {items.more} more")
    return SectionBlock(text=truncate("\n".join(lines), SECTION_TEXT_MAX))


def _named_blocks(summary: TeamSummary) -> list[Block]:
    """Lost deals with their reason; the coming period's commitments and unplanned meetings."""
    zone = summary.period.zone
    names = summary.names
    ahead = AHEAD_NAMES[summary.period.cadence]
    sections: list[tuple[str, list[str], int]] = []
    if summary.lost.total:
        lines = []
        for deal in summary.lost.items:
            why = LOST_REASON_LABELS[deal.reason].lower() if deal.reason else "no reason given"
            lines.append(
                f"• *{escape(truncate(deal.account, ACCOUNT_MAX))}* · "
                f"{_rep_name(deal.rep_user_id, names.get(deal.rep_user_id))} · {why}"
            )
        sections.append((f"*Lost:* {_count(summary.lost.total, 'deal')}", lines, summary.lost.more))
    if summary.commitments_due.total:
        due = summary.commitments_due
        lines = [
            truncate(
                f"• *{escape(truncate(item.account, ACCOUNT_MAX))}* "
                f"({_rep_name(item.rep_user_id, names.get(item.rep_user_id))}) agreed to "
                f"“{escape(truncate(item.next_step, OBJECTIVE_MAX))}” by "
                f"{slack_date(item.due_at, zone, INSTANT_TOKEN)}",
                ITEM_MAX,
            )
            for item in due.items
        ]
        heading = f"*Customer commitments due in {ahead}:* {due.total}"
        sections.append((heading, lines, due.more))
    if summary.unplanned.total:
        unplanned = summary.unplanned
        lines = [
            f"• {_rep_name(item.rep_user_id, names.get(item.rep_user_id))} · "
            f"*{escape(truncate(item.account, ACCOUNT_MAX))}* · "
            f"{KIND_LABELS[item.kind].lower()} {slack_date(item.at, zone, INSTANT_TOKEN)}"
            for item in unplanned.items
        ]
        heading = f"*Coming up in {ahead} with no plan yet:* {unplanned.total}"
        sections.append((heading, lines, unplanned.more))
    blocks: list[Block] = []
    for heading, lines, more in sections:
        if more > 0:
            lines.append(f"and {more} more")
        blocks.append(SectionBlock(text=truncate("\n".join([heading, *lines]), SECTION_TEXT_MAX)))
    return blocks


def coaching_words(moment: CoachingMoment) -> str:
    """What to coach about an objective, in plain words: "asks for the signature at the demo
    stage", "no fallback at proposal"."""
    stage = moment.stage.value if moment.stage else None
    words = []
    for gap in moment.gaps:
        if gap is Criterion.STAGE_FIT:
            at = f" at the {stage} stage" if stage else " too early"
            late = moment.stage in _LATE_STAGES
            words.append(
                f"steps back to a first meeting{at}" if late else f"asks for the signature{at}"
            )
        elif gap is Criterion.FALLBACK:
            words.append(f"no fallback at {stage}" if stage else "no fallback")
        else:
            words.append(PLAIN_GAPS[gap])
    return "; ".join(words)


def _count(number: int, noun: str) -> str:
    return f"{number} {plural(number, noun)}"


def _rep_name(user_id: str, name: str | None) -> str:
    # A mention notifies the rep; the cached display name does not, so it is preferred.
    return f"*{escape(truncate(name, NAME_MAX))}*" if name else f"<@{user_id}>"


def _moment_line(moment: CoachingMoment, zone: str) -> str:
    account = escape(truncate(moment.account, ACCOUNT_MAX))
    kind = KIND_LABELS[moment.kind].lower()
    when = slack_date(moment.scheduled_at, zone, INSTANT_TOKEN)
    who = _rep_name(moment.rep_user_id, moment.rep_name)
    if moment.strong and not moment.gaps:
        verdict = "meets every criterion"
    elif moment.strong:
        verdict = "strong, but " + coaching_words(moment)
    else:
        verdict = coaching_words(moment)
    outcome = f" · {RESULT_LABELS[moment.result][0]}" if moment.result else ""
    objective = quote(truncate(moment.objective, OBJECTIVE_MAX), OBJECTIVE_MAX)
    return f"*{account}* · {who} · {kind} {when}{outcome}: {verdict}\n{objective}"


def _coaching_blocks(summary: TeamSummary) -> list[Block]:
    blocks: list[Block] = []
    if summary.weakest:
        lines = "\n".join(_moment_line(moment, summary.period.zone) for moment in summary.weakest)
        blocks.append(SectionBlock(text=truncate(f"*Where to coach*\n{lines}", SECTION_TEXT_MAX)))
    if summary.strongest:
        text = f"*What to praise*\n{_moment_line(summary.strongest, summary.period.zone)}"
        blocks.append(SectionBlock(text=truncate(text, SECTION_TEXT_MAX)))
    return blocks


def _outcomes_short(figures: Metrics) -> str:
    counts = [
        f"{getattr(figures, result.value)} {RESULT_LABELS[result][0].lower()}"
        for result in Result
        if getattr(figures, result.value)
    ]
    return ", ".join(counts) if counts else "no outcomes"


def _rep_line(rep: RepFigures, now: datetime) -> str:
    name = _rep_name(rep.user_id, rep.name)
    if rep.quiet and not rep.escalated:
        parts = [name, "nothing logged"]
    else:
        current = rep.current
        parts = [name]
        if current.interactions:
            parts += [
                _count(current.interactions, "interaction"),
                f"{current.planned_before}/{current.interactions} planned",
                f"{current.strong}/{current.planned} strong" if current.planned else "no plans",
            ]
        else:
            parts.append("no interactions")
        parts.append(_outcomes_short(current))
        if current.outcomes:
            hit_trend = trend(current.hit_rate, rep.previous.hit_rate)
            parts.append(f"hit rate {current.hit_rate} {hit_trend}".rstrip())
        if current.next_steps_due:
            unknown = current.follow_through_unknown
            known = f" ({unknown} unknown)" if unknown else ""
            parts.append(f"follow-through {current.follow_through}{known}")
        if rep.open.count:
            parts.append(
                f"{rep.open.count} without a next step (oldest {_age(rep.open.oldest, now)})"
            )
        if rep.escalated:
            parts.append(f"{rep.escalated} escalated")
    if rep.unreachable:
        parts.append(f"no nudges: Slack refused the DM (`{escape(rep.unreachable)}`)")
    return truncate(" · ".join(parts), REP_LINE_MAX)


def _rep_sections(lines: list[str]) -> list[Block]:
    """Rep lines packed into as few sections as fit 3,000 characters each."""
    sections: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        if chunk and size + len(line) + 1 > SECTION_TEXT_MAX:
            sections.append(SectionBlock(text="\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        sections.append(SectionBlock(text="\n".join(chunk)))
    return sections
