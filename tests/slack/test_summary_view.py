"""The summary message, built from figures alone: its lines, and Slack's limits for any team."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from app.domain import summaries
from app.domain.coaching import Criterion
from app.domain.metrics import Metrics
from app.domain.summaries import CoachingMoment, OpenItems, RepFigures, TeamSummary
from app.models import InteractionKind, Result, SummaryCadence
from app.sandbox.limits import validate_message_blocks
from app.slack.views.formatting import SECTION_TEXT_MAX
from app.slack.views.summary import MESSAGE_BLOCKS_MAX, summary_post

NY = "America/New_York"
NOW = datetime(2026, 11, 4, 14, 0, tzinfo=UTC)
WEEK = summaries.period_before(SummaryCadence.WEEKLY, NY, date(2026, 11, 4))
ANA = RepFigures(
    "UA",
    "Ana",
    current=Metrics(
        interactions=4,
        planned_before=2,
        planned=3,
        strong=1,
        outcomes=3,
        won=1,
        advanced=1,
        continuation=1,
        next_steps_due=1,
    ),
    previous=Metrics(interactions=1, planned_before=1, planned=1, strong=1, outcomes=1, lost=1),
    open=OpenItems(2, datetime(2026, 10, 30, 15, tzinfo=UTC)),
    escalated=1,
    unreachable=None,
)
DEE = RepFigures("UD", None, Metrics(), Metrics(), OpenItems(), 0, None)
WEAK = CoachingMoment(
    1,
    "UA",
    "Ana",
    "Globex",
    InteractionKind.CALL,
    datetime(2026, 10, 30, 15, tzinfo=UTC),
    "We talk again",
    (Criterion.CUSTOMER_ACTION, Criterion.SPECIFIC, Criterion.TIME_BOUND),
    strong=False,
    result=Result.CONTINUATION,
)
STRONG = CoachingMoment(
    2,
    "UA",
    "Ana",
    "Acme",
    InteractionKind.MEETING,
    datetime(2026, 10, 28, 4, 30, tzinfo=UTC),
    "Dana (CFO) signs the order form by Friday",
    (),
    strong=True,
    result=Result.WON,
)


def team(reps: list[RepFigures], **overrides) -> TeamSummary:
    values = {
        "period": WEEK,
        "reps": reps,
        "current": sum((rep.current for rep in reps), Metrics()),
        "previous": sum((rep.previous for rep in reps), Metrics()),
        "open": sum((rep.open for rep in reps), OpenItems()),
        "escalated": sum(rep.escalated for rep in reps),
        "weakest": [WEAK],
        "strongest": STRONG,
        "stuck_nudges": 0,
    }
    return TeamSummary(**(values | overrides))


def texts(blocks) -> str:
    return "\n".join(str(block.to_dict()) for block in blocks)


def test_a_small_team_gets_one_message_with_totals_moments_and_rep_lines() -> None:
    post = summary_post(team([ANA, DEE]), NOW)
    assert post.replies == []
    assert post.text == "Team summary, last 7 days: 4 interactions, commitment hit rate 2/3 (67%)"
    blocks = [block.to_dict() for block in post.blocks]
    assert validate_message_blocks(blocks) == []
    assert blocks[0]["text"]["text"] == "Team summary: last 7 days"
    # The week is named with date tokens, pinned at noon (16:00 UTC) of its first and last days.
    context = blocks[1]["elements"][0]["text"]
    assert context.startswith("<!date^1793203200^{date_short}|Wed 28 Oct 2026> to <!date^")
    assert "2 reps · compared with the 7 days before" in context
    fields = {f["text"].split("*")[1]: f["text"] for f in blocks[3]["fields"]}
    assert fields["Commitment hit rate (won + advanced)"].endswith(
        "2/3 (67%) ▲\n_before: 0/1 (0%)_"
    )
    assert fields["Planned before they happened"].startswith("*Planned before they happened*\n2/4")
    body = texts(post.blocks)
    assert "*Without a next step:* 2 interactions, the oldest 4 days old (since <!date^" in body
    assert "*Escalated by the nudges:* 1 item" in body
    assert "*Where to coach*\\n*Globex* · *Ana* · call <!date^" in body
    assert "Continuation: missing Customer action, Specific, Time-bound" in body
    assert "*What to praise*\\n*Acme* · *Ana* · meeting" in body
    lines = blocks[-1]["text"]["text"].splitlines()
    assert lines == [
        "*Ana* · 4 logged · 2/4 planned · 1/3 strong · 1 won, 1 advanced, 1 continuation · "
        "hit rate 2/3 (67%) ▲ · follow-through 0/1 (0%) · 2 without a next step "
        "(oldest 4 days) · 1 escalated",
        "<@UD> · nothing logged",  # never seen by the coach: no cached name
    ]


def test_an_empty_period_says_so_in_one_line() -> None:
    quiet = team([DEE], weakest=[], strongest=None)
    post = summary_post(quiet, NOW)
    assert post.text == "Team summary, last 7 days: nothing logged"
    assert [block.type for block in post.blocks] == ["header", "context", "section"]
    assert post.blocks[2].text.text == "Nothing logged in the last 7 days."


def test_a_300_rep_team_gets_its_rep_lines_in_thread_replies_within_slacks_limits() -> None:
    reps = [
        RepFigures(
            f"U{n:05d}",
            f"Rep number {n} with a rather long display name " + "x" * (n % 40),
            current=Metrics(interactions=9, planned_before=7, planned=8, strong=5, outcomes=6),
            previous=Metrics(outcomes=4, won=2),
            open=OpenItems(3, datetime(2026, 10, 1, tzinfo=UTC)),
            escalated=n % 3,
            unreachable="cannot_dm_bot" if n % 50 == 0 else None,
        )
        for n in range(300)
    ]
    post = summary_post(team(reps), NOW, notes=["_Posted on request._"])
    main = [block.to_dict() for block in post.blocks]
    assert validate_message_blocks(main) == []
    assert "One line per rep in the thread (300 reps)." in str(main[-1])
    assert len(post.replies) >= 2
    seen = []
    for text, reply in post.replies:
        blocks = [block.to_dict() for block in reply]
        assert validate_message_blocks(blocks) == []
        assert len(blocks) <= MESSAGE_BLOCKS_MAX
        assert all(len(block["text"]["text"]) <= SECTION_TEXT_MAX for block in blocks)
        assert text.startswith("Team summary, last 7 days: reps, part ")
        seen += re.findall(r"\*Rep number (\d+) ", str(blocks))
    assert sorted(map(int, seen)) == list(range(300)), "every rep once, in order of the replies"
