"""Who may do what with summaries: admins, the managers they name, everyone else."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.domain.summaries.managers import manager_ids
from app.domain.workspace import Workspace

if TYPE_CHECKING:
    from app.domain.summaries.subscriptions import Subscription


class Role(enum.Enum):
    ADMIN = "admin"  # a workspace admin or owner: names managers, manages every summary
    MANAGER = "manager"  # named by an admin: sets up summaries, manages their own
    NONE = "none"


@dataclass(frozen=True)
class Person:
    """What Slack says about the user behind a request."""

    user_id: str
    is_admin: bool  # a workspace admin or owner
    in_workspace: bool  # a member of the request's workspace, not someone from another one
    zone: str | None = None


def role_of(session: Session, workspace: Workspace, person: Person) -> Role:
    if not person.in_workspace:
        return Role.NONE
    if person.is_admin:
        return Role.ADMIN
    return Role.MANAGER if person.user_id in manager_ids(session, workspace) else Role.NONE


def may_set_up_summaries(role: Role) -> bool:
    return role in (Role.ADMIN, Role.MANAGER)


def may_manage(role: Role, user_id: str, subscription: Subscription) -> bool:
    """Admins manage every summary of the workspace; a manager, those they set up."""
    if role is Role.ADMIN:
        return True
    return role is Role.MANAGER and subscription.owner_user_id == user_id
