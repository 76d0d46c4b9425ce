"""Exporting interactions as a CSV file in the requester's DM: the scope they may see, the rows
streamed to a temporary file, and Slack's upload flow (files_upload_v2)."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from app.domain import export, team
from app.domain.export import ExportRange
from app.domain.summaries import Role
from app.slack.errors import NotAllowed
from app.slack.flows.team_home import resolved_scope
from app.slack.services import Requester
from app.slack.views import export as views

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


@dataclass(frozen=True)
class ExportRequest:
    period: ExportRange
    rep_user_id: str | None  # one rep only; None: everyone the requester may see


def read_request(words: list[str], requester: Requester, zone: str) -> ExportRequest | str:
    """`[from] [to] [@rep]`; the problem in words when it cannot be read."""
    rep = None
    dates = []
    for word in words:
        mention = _MENTION.match(word)
        if mention:
            rep = mention[1]
        else:
            dates.append(word)
    period = export.read_range(dates, requester.now(), zone)
    if isinstance(period, str):
        return period
    return ExportRequest(period, rep)


def rep_from_button(value: str | None) -> str | None:
    """The rep a button's value names ("all": none); a value that is neither is refused."""
    if not value or value == "all":
        return None
    if not _USER_ID.match(value):
        raise NotAllowed(views.NOT_YOUR_TEAM, title="Export")
    return value


def check_allowed(requester: Requester, role: Role, rep_user_id: str | None) -> None:
    """Refuse, before anything is read, a rep asking for another rep's data. (A manager's
    scope needs Slack for its user groups: it is checked in `deliver_export`.)"""
    if role is Role.NONE and rep_user_id not in (None, requester.user_id):
        raise NotAllowed(views.NOT_YOUR_TEAM, title="Export")


def _reps_in_scope(
    client: WebClient, requester: Requester, role: Role, rep_user_id: str | None
) -> tuple[list[str] | None, str] | None:
    """(the reps to export, None for the whole workspace; how to name them), or None when
    `rep_user_id` is beyond the requester's scope."""
    if role is Role.NONE:
        return [requester.user_id], "yours"
    scope = resolved_scope(client, requester, role)
    if rep_user_id is not None:
        if not scope.allows(rep_user_id) and rep_user_id != requester.user_id:
            return None
        return [rep_user_id], f"<@{rep_user_id}>"
    if scope.everyone:
        return None, "the workspace"
    return sorted(scope.rep_user_ids), "your team"


def deliver_export(
    client: WebClient,
    requester: Requester,
    role: Role,
    request: ExportRequest,
    tell: Callable[[str], None],
) -> None:
    """Write the CSV and share it in the requester's DM; `tell` says what became of it."""
    try:
        scoped = _reps_in_scope(client, requester, role, request.rep_user_id)
    except team.NotATeamLead:
        scoped = None
    if scoped is None:
        tell(views.NOT_YOUR_TEAM)
        return
    reps, whose = scoped
    with tempfile.NamedTemporaryFile("w+", suffix=".csv", newline="", encoding="utf-8") as out:
        with requester.session() as session:
            rows = export.export_rows(
                session, requester.workspace, reps, request.period, requester.now()
            )
            count = export.write_csv(rows, out)
        out.flush()
        if count == 0:
            tell(views.empty_text(request.period, whose))
            return
        try:
            dm = client.conversations_open(users=requester.user_id)["channel"]["id"]
            client.files_upload_v2(
                file=out.name,
                filename=views.file_name(request.period),
                title=views.file_name(request.period),
                channel=dm,
                initial_comment=views.delivered_comment(count, request.period, whose),
            )
        except SlackApiError as error:
            code = str(error.response.get("error") or error.response.status_code)
            logger.warning("an export upload failed: %s", code)
            rate_limited = error.response.status_code == 429 or code == "ratelimited"
            tell(views.RATE_LIMITED if rate_limited else views.failed_text(code))
        except (OSError, SlackRequestError) as error:  # the upload URL refused or timed out
            logger.warning("an export upload failed: %s", error)
            tell(views.failed_text("upload failed"))
