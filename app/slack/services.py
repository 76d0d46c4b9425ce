"""What every listener gets from the app besides Slack's own arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from slack_bolt import BoltContext
from sqlalchemy.orm import Session, sessionmaker

from app.domain.workspace import Workspace
from app.models import utcnow

SERVICES_KEY = "services"


@dataclass
class Services:
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = utcnow

    def now(self) -> datetime:
        return self.clock()


def services_of(context: BoltContext) -> Services:
    return context[SERVICES_KEY]


def workspace_of(context: BoltContext, body: dict) -> Workspace:
    """The workspace a request comes from (the user's own team on Enterprise Grid)."""
    user = body.get("user") or {}
    team_id = context.team_id or user.get("team_id") or body.get("team_id")
    return Workspace(team_id=team_id, enterprise_id=context.enterprise_id)


class Requester(NamedTuple):
    """What a listener starts from: its services, and the workspace and user of the request."""

    services: Services
    workspace: Workspace
    user_id: str


def requester(context: BoltContext, body: dict) -> Requester:
    """For a slash command's payload or an interaction's body alike."""
    user_id = (body.get("user") or {}).get("id") or body["user_id"]
    return Requester(services_of(context), workspace_of(context, body), user_id)
