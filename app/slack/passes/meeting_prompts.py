"""The prompts before and after the meetings of reps' calendars (app/domain/calendar/prompts.py):
who is due, then one paced DM each, claimed once, never while the rep is in Do Not Disturb."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.db import session_scope
from app.domain import nudges
from app.domain.calendar.prompts import DuePrompt, find_due_prompts
from app.domain.nudges import ItemKey
from app.models import DeliveryKind, NudgeReason
from app.slack import delivery
from app.slack.installs import WorkspaceClients, workspace_clients
from app.slack.passes import claimed_pass
from app.slack.services import Services
from app.slack.views.meeting_prompts import MEETING_PROMPT_EVENT, prompt_message

logger = logging.getLogger(__name__)

KIND_WORDS = {DeliveryKind.MEETING_BEFORE: "before", DeliveryKind.MEETING_AFTER: "after"}


@dataclass(frozen=True)
class SentPrompt:
    user_id: str
    kind: DeliveryKind
    interaction_id: int
    account_name: str
    ts: str | None


@dataclass
class MeetingPromptReport(claimed_pass.PassReport):
    sent: list[SentPrompt] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (user, error)
    in_dnd: int = 0  # left for a pass after the rep's Do Not Disturb

    def summary(self) -> str:
        return (
            f"meeting prompts at {self.now.isoformat()}: {len(self.sent)} sent, "
            f"{len(self.failed)} failed, {self.in_dnd} waiting for Do Not Disturb to end, "
            f"{self.claimed_elsewhere} claimed elsewhere, {self.deferred} deferred"
        )

    def lines(self) -> list[str]:
        lines = [self.summary()]
        for sent in self.sent:
            lines.append(
                f"prompted {sent.user_id} {KIND_WORDS[sent.kind]} the meeting with "
                f"{sent.account_name} (interaction {sent.interaction_id}), ts {sent.ts}"
            )
        for user_id, error in self.failed:
            lines.append(f"failed {user_id}: {error}")
        return lines


def run_meeting_prompts(
    services: Services,
    client: WebClient | WorkspaceClients,
    now: datetime | None = None,
    *,
    pacer: delivery.Pacer | delivery.Pacers | None = None,
    budget_seconds: float = 240.0,
    stop: threading.Event | None = None,
) -> MeetingPromptReport:
    """Send every prompt due at `now`, each once however many passes run at the same time."""
    services, now, pacers = claimed_pass.on_clock(services, now, pacer)
    clients = workspace_clients(client, services)
    report = MeetingPromptReport(now)
    with session_scope(services.sessions) as session:
        due = find_due_prompts(session, now)
    claimed_pass.send_by_workspace(
        due,
        lambda prompt: prompt.workspace,
        lambda ws_client, prompt, part, ws_pacer: _prompt(
            ws_client, services, prompt, part, ws_pacer
        ),
        clients,
        pacers,
        report,
        budget_seconds,
        stop,
    )
    return report


def in_do_not_disturb(client: WebClient, user_id: str, now: datetime) -> bool:
    """Whether Slack says the rep is in Do Not Disturb now (a snooze or their schedule). When
    Slack cannot say, the prompt goes: a reminder is better than a meeting without a plan."""
    try:
        answer = client.dnd_info(user=user_id)
    except (SlackApiError, OSError) as error:
        logger.info("dnd.info for %s failed: %s", user_id, error)
        return False
    if answer.get("snooze_enabled"):  # the rep snoozed notifications: Slack says so while it lasts
        return True
    start, end = answer.get("next_dnd_start_ts") or 0, answer.get("next_dnd_end_ts") or 0
    moment = now.timestamp()
    return bool(answer.get("dnd_enabled")) and float(start) <= moment < float(end)


def _prompt(
    client: WebClient,
    services: Services,
    prompt: DuePrompt,
    report: MeetingPromptReport,
    pacer: delivery.Pacer,
) -> None:
    now = services.now()
    pacer.wait()
    if in_do_not_disturb(client, prompt.user_id, now):
        report.in_dnd += 1
        return
    claim = claimed_pass.claim(
        services, report, prompt.workspace, prompt.kind, prompt.delivery_key, prompt.user_id, now
    )
    if claim is None:
        return
    text, blocks = prompt_message(prompt)
    # Seen once already: the next morning's nudge lists it as a second showing, not as new.
    reason = (
        NudgeReason.UNPLANNED_TODAY
        if prompt.kind is DeliveryKind.MEETING_BEFORE
        else NudgeReason.NO_OUTCOME
    )
    shown = [ItemKey(prompt.interaction_id, reason)]
    posted = claimed_pass.post(
        client,
        services,
        claim,
        pacer,
        text=text,
        blocks=blocks,
        label=f"meeting prompt {prompt.kind.value} {prompt.delivery_key}",
        metadata={
            "event_type": MEETING_PROMPT_EVENT,
            "event_payload": {"kind": prompt.kind.value, "key": prompt.delivery_key},
        },
        on_sent=lambda session: nudges.record_shown(
            session, prompt.workspace, prompt.user_id, shown, prompt.local_date, services.now()
        ),
    )
    if posted.sent:
        report.sent.append(
            SentPrompt(
                prompt.user_id, prompt.kind, prompt.interaction_id, prompt.account_name, posted.ts
            )
        )
    else:
        report.failed.append((prompt.user_id, posted.error or "unknown"))
