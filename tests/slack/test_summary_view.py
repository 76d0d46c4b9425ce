"""The summary message, built from figures alone: its lines, and Slack's limits for any team."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from app.domain import summaries
from app.domain.coaching import Criterion
from app.domain.metrics import Metrics
from app.domain.summaries import CoachingMoment, OpenItems, RepFigures, TeamSummary
from app.models import InteractionKind, Result, SummaryCadence
from app.sandbox.limits import validate_message_blocks
from app.slack.views.formatting import SECTION_TEXT_MAX
from app.slack.views.summary import MESSAGE_BLOCKS_MAX, period_name, summary_post

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
    assert post.text == (
        "Team summary, Wed 28 Oct – Tue 3 Nov: 4 interactions, commitment hit rate 2/3 (67%)"
    )
    blocks = [block.to_dict() for block in post.blocks]
    assert validate_message_blocks(blocks) == []
    assert (
        blocks[0]["text"]["text"] == "Team summary: Wed 28 Oct – Tue 3 Nov, the last complete week"
    )
    context = blocks[1]["elements"][0]["text"]
    assert context == (
        "Days in America/New_York (EST), midnight to midnight · 2 reps · "
        "compared with the 7 days before"
    )
    assert blocks[2]["text"]["text"] == (
        "*4* interactions, *3* with an outcome logged: "
        "1 won · 1 advanced · 0 minimum · 1 continuation · 0 lost"
    )
    fields = {f["text"].split("*")[1]: f["text"] for f in blocks[3]["fields"]}
    assert fields["Commitment hit rate (won + advanced)"].endswith(
        "2/3 (67%) ▲\n_before: 0/1 (0%)_"
    )
    assert fields["Planned before they happened"].startswith("*Planned before they happened*\n2/4")
    body = texts(post.blocks)
    # The age is counted to the summary's `now`; the date it dates from is a plain date token
    # (not "today" or "yesterday", relative to whenever it is read).
    since = f"<!date^{int(ANA.open.oldest.timestamp())}^{{date_short}}|"
    assert f"*Without a next step:* 2 interactions, the oldest 4 days old (since {since}" in body
    assert "*Escalated by the nudges:* 1 item" in body
    called = f"<!date^{int(WEAK.scheduled_at.timestamp())}^{{date_short}} at {{time}}|"
    assert f"*Where to coach*\\n*Globex* · *Ana* · call {called}" in body
    assert (
        "Continuation: plans what the rep will do, not what the customer agrees to; no concrete "
        "step for the customer; no date for the customer's step"
    ) in body
    assert "*What to praise*\\n*Acme* · *Ana* · meeting" in body
    lines = blocks[-1]["text"]["text"].splitlines()
    assert lines == [
        "*Ana* · 4 interactions · 2/4 planned · 1/3 strong · 1 won, 1 advanced, 1 continuation · "
        "hit rate 2/3 (67%) ▲ · follow-through 0/1 (0%) · 2 without a next step "
        "(oldest 4 days) · 1 escalated",
        "<@UD> · nothing logged",  # never seen by the coach: no cached name
    ]


def test_an_empty_period_says_so_in_one_line() -> None:
    quiet = team([DEE], weakest=[], strongest=None)
    post = summary_post(quiet, NOW)
    assert post.text == "Team summary, Wed 28 Oct – Tue 3 Nov: nothing logged"
    assert [block.type for block in post.blocks] == ["header", "context", "section"]
    assert post.blocks[2].text.text == "Nothing logged during Wed 28 Oct – Tue 3 Nov."
    assert "1 rep ·" in str(post.blocks[1].to_dict())


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
        assert text.startswith("Team summary, Wed 28 Oct – Tue 3 Nov: reps, part ")
        seen += re.findall(r"\*Rep number (\d+) ", str(blocks))
    assert sorted(map(int, seen)) == list(range(300)), "every rep once, in order of the replies"


CHICAGO = "America/Chicago"
# Maria (Chicago) posts her daily summary on Thursday 26 November, 09:00 there.
THURSDAY_IN_CHICAGO = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_a_daily_period_reads_the_same_for_readers_in_every_zone() -> None:
    """Kenji (Tokyo, already Friday) and Priya (London) read the day Maria (Chicago) means:
    the period is plain dates in the summary's zone, never words relative to the reader."""
    day = summaries.period_before(SummaryCadence.DAILY, CHICAGO, date(2026, 11, 26))
    busy = team([ANA], period=day)
    quiet = team([DEE], period=day, weakest=[], strongest=None)
    for post, body in (
        (summary_post(busy, THURSDAY_IN_CHICAGO), None),
        (summary_post(quiet, THURSDAY_IN_CHICAGO), "Nothing logged on Wed 25 Nov."),
    ):
        blocks = [block.to_dict() for block in post.blocks]
        assert blocks[0]["text"]["text"] == "Team summary: Wed 25 Nov, the last complete day"
        assert post.text.startswith("Team summary, Wed 25 Nov: ")
        assert blocks[1]["elements"][0]["text"].startswith(
            "Days in America/Chicago (CST), midnight to midnight · 1 rep · "
            "compared with the day before"
        )
        if body:
            assert blocks[2]["text"]["text"] == body
        everything = f"{post.text} {texts(post.blocks)}".lower()
        for relative in ("yesterday", "today", "tomorrow", "_pretty}", "last 7 days"):
            assert relative not in everything


@pytest.mark.parametrize(
    ("cadence", "posted_on", "name"),
    [
        (SummaryCadence.DAILY, date(2026, 11, 26), "Wed 25 Nov"),
        (SummaryCadence.WEEKLY, date(2026, 11, 30), "Mon 23 – Sun 29 Nov"),
        (SummaryCadence.WEEKLY, date(2026, 12, 3), "Thu 26 Nov – Wed 2 Dec"),
        (SummaryCadence.WEEKLY, date(2027, 1, 2), "Sat 26 Dec 2026 – Fri 1 Jan 2027"),
        # Across the end of daylight saving time (1 November in Chicago): still local days.
        (SummaryCadence.WEEKLY, date(2026, 11, 4), "Wed 28 Oct – Tue 3 Nov"),
    ],
)
def test_periods_are_named_by_their_days_in_one_wording(cadence, posted_on, name) -> None:
    assert period_name(summaries.period_before(cadence, CHICAGO, posted_on)) == name


def test_counts_agree_in_number_and_a_rep_with_no_plans_says_so() -> None:
    unplanned = RepFigures(
        "UB",
        "Bo",
        current=Metrics(interactions=1, outcomes=1, lost=1),
        previous=Metrics(),
        open=OpenItems(1, datetime(2026, 11, 3, 12, tzinfo=UTC), escalated=1),
        escalated=1,
        unreachable=None,
    )
    only_open = RepFigures(
        "UC",
        "Cy",
        current=Metrics(),
        previous=Metrics(),
        open=OpenItems(1, datetime(2026, 11, 4, 9, tzinfo=UTC)),
        escalated=0,
        unreachable=None,
    )
    post = summary_post(team([unplanned, only_open], stuck_nudges=1), NOW)
    body = texts(post.blocks)
    assert post.text.startswith("Team summary, Wed 28 Oct – Tue 3 Nov: 1 interaction, ")
    assert "*1* interaction, *1* with an outcome logged: " in body
    assert "*Without a next step:* 2 interactions" in body
    assert "*Escalated by the nudges:* 1 item the reps did not act on" in body
    assert (
        "_1 morning nudge to these reps stopped while sending; the next sweep sends it once "
        "unless Slack has it._"
    ) in body
    lines = post.blocks[-1].text.text.splitlines()
    assert lines == [
        "*Bo* · 1 interaction · 0/1 planned · no plans · 1 lost · hit rate 0/1 (0%) · "
        "1 without a next step (oldest 1 day) · 1 escalated",
        "*Cy* · no interactions · no outcomes · 1 without a next step (oldest under a day)",
    ]
    assert "1 items" not in body and "1 reps" not in body
