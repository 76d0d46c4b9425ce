"""The Team section of a manager's (or an admin's) App Home: each rep's week, what the nudges
escalated, meetings coming up with no plan, and buttons to post a summary now, open its
settings or export the team's data. A pure function of domain values."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.metrics import Metrics
from app.domain.summaries import Subscription
from app.domain.team import RepWeek, TeamWeek
from app.slack.views.company_domains import DomainIds
from app.slack.views.export import export_button
from app.slack.views.figures import follow_through_legend
from app.slack.views.formatting import SECTION_TEXT_MAX, escape, plural, slack_date, truncate
from app.slack.views.labels import KIND_LABELS
from app.slack.views.summary_setup import SummaryListIds, schedule_text

# Blocks the section may take of the Home's 100.
TEAM_BLOCKS_MAX = 40
SUMMARIES_SHOWN = 5  # two blocks each
REPS_SHOWN = 60  # their lines fit about ten sections
NAME_MAX = 80
ACCOUNT_MAX = 80


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _name(user_id: str, name: str | None) -> str:
    return f"*{escape(truncate(name, NAME_MAX))}*" if name else f"<@{user_id}>"


def _rep_line(rep: RepWeek) -> str:
    figures: Metrics = rep.figures
    parts = [_name(rep.user_id, rep.name)]
    if figures.interactions:
        parts += [
            f"{figures.interactions} {plural(figures.interactions, 'meeting')}",
            f"planned {figures.planned_rate}",
            f"strong {figures.strong_rate}",
            f"hit rate {figures.hit_rate}",
        ]
    else:
        parts.append("no meetings")
    if figures.next_steps_due:
        parts.append(f"follow-through {figures.follow_through}")
    if rep.open.count:
        escalated = f", {rep.open.escalated} escalated" if rep.open.escalated else ""
        parts.append(f"{rep.open.count} open{escalated}")
    return truncate(" · ".join(parts), 600)


def _packed(lines: list[str]) -> list[Block]:
    sections: list[Block] = []
    chunk: list[str] = []
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > SECTION_TEXT_MAX:
            sections.append(SectionBlock(text="\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        sections.append(SectionBlock(text="\n".join(chunk)))
    return sections


def _summary_blocks(subscription: Subscription) -> list[Block]:
    value = str(subscription.id)
    return [
        SectionBlock(
            text=f"Summary in <#{subscription.channel_id}>, {schedule_text(subscription)}"
        ),
        ActionsBlock(
            block_id=f"team_summary.{subscription.id}",
            elements=[
                ButtonElement(text="Post now", action_id=SummaryListIds.POST_NOW, value=value),
                ButtonElement(
                    text="Post today so far", action_id=SummaryListIds.POST_TODAY, value=value
                ),
                ButtonElement(text="Settings", action_id=SummaryListIds.EDIT, value=value),
            ],
        ),
    ]


def team_section(
    week: TeamWeek, subscriptions: list[Subscription], zone: str, everyone: bool
) -> list[Block]:
    """The Team section: at most TEAM_BLOCKS_MAX blocks whatever the team's size."""
    whose = "every rep of the workspace" if everyone else "the reps of your summaries"
    blocks: list[Block] = [
        DividerBlock(),
        HeaderBlock(text="Team"),
        ContextBlock(elements=[MarkdownTextObject(text=f"The last 7 days of {whose}, up to now.")]),
    ]
    if not week.reps:
        blocks.append(
            SectionBlock(text="No reps yet: set up a summary with `/coach summary` to choose them.")
        )
    else:
        blocks += _packed([_rep_line(rep) for rep in week.reps[:REPS_SHOWN]])
        if len(week.reps) > REPS_SHOWN:
            more = len(week.reps) - REPS_SHOWN
            blocks.append(_context(f"…and {more} more reps: the export has them all."))
        total = sum((rep.figures for rep in week.reps), Metrics())
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=follow_through_legend(total))])
        )
    if week.escalated:
        blocks.append(
            SectionBlock(
                text=f"*Escalated by the nudges:* {week.escalated} "
                f"{plural(week.escalated, 'item')}: see the summary for who and what."
            )
        )
    if week.unplanned.total:
        lines = [
            f"• {_name(m.rep_user_id, week.names.get(m.rep_user_id))} · "
            f"*{escape(truncate(m.account, ACCOUNT_MAX))}* · "
            f"{KIND_LABELS[m.kind].lower()} {slack_date(m.at, zone)}"
            for m in week.unplanned.items
        ]
        if week.unplanned.more > 0:
            lines.append(f"and {week.unplanned.more} more")
        blocks.append(
            SectionBlock(
                text=truncate(
                    "*Coming up in the next 7 days with no plan yet*\n" + "\n".join(lines),
                    SECTION_TEXT_MAX,
                )
            )
        )
    for subscription in subscriptions[:SUMMARIES_SHOWN]:
        blocks += _summary_blocks(subscription)
    actions: list[ButtonElement] = [export_button("Export the team's data")]
    if everyone:  # an admin: the company's own email domains, as /coach domains lists them
        actions.append(ButtonElement(text="Company email domains", action_id=DomainIds.OPEN))
    blocks.append(ActionsBlock(block_id="team_export", elements=actions))
    return blocks[:TEAM_BLOCKS_MAX]
