"""The Slack workspace a request or a row belongs to: the key of every query."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workspace:
    team_id: str
    enterprise_id: str | None = None

    @property
    def columns(self) -> dict[str, str | None]:
        """The scoping columns, ready to be passed to a model or an insert."""
        return {"team_id": self.team_id, "enterprise_id": self.enterprise_id}
