"""The prompts before and after imported meetings: who is due one now, then one paced DM
each, once per meeting and kind however many passes run at the same time."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.db import session_scope
from app.domain import deliveries, nudges
from app.domain.calendar import prompts
from app.domain.calendar.prompts import DuePrompt
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.installs import WorkspaceClients, workspace_clients
from app.slack.passes import claimed_pass
from app.slack.services import Services
from app.slack.views.meeting_prompts import MEETING_PROMPT_EVENT, meeting_prompt_message

logger = logging.getLogger(__name__)

_LABEL = {DeliveryKind.MEETING_BEFORE: "before", DeliveryKind.MEETING_AFTER: "after"}


@dataclass(frozen=True)
class SentPrompt:
    user_id: str
    kind: DeliveryKind
    interaction_id: int
    ts: str | None
    verified: bool = False  # an earlier, uncertain send turned out to have arrived


@dataclass(frozen=True)
class FailedPrompt:
    user_id: str
    kind: DeliveryKind
    interaction_id: int
    error: str
    will_retry: bool


@dataclass
class MeetingPromptReport(claimed_pass.PassReport):
    """What one prompt pass did, for `coach calendars` to print and `coach worker` to log."""

    sent: list[SentPrompt] = field(default_factory=list)
    failed: list[FailedPrompt] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (user, reason)
    in_dnd: int = 0  # the rep was in Do Not Disturb: not claimed, the next pass asks again

    def summary(self) -> str:
        return (
            f"meeting prompts at {self.now.isoformat()}: {len(self.sent)} sent, "
            f"{len(self.failed)} failed, {len(self.unreachable)} unreachable, "
            f"{self.in_dnd} in Do Not Disturb, "
            f"{self.claimed_elsewhere} claimed elsewhere, {self.deferred} deferred"
        )

    def lines(self) -> list[str]:
        lines = [self.summary()]
        for sent in self.sent:
            how = " (found delivered after a timeout)" if sent.verified else ""
            lines.append(
                f"sent {sent.user_id} {_LABEL[sent.kind]} interaction {sent.interaction_id}: "
                f"ts {sent.ts}{how}"
            )
        for failed in self.failed:
            retry = "will retry" if failed.will_retry else "given up"
            lines.append(
                f"failed {failed.user_id} {_LABEL[failed.kind]} interaction "
                f"{failed.interaction_id}: {failed.error} ({retry})"
            )
        for user_id, reason in self.unreachable:
            lines.append(f"unreachable {user_id}: {reason}")
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
    """One pass: every prompt due now (see app/domain/calendar/prompts.py), sent once each,
    each workspace's DMs with its own token and at its own pace (as the nudge sweep)."""
    services, now, pacers = claimed_pass.on_clock(services, now, pacer)
    clients = workspace_clients(client, services)
    report = MeetingPromptReport(now)
    with session_scope(services.sessions) as session:
        due = prompts.find_due(session, now)
    in_dnd = DoNotDisturb(due)
    claimed_pass.send_by_workspace(
        due,
        lambda prompt: prompt.workspace,
        lambda ws_client, prompt, part, ws_pacer: _prompt(
            ws_client, services, prompt, part, ws_pacer, in_dnd
        ),
        clients,
        pacers,
        report,
        budget_seconds,
        stop,
    )
    return report


# dnd.teamInfo tells up to 50 users' Do Not Disturb in one call (Tier 2, 20+ a minute): 1,000
# prompts at one minute take 20 calls, where dnd.info (Tier 3, 50+ a minute) would take 1,000.
DND_USERS_PER_CALL = 50


class DoNotDisturb:
    """Whose notifications are paused now, asked of Slack in batches of the pass's reps, once
    a pass; anyone Slack will not tell about (an install from before the dnd:read scope, an
    outage) is taken as not in Do Not Disturb: a prompt is better than none."""

    def __init__(self, due: list[DuePrompt]) -> None:
        self._waiting: dict[str, list[str]] = {}
        for prompt in due:
            users = self._waiting.setdefault(prompt.workspace.team_id, [])
            if prompt.user_id not in users:
                users.append(prompt.user_id)
        self._known: dict[tuple[str, str], bool] = {}
        self._lock = threading.Lock()

    def __call__(self, client: WebClient, prompt: DuePrompt) -> bool:
        team_id, user_id = prompt.workspace.team_id, prompt.user_id
        with self._lock:
            if (team_id, user_id) in self._known:
                return self._known[team_id, user_id]
            waiting = self._waiting.get(team_id, [])
            batch = [user_id] + [u for u in waiting if u != user_id][: DND_USERS_PER_CALL - 1]
            self._waiting[team_id] = [u for u in waiting if u not in batch]
        paused = _paused(client, batch)
        with self._lock:
            self._known.update({(team_id, user): user in paused for user in batch})
            return self._known[team_id, user_id]


def _paused(client: WebClient, users: list[str]) -> set[str]:
    try:
        answer = client.dnd_teamInfo(users=",".join(users))
    except SlackApiError as error:
        logger.info("dnd.teamInfo failed: %s", error.response.get("error"))
        return set()
    except OSError as error:
        logger.info("dnd.teamInfo failed: %s", error)
        return set()
    wall = time.time()  # Slack's answer is about the real present, whatever the pass's clock
    return {
        user
        for user, dnd in (answer.get("users") or {}).items()
        if isinstance(dnd, dict)
        and dnd.get("dnd_enabled")
        and (dnd.get("next_dnd_start_ts") or 0) <= wall < (dnd.get("next_dnd_end_ts") or 0)
    }


def _prompt(
    client: WebClient,
    services: Services,
    prompt: DuePrompt,
    report: MeetingPromptReport,
    pacer: delivery.Pacer,
    in_dnd: DoNotDisturb,
) -> None:
    """Unless the rep is in Do Not Disturb, claim the prompt, then send it (or find it sent)."""
    if in_dnd(client, prompt):
        report.in_dnd += 1
        return
    # Paced before claiming: a claim waiting in "sending" would be lost if the process died.
    pacer.wait()
    now = services.now()
    claim = claimed_pass.claim(
        services,
        report,
        prompt.workspace,
        prompt.kind,
        prompt.delivery_key,
        prompt.user_id,
        now,
    )
    if claim is None:
        return
    if claimed_pass.was_uncertain(claim) and _found_delivered(
        client, services, prompt, claim, report
    ):
        return
    text, blocks = meeting_prompt_message(prompt, now)
    posted = claimed_pass.post(
        client,
        services,
        claim,
        pacer,
        text=text,
        blocks=blocks,
        label=f"{prompt.kind} prompt {prompt.delivery_key}",
        metadata={"event_type": MEETING_PROMPT_EVENT, "event_payload": _payload(prompt)},
        on_sent=lambda session: _record_asked(session, services, prompt),
    )
    if posted.sent:
        report.sent.append(
            SentPrompt(prompt.user_id, prompt.kind, prompt.interaction_id, posted.ts)
        )
        return
    report.failed.append(
        FailedPrompt(
            prompt.user_id,
            prompt.kind,
            prompt.interaction_id,
            posted.error or "unknown",
            will_retry=not posted.permanent,
        )
    )
    if reason := claimed_pass.stop_if_unreachable(
        services, prompt.workspace, prompt.user_id, posted
    ):
        report.unreachable.append((prompt.user_id, reason))


def _payload(prompt: DuePrompt) -> dict:
    # The key alone would match the other kind's prompt for the same meeting.
    return {"key": f"{prompt.kind}:{prompt.delivery_key}", "item": str(prompt.item.key)}


def _record_asked(session, services: Services, prompt: DuePrompt) -> None:
    """The prompt counts as one showing of its nudge item: the next morning's DM does not
    show it as new (see docs/calendar.md)."""
    nudges.record_shown(
        session,
        prompt.workspace,
        prompt.user_id,
        [prompt.item.key],
        prompt.local_date,
        services.now(),
    )


def _found_delivered(
    client: WebClient,
    services: Services,
    prompt: DuePrompt,
    claim: deliveries.Claim,
    report: MeetingPromptReport,
) -> bool:
    """After an uncertain send, look for the prompt before sending again (see the sweep's)."""
    key = _payload(prompt)["key"]
    found = claimed_pass.found_delivered(
        services,
        claim,
        key,
        lambda: delivery.find_posted_dm(
            client, prompt.user_id, MEETING_PROMPT_EVENT, key, claim.claimed_at
        ),
        lambda _message: lambda session: _record_asked(session, services, prompt),
    )
    if found is None:
        return False
    if found.message is None:
        report.failed.append(
            FailedPrompt(
                prompt.user_id, prompt.kind, prompt.interaction_id, claimed_pass.UNVERIFIED, True
            )
        )
        return True
    report.sent.append(
        SentPrompt(prompt.user_id, prompt.kind, prompt.interaction_id, found.ts, verified=True)
    )
    return True
