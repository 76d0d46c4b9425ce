"""The Team section of the App Home for whoever opens it: the reps in their scope (the
summaries they own; an admin, everyone), read and rendered; None for a rep, who has no team
view."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from app.domain import summaries, team
from app.domain.summaries import Role
from app.slack.services import Requester
from app.slack.views.team_home import team_section


def resolved_scope(client: WebClient, requester: Requester, role: Role) -> team.TeamScope:
    """Whom an admin or a manager may see, their summaries' user groups read from Slack now;
    raises team.NotATeamLead for a rep."""
    with requester.session() as session:
        scope = team.team_scope(session, requester.workspace, role, requester.user_id)
    members: list[str] = []
    for group in scope.usergroup_ids:
        members += client.usergroups_users_list(usergroup=group).get("users") or []
    return scope.with_members(members)


def scoped_reps(client: WebClient, requester: Requester, role: Role) -> list[str] | None:
    """The reps an admin or a manager may see; None for a rep."""
    try:
        scope = resolved_scope(client, requester, role)
    except team.NotATeamLead:
        return None
    if scope.everyone:
        with requester.session() as session:
            return team.workspace_reps(session, requester.workspace)
    return sorted(scope.rep_user_ids)


def team_home_section(
    client: WebClient, requester: Requester, role: Role, zone: str
) -> list[Block] | None:
    """The Team section's blocks, or None when the requester may see no team."""
    reps = scoped_reps(client, requester, role)
    if reps is None:
        return None
    with requester.session() as session:
        week = team.team_week(session, requester.workspace, reps, requester.now())
        owned = summaries.manageable_subscriptions(
            session, requester.workspace, role, requester.user_id
        )
    return team_section(week, owned, zone, everyone=role is Role.ADMIN)
