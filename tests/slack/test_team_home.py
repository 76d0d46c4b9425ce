"""The Team section of the App Home: a manager sees the reps of their summaries, an admin every
rep, a rep no team at all; its buttons post a summary, open its settings and export."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient

from app.domain.summaries import Role
from app.models import Result
from app.sandbox.limits import validate_view
from app.slack.flows.team_home import team_home_section
from app.slack.services import Requester
from app.slack.views.company_domains import DomainIds
from app.slack.views.export import ExportIds
from app.slack.views.summary_setup import SummaryListIds
from tests.support.coach import Coach
from tests.support.factories import WORKSPACE, Seeder
from tests.support.home import home_text, open_home
from tests.support.summaries import ADMIN, MANAGER, OTHER_MANAGER, TEAM, add_summary
from tests.support.workspace import NOW, REP_NY, REP_TOKYO

ZONE = "America/New_York"


def seed(coach: Coach) -> None:
    with coach.services.sessions.begin() as session:
        seeder = Seeder(session, NOW)
        seeder.rep(REP_NY, "Dana <Rep>", ZONE)
        seeder.rep(REP_TOKYO, "Kenji Rep", "Asia/Tokyo")
        won = seeder.call(
            REP_NY, NOW - timedelta(days=2), "Acme", strong=True, planned_at=NOW - timedelta(days=3)
        )
        seeder.outcome(won, Result.WON)
        seeder.call(REP_NY, NOW + timedelta(days=1), "Hooli")  # no plan yet
        seeder.call(REP_TOKYO, NOW - timedelta(days=1), "Initech")  # no outcome: open


def section(coach: Coach, user_id: str, role) -> list[dict] | None:
    client = WebClient(token=coach.slack.bot_token, base_url=coach.slack.api_url)
    blocks = team_home_section(client, Requester(coach.services, WORKSPACE, user_id), role, ZONE)
    return None if blocks is None else [block.to_dict() for block in blocks]


def text(blocks: list[dict]) -> str:
    return str(blocks)


def test_a_manager_sees_the_reps_of_their_summaries_with_their_week(team: Coach) -> None:
    seed(team)
    mine = add_summary(team, owner=MANAGER, rep_user_ids=(REP_NY,))
    add_summary(team, owner=OTHER_MANAGER, rep_user_ids=(REP_TOKYO,))
    blocks = section(team, MANAGER, Role.MANAGER)
    assert blocks is not None
    assert validate_view({"type": "home", "blocks": blocks}) == []
    shown = text(blocks)
    assert "*Dana &lt;Rep&gt;* · 1 meeting · planned 1/1 (100%) · strong 1/1 (100%)" in shown
    assert "hit rate 1/1 (100%)" in shown
    assert "Kenji" not in shown and "Initech" not in shown  # another manager's rep
    assert "*Coming up in the next 7 days with no plan yet*" in shown and "*Hooli*" in shown
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (SummaryListIds.POST_NOW, str(mine)),
        (SummaryListIds.POST_TODAY, str(mine)),
        (SummaryListIds.EDIT, str(mine)),
        (ExportIds.EXPORT, "all"),
    ]


def test_an_admin_sees_every_rep_and_a_rep_sees_no_team(team: Coach) -> None:
    seed(team)
    shown = text(section(team, ADMIN, Role.ADMIN) or [])
    assert "Dana &lt;Rep&gt;" in shown and "*Kenji Rep* · 1 meeting" in shown
    assert "1 open" in shown  # Initech has no outcome
    assert section(team, REP_NY, Role.NONE) is None

    # An admin's section also opens the company's email domains; a manager's does not.
    def actions(blocks):
        return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]

    assert DomainIds.OPEN in actions(section(team, ADMIN, Role.ADMIN) or [])
    assert DomainIds.OPEN not in actions(section(team, MANAGER, Role.MANAGER) or [])


def test_the_sections_buttons_work_from_the_home(team: Coach) -> None:
    seed(team)
    mine = add_summary(team, owner=MANAGER, rep_user_ids=(REP_NY,))
    home = {"id": "V0HOME", "type": "home"}
    post_now = {"action_id": SummaryListIds.POST_TODAY, "value": str(mine), "type": "button"}
    team.act_in_view(home, post_now, MANAGER)
    team.settle()
    (posted,) = team.slack.messages(TEAM)
    assert posted.blocks[0]["text"]["text"].startswith("Team summary: today so far, Thu 26 Nov")
    settings = {"action_id": SummaryListIds.EDIT, "value": str(mine), "type": "button"}
    team.act_in_view(home, settings, MANAGER)
    team.settle()
    assert team.slack.calls("views.open")[-1].args["view"]["title"]["text"] == "Edit summary"
    # Another manager's crafted click on this summary is refused.
    team.act_in_view(home, post_now, OTHER_MANAGER)
    team.settle()
    assert len(team.slack.messages(TEAM)) == 1


def test_the_published_home_carries_the_team_section_for_a_manager_only(team: Coach) -> None:
    seed(team)
    add_summary(team, owner=MANAGER, rep_user_ids=(REP_NY,))
    manager_home = open_home(team, MANAGER)
    assert validate_view(manager_home) == []
    assert "Dana &lt;Rep&gt;" in home_text(manager_home)
    rep_home = open_home(team, REP_NY)
    assert "Dana &lt;Rep&gt;" not in home_text(rep_home)
    exports = [
        e
        for b in rep_home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == ExportIds.EXPORT
    ]
    assert len(exports) == 1  # a rep exports their own data from the Home
