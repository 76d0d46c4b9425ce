"""Read-backs that redraw an open form must not wipe the errors of a submission made meanwhile.

Slack shows field errors only until the next views.update of the view, and a submission's errors
leave the view's hash as it was, so the hash alone cannot tell a read-back that it is late. Each
refused submission is counted (form_refusals); a read-back notes the count when it starts and
drops its update when the count has moved.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from app.domain import form_refusals
from app.domain.workspace import Workspace
from app.slack.services import Services

logger = logging.getLogger(__name__)


def refusals_so_far(services: Services, workspace: Workspace, view: dict) -> int | None:
    """The count a read-back starts from (None when the database cannot say)."""
    try:
        with services.session() as session:
            return form_refusals.refusals(session, workspace, view["id"])
    except SQLAlchemyError as error:
        logger.warning("refusals of view %s unknown: %s", view.get("id"), error)
        return None


def refused_since(services: Services, workspace: Workspace, view: dict, seen: int | None) -> bool:
    """Whether a submission of the view was refused after the read-back started."""
    return refusals_so_far(services, workspace, view) != seen


def note_refusal(services: Services, workspace: Workspace, view: dict) -> None:
    """Count a refused submission; before its ack, so a read-back under way sees it."""
    try:
        with services.session() as session:
            form_refusals.record_refusal(session, workspace, view["id"])
    except (
        SQLAlchemyError
    ) as error:  # the errors are still shown; only a late read-back may hide them
        logger.warning("refusal of view %s not counted: %s", view.get("id"), error)
