"""Confirmation DMs that failed to send (Slack down, a 500, a timeout) sent again by the worker,
once: a plan's or an outcome's confirmation is claimed per revision like a nudge, and retried
like one, looking first for a send that may have arrived after all."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.db import session_scope
from app.domain import coaching, deliveries, reps
from app.domain.workspace import Workspace
from app.models import DeliveryKind, Interaction, Outcome
from app.slack import delivery
from app.slack.installs import WorkspaceClients, workspace_clients
from app.slack.passes import claimed_pass
from app.slack.services import Services
from app.slack.views.outcome_confirmation import outcome_confirmation
from app.slack.views.plan_confirmation import plan_confirmation

logger = logging.getLogger(__name__)

CONFIRMATION_KINDS = (DeliveryKind.PLAN_CONFIRMATION, DeliveryKind.OUTCOME_CONFIRMATION)
# A confirmation older than this is no longer news: left as it failed.
RETRY_FOR = timedelta(hours=12)
# The metadata every confirmation DM carries, by which an uncertain send is looked for.
CONFIRMATION_EVENT = "coach_confirmation"
SUPERSEDED = "superseded"  # the plan or outcome changed since: its own confirmation went


def confirmation_metadata(kind: DeliveryKind, key: str) -> dict:
    return {"event_type": CONFIRMATION_EVENT, "event_payload": {"key": f"{kind}:{key}"}}


@dataclass
class ConfirmationReport(claimed_pass.PassReport):
    sent: list[str] = field(default_factory=list)  # "kind key"
    failed: list[tuple[str, str]] = field(default_factory=list)  # ("kind key", error)

    def summary(self) -> str:
        return (
            f"confirmation retries at {self.now.isoformat()}: {len(self.sent)} sent, "
            f"{len(self.failed)} failed, {self.claimed_elsewhere} claimed elsewhere, "
            f"{self.deferred} deferred"
        )

    def lines(self) -> list[str]:
        return [
            self.summary(),
            *(f"sent {label}" for label in self.sent),
            *(f"failed {label}: {error}" for label, error in self.failed),
        ]


def run_confirmation_pass(
    services: Services,
    client: WebClient | WorkspaceClients,
    now: datetime | None = None,
    *,
    pacer: delivery.Pacer | delivery.Pacers | None = None,
    budget_seconds: float = 240.0,
    stop: threading.Event | None = None,
    **_rules: object,
) -> ConfirmationReport:
    """Send once each confirmation DM of the last RETRY_FOR hours whose send failed, each
    with its workspace's token and at its workspace's pace."""
    services, now, pacers = claimed_pass.on_clock(services, now, pacer)
    clients = workspace_clients(client, services)
    report = ConfirmationReport(now)
    with session_scope(services.sessions) as session:
        due = [
            (Workspace(row.team_id, row.enterprise_id), row.kind, row.key)
            for row in deliveries.failed_due(session, CONFIRMATION_KINDS, now, now - RETRY_FOR)
        ]
    claimed_pass.send_by_workspace(
        due,
        lambda item: item[0],
        lambda ws_client, item, part, ws_pacer: _retry(
            ws_client, services, item[0], DeliveryKind(item[1]), item[2], part, ws_pacer
        ),
        clients,
        pacers,
        report,
        budget_seconds,
        stop,
    )
    return report


def _retry(
    client: WebClient,
    services: Services,
    workspace: Workspace,
    kind: DeliveryKind,
    key: str,
    report: ConfirmationReport,
    pacer: delivery.Pacer,
) -> None:
    label = f"{kind} {key}"
    pacer.wait()
    with session_scope(services.sessions) as session:
        claim = deliveries.reclaim_failed(session, workspace, kind, key, services.now())
        message = _message(session, workspace, kind, key) if claim else None
    if claim is None:
        report.claimed_elsewhere += 1
        return
    if message is None:
        with session_scope(services.sessions) as session:
            deliveries.mark_failed(session, claim, SUPERSEDED, services.now(), give_up=True)
        return
    metadata = confirmation_metadata(kind, key)
    if claimed_pass.was_uncertain(claim):
        found = claimed_pass.found_delivered(
            services,
            claim,
            label,
            lambda: delivery.find_posted_dm(
                client,
                claim.recipient,
                CONFIRMATION_EVENT,
                metadata["event_payload"]["key"],
                claim.claimed_at,
            ),
        )
        if found is not None:
            if found.message is not None:
                report.sent.append(label)
            else:
                report.failed.append((label, claimed_pass.UNVERIFIED))
            return
    text, blocks = message
    posted = claimed_pass.post(
        client, services, claim, pacer, text=text, blocks=blocks, label=label, metadata=metadata
    )
    if posted.sent:
        report.sent.append(label)
    else:
        report.failed.append((label, posted.error or "unknown"))


def _message(
    session: Session, workspace: Workspace, kind: DeliveryKind, key: str
) -> tuple[str, list[Block]] | None:
    """The confirmation as it would have been sent; None when its plan or outcome has changed
    since (a later revision has a confirmation of its own) or is gone."""
    row_id, _, revision = key.partition(":")
    if not (row_id.isdecimal() and revision.isdecimal()):
        return None
    if kind is DeliveryKind.PLAN_CONFIRMATION:
        interaction = session.scalar(
            select(Interaction)
            .options(joinedload(Interaction.account))
            .where(Interaction.id == int(row_id), Interaction.team_id == workspace.team_id)
        )
        if interaction is None or interaction.revision != int(revision):
            return None
        review = coaching.review_objective(
            interaction.objective or "", interaction.stage, interaction.minimum_commitment
        )
        zone = _zone(session, workspace, interaction.rep_user_id)
        return plan_confirmation(interaction, review, zone, updated=interaction.revision > 1)
    outcome = session.scalar(
        select(Outcome)
        .options(joinedload(Outcome.interaction).joinedload(Interaction.account))
        .where(Outcome.id == int(row_id), Outcome.team_id == workspace.team_id)
    )
    if outcome is None or outcome.revision != int(revision):
        return None
    zone = _zone(session, workspace, outcome.rep_user_id)
    return outcome_confirmation(outcome.interaction, outcome, zone, updated=outcome.revision > 1)


def _zone(session: Session, workspace: Workspace, user_id: str) -> str:
    rep = reps.find_rep(session, workspace, user_id)
    return reps.usable_zone_name(rep.tz if rep else None)
