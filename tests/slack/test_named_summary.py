"""What a summary names for the manager to act on, posted at fixed clocks, for every period
choice of Post now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.workspace import Workspace
from app.models import LostReason, NudgeItem, NudgeReason, Result, Stage
from tests.support.coach import Coach
from tests.support.factories import Seeder, add_outcome
from tests.support.summaries import MANAGER, TEAM, add_summary
from tests.support.workspace import NOW, REP_NY, REP_TOKYO

WORKSPACE = Workspace("T0001")


def seed(coach: Coach) -> None:
    """As of Thursday 26 November, 10:00 in New York: Dana has seven calls with no outcome
    (one to eight days old), lost "<Globex>" yesterday on a competitor, a weak plan yesterday
    and won Acme this morning, and meets Hooli this afternoon with no plan; Kenji's Umbrella
    call was escalated by the nudges, and Initech agreed to sign the NDA by this evening."""
    with coach.services.sessions.begin() as session:
        seeder = Seeder(session, NOW)
        seeder.rep(REP_NY, "Dana Rep", "America/New_York")
        seeder.rep(REP_TOKYO, "Kenji <Rep>", "Asia/Tokyo")
        for days in range(1, 8):
            seeder.call(REP_NY, NOW - timedelta(days=days, hours=1), f"Account {days}")
        lost = seeder.call(REP_NY, NOW - timedelta(hours=20), "<Globex>")
        add_outcome(session, lost, Result.LOST, lost_reason=LostReason.COMPETITOR)
        weak = seeder.call(
            REP_NY, NOW - timedelta(hours=22), "Pied Piper", strong=False, gaps="stage_fit,fallback"
        )
        weak.stage = Stage.DEMO
        seeder.outcome(weak, Result.CONTINUATION)
        seeder.outcome(seeder.call(REP_NY, NOW - timedelta(hours=2), "Acme"), Result.WON)
        seeder.call(REP_NY, NOW + timedelta(hours=4), "Hooli")
        umbrella = seeder.call(REP_TOKYO, NOW - timedelta(days=3), "Umbrella")
        session.add(
            NudgeItem(
                **WORKSPACE.columns,
                rep_user_id=REP_TOKYO,
                interaction_id=umbrella.id,
                reason=NudgeReason.NO_OUTCOME,
                times_shown=2,
                escalated_at=NOW - timedelta(days=1),
            )
        )
        initech = seeder.call(REP_TOKYO, NOW - timedelta(hours=18), "Initech")
        add_outcome(
            session,
            initech,
            Result.ADVANCED,
            NOW + timedelta(hours=8),
            next_step="Initech signs the NDA",
        )


def post(coach: Coach, words: str) -> str:
    before = len(coach.slack.messages(TEAM))
    coach.slash("/coach", f"summary {words}", MANAGER)
    coach.settle()
    message = coach.slack.messages(TEAM)[before]
    return "\n".join(
        block.get("text", {}).get("text", "")
        or " ".join(e.get("text", "") for e in block.get("elements", []))
        for block in message.blocks
    )


def lines_after(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(heading))
    rest = []
    for line in lines[start + 1 :]:
        if not (line.startswith("• ") or line.startswith("and ")):
            break
        rest.append(line)
    return rest


@pytest.fixture
def seeded(team: Coach) -> Coach:
    seed(team)
    add_summary(team)
    return team


def test_the_last_complete_day_names_reps_accounts_and_ages_oldest_first(seeded: Coach) -> None:
    text = post(seeded, "now")
    assert text.startswith("Team summary: Wed 25 Nov, the last complete day")
    escalated = lines_after(text, "*Escalated by the nudges:* 1 item")
    assert escalated == [
        "• *Kenji &lt;Rep&gt;* · *Umbrella* · no outcome logged · 3 days old "
        f"(<!date^{int((NOW - timedelta(days=3)).timestamp())}^{{date_short}}|Mon 23 Nov 2026, "
        "10:00 AM EST>)"
    ]
    # Dana's seven calls with no outcome and the Pied Piper continuation, with Kenji's.
    without = lines_after(text, "*Without a next step:* 9 interactions")
    assert "; 8 not escalated" in text
    assert [line.split(" · ")[1] for line in without[:5]] == [
        f"*Account {days}*" for days in (7, 6, 5, 4, 3)
    ]
    assert without[0].startswith("• *Dana Rep* · *Account 7* · no outcome logged · 7 days old")
    assert without[-1] == "and 3 more"
    assert lines_after(text, "*Lost:* 1 deal") == ["• *&lt;Globex&gt;* · *Dana Rep* · competitor"]
    due = lines_after(text, "*Customer commitments due in the next day:* 1")
    assert due[0].startswith(
        "• *Initech* (*Kenji &lt;Rep&gt;*) agreed to “Initech signs the NDA” by"
    )
    assert lines_after(text, "*Coming up in the next day with no plan yet:* 1")[0].startswith(
        "• *Dana Rep* · *Hooli* · call <!date^"
    )
    assert "Continuation: asks for the signature at the demo stage; no fallback at demo" in text
    assert "Customer follow-through: agreed next steps the customer did" in text


def test_today_so_far_covers_this_morning_only(seeded: Coach) -> None:
    text = post(seeded, "now today")
    assert text.startswith("Team summary: today so far, Thu 26 Nov")
    assert "*1* interaction, *1* with an outcome logged: 1 won" in text
    assert "*Lost:*" not in text  # yesterday's loss is not today's
    # What is open and what comes next do not depend on the period.
    assert "*Without a next step:* 9 interactions" in text


def test_a_weekly_summary_says_it_covers_the_last_complete_week(team: Coach) -> None:
    seed(team)
    add_summary(team, cadence="weekly", weekday=3)
    text = post(team, "now")
    assert text.startswith("Team summary: Thu 19 – Wed 25 Nov, the last complete week")
    assert "*Lost:* 1 deal" in text
    assert "*Customer commitments due in the next 7 days:* 1" in text
