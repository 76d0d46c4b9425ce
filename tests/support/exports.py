"""Exports in tests: a team's interactions to export, asking for one, and reading the file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.domain.workspace import Workspace
from app.models import LostReason, Result
from tests.support.coach import Coach
from tests.support.factories import Seeder, add_outcome
from tests.support.summaries import GENERAL
from tests.support.workspace import NOW, REP_NY, REP_TOKYO


def seed_team_history(coach: Coach) -> None:
    """Dana (New York) won Acme and lost "=Globex" on price; Kenji (Tokyo) advanced Initech;
    and a call in another workspace that no export of this one may show."""
    with coach.services.sessions.begin() as session:
        seeder = Seeder(session, NOW)
        seeder.rep(REP_NY, "Dana Rep", "America/New_York")
        seeder.rep(REP_TOKYO, "Kenji Rep", "Asia/Tokyo")
        acme = seeder.call(REP_NY, NOW - timedelta(days=3), "Acme Corp", strong=True)
        seeder.outcome(acme, Result.WON)
        globex = seeder.call(
            REP_NY, NOW - timedelta(days=2), "=Globex", strong=False, gaps="stage_fit,fallback"
        )
        add_outcome(session, globex, Result.LOST, lost_reason=LostReason.PRICE)
        initech = seeder.call(REP_TOKYO, NOW - timedelta(days=1), "Initech")
        seeder.outcome(initech, Result.ADVANCED, next_step_at=NOW + timedelta(days=2))
        seeder.call(REP_NY, NOW - timedelta(days=1), "Elsewhere", workspace=Workspace("T0002"))


def ask_export(coach: Coach, user_id: str, text: str = "2026-11-01 2026-11-30"):
    """(the command's ack, what the app said after it through the response_url)."""
    hook = coach.slack.response_url(channel=GENERAL, user=user_id)
    answer = coach.slash("/coach", f"export {text}".strip(), user_id, response_url=hook).json()
    coach.settle()
    told = [call.args.get("text") for call in coach.slack.calls("response_url")]
    return answer, told


def exported_rows(coach: Coach, user_id: str) -> list[dict[str, str]]:
    """The rows of the last file shared in the user's DM."""
    shared = coach.slack.shared_files(user_id)
    assert shared, "no file was shared"
    content = shared[-1].content or b""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
