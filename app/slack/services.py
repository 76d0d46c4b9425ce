"""What every listener gets from the app besides Slack's own arguments."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from app.db import session_scope
from app.domain.calendar import CalendarSetup
from app.domain.workspace import Workspace
from app.models import utcnow
from app.slack.debounce import Debouncer, TimerScheduler

# A burst of changes (a plan saved, its confirmation's buttons...) republishes the Home once.
HOME_DEBOUNCE_SECONDS = 2.0

# Context keys the app's middleware sets; Bolt passes them to any listener naming them.
SERVICES_KEY = "services"
WORKSPACE_KEY = "workspace"
REQUESTER_KEY = "requester"


@dataclass
class Services:
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = utcnow
    calendars: CalendarSetup = field(default_factory=CalendarSetup)
    # The App Home's republishing, per rep (app/slack/home.py).
    home_publishes: Debouncer = field(
        default_factory=lambda: Debouncer(TimerScheduler(), HOME_DEBOUNCE_SECONDS)
    )

    def now(self) -> datetime:
        return self.clock()

    def session(self) -> AbstractContextManager[Session]:
        """One transaction (see app.db.session_scope)."""
        return session_scope(self.sessions)


class Requester(NamedTuple):
    """What a listener starts from: its services, and the workspace and user of the request."""

    services: Services
    workspace: Workspace
    user_id: str

    def now(self) -> datetime:
        return self.services.now()

    def session(self) -> AbstractContextManager[Session]:
        """One transaction on the app's database: committed at the end, rolled back on error."""
        return self.services.session()
