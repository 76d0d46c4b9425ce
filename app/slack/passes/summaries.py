"""Channel summaries, each posted once: the scheduled pass, "post now", the thread replies,
and stopping a summary whose channel is gone."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.db import session_scope
from app.domain import deliveries, nudges, summaries
from app.domain.summaries import Period, StuckSummary, Subscription
from app.models import DeliveryKind
from app.slack import delivery
from app.slack.installs import WorkspaceClients, workspace_clients
from app.slack.passes import claimed_pass
from app.slack.services import Services
from app.slack.views.formatting import plural
from app.slack.views.summary import SUMMARY_EVENT, summary_post
from app.slack.views.summary_setup import stopped_message

logger = logging.getLogger(__name__)

# Errors after which the summary's channel cannot take posts: the summary stops, its owner hears.
CHANNEL_LOST_ERRORS = frozenset({"channel_not_found", "is_archived", "not_in_channel"})
# A user group Slack no longer knows: the summary goes on with the reps chosen by name.
GROUP_GONE_ERRORS = frozenset({"no_such_subteam", "subteam_not_found"})
DEFAULT_APP_NAME = "Commitment Coach"
REPLY_RETRY_AFTER_MAX = 30  # seconds a thread reply may wait for a 429 before giving up


@dataclass(frozen=True)
class PostedSummary:
    """What became of one summary post."""

    subscription_id: int
    channel_id: str
    key: str
    reps: int = 0
    ts: str | None = None
    replies: int = 0
    failed_replies: int = 0
    error: str | None = None
    will_retry: bool = False
    stopped: bool = False  # the channel is gone: the summary is disabled, its owner told
    verified: bool = False  # an earlier post that timed out was found in the channel

    @property
    def sent(self) -> bool:
        return self.error is None


def claim_post_now(
    services: Services, subscription: Subscription, request_id: str
) -> deliveries.Claim | None:
    """The right to post the summary at once (see `summaries.claim_post_now`); None for a
    repeat of a request made moments ago, such as the second click of a double click, or for
    a replay of the request `request_id` (its trigger id)."""
    with session_scope(services.sessions) as session:
        return summaries.claim_post_now(session, subscription, services.now(), request_id)


def post_now(
    client: WebClient,
    services: Services,
    subscription: Subscription,
    claim: deliveries.Claim,
    rules: nudges.NudgeRules = nudges.DEFAULT_RULES,
    *,
    so_far: bool = False,
) -> PostedSummary:
    """Post the summary's latest complete period (or, `so_far`, today up to now) at once,
    outside its schedule (and not counted as the period's post), under a claim of
    `claim_post_now`."""
    now = services.now()
    period = (
        summaries.today_so_far(subscription.zone, now)
        if so_far
        else subscription.latest_period(now)
    )
    key = summaries.on_demand_key(subscription.id)
    return _post(client, services, subscription, period, key, claim, delivery.Pacer(0), rules)


def _post(
    client: WebClient,
    services: Services,
    subscription: Subscription,
    period: Period,
    key: str,
    claim: deliveries.Claim,
    pacer: delivery.Pacer,
    rules: nudges.NudgeRules,
) -> PostedSummary:
    """Post the claimed summary, then its thread replies; record what happened."""
    result = PostedSummary(subscription.id, subscription.channel_id, key)
    found = None
    if claimed_pass.was_uncertain(claim):
        found = _found_posted(client, services, claim, result)
        if found is not None and not found.sent:
            return found
    try:
        reps, notes = _scope(client, subscription)
        now = services.now()
        with session_scope(services.sessions) as session:
            summary = summaries.compute_summary(
                session, subscription.workspace, reps, period, now, rules
            )
        post = summary_post(summary, now, notes)
    except Exception as error:  # a claim must not stay "sending" for want of the figures
        logger.exception("could not compute summary %s", key)
        if found is not None:  # the message is there; only its thread replies are missing
            return found
        # Slack is called only for the user group's members here; the rest is the database.
        slack_error = isinstance(error, SlackApiError | OSError)
        code = f"usergroup: {_error_code(error)}" if slack_error else "figures"
        delivery.record_failed(services, claim, delivery.Posted(error=code))
        return replace(result, error=code, will_retry=True)
    if found is not None:  # found after a timeout: its replies were never posted
        failed = post_thread_replies(client, result.channel_id, found.ts, post.replies, pacer)
        return replace(
            found, reps=len(reps), replies=len(post.replies) - failed, failed_replies=failed
        )
    pacer.wait()
    posted = claimed_pass.post(
        client,
        services,
        claim,
        pacer,
        text=post.text,
        blocks=post.blocks,
        label=f"summary {key}",
        metadata={"event_type": SUMMARY_EVENT, "event_payload": {"key": key}},
    )
    result = replace(result, reps=len(reps))
    if not posted.sent:
        stopped = posted.error in CHANNEL_LOST_ERRORS
        if stopped and posted.error:
            _stop(client, services, subscription, posted.error, key)
        return replace(result, error=posted.error, will_retry=not posted.permanent, stopped=stopped)
    failed = post_thread_replies(client, subscription.channel_id, posted.ts, post.replies, pacer)
    return replace(result, ts=posted.ts, replies=len(post.replies) - failed, failed_replies=failed)


def _scope(client: WebClient, subscription: Subscription) -> tuple[list[str], list[str]]:
    """The reps of the summary now: those chosen by name and the user group's members."""
    reps = list(subscription.rep_user_ids)
    notes: list[str] = []
    if subscription.usergroup_id:
        try:
            members = client.usergroups_users_list(usergroup=subscription.usergroup_id)
            reps = list(dict.fromkeys([*reps, *(members.get("users") or [])]))
        except SlackApiError as error:
            if _error_code(error) not in GROUP_GONE_ERRORS:
                raise
            notes.append(
                "_The user group of this summary no longer exists: only the reps chosen by "
                "name are in it. Edit the summary to choose another._"
            )
    return reps, notes


def post_thread_replies(
    client: WebClient,
    channel: str,
    thread_ts: str | None,
    replies: list[tuple[str, list]],
    pacer: delivery.Pacer,
) -> int:
    """Post the per-rep thread replies; how many failed. The message itself went out, so a
    reply is tried twice at most (after a 429's Retry-After), never the whole summary again."""
    failed = 0
    for text, blocks in replies:
        for attempt in (1, 2):
            pacer.wait()
            try:
                client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, text=text, blocks=blocks
                )
                break
            except SlackApiError as error:
                wait = delivery.retry_after_seconds(error.response.headers)
                logger.warning("a summary thread reply failed: %s", _error_code(error))
                if attempt == 2 or wait is None or wait > REPLY_RETRY_AFTER_MAX:
                    failed += 1
                    break
                pacer.hold(wait)
            except OSError as error:  # not repeated: Slack may have posted it
                logger.warning("a summary thread reply failed: %s", error)
                failed += 1
                break
    return failed


def _found_posted(
    client: WebClient, services: Services, claim: deliveries.Claim, result: PostedSummary
) -> PostedSummary | None:
    """After a post that timed out, look for it in the channel before posting again: the
    result if it is there (now recorded as sent) or if Slack cannot tell (failed again)."""
    found = claimed_pass.found_delivered(
        services,
        claim,
        f"summary {result.key}",
        lambda: delivery.find_posted_message(
            client, result.channel_id, SUMMARY_EVENT, result.key, claim.claimed_at
        ),
    )
    if found is None:
        return None
    if found.message is None:
        return replace(result, error=claimed_pass.UNVERIFIED, will_retry=True)
    return replace(result, ts=found.ts, verified=True)


def _stop(
    client: WebClient, services: Services, subscription: Subscription, error: str, key: str
) -> None:
    """Disable a summary whose channel cannot take posts, and tell its owner once."""
    with session_scope(services.sessions) as session:
        summaries.disable_subscription(
            session, subscription.workspace, subscription.id, error, services.now()
        )
    text, blocks = stopped_message(subscription, error, app_name(client))
    delivery.send_once(
        client,
        services,
        subscription.workspace,
        kind=DeliveryKind.SUMMARY_STOPPED,
        key=key,
        channel=subscription.owner_user_id,
        text=text,
        blocks=blocks,
    )


def app_name(client: WebClient, bot_user_id: str | None = None) -> str:
    """The name people type after /invite @: the bot user's display name, as Slack has it."""
    try:
        user_id = bot_user_id or client.auth_test()["user_id"]
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, OSError, KeyError) as error:
        logger.info("could not read the app's name: %s", error)
        return DEFAULT_APP_NAME
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("name")
    return name or DEFAULT_APP_NAME


def _error_code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return str(error) or type(error).__name__


# ----- the scheduled pass


@dataclass
class SummaryPassReport(claimed_pass.PassReport):
    """What one pass did, for `coach summaries` to print and `coach worker` to log."""

    sent: list[PostedSummary] = field(default_factory=list)
    failed: list[PostedSummary] = field(default_factory=list)
    stuck: list[StuckSummary] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"summary pass at {self.now.isoformat()}: {len(self.sent)} sent, "
            f"{len(self.failed)} failed, {len(self.stuck)} stuck, "
            f"{self.claimed_elsewhere} claimed elsewhere, {self.deferred} deferred"
        )

    def lines(self) -> list[str]:
        lines = [self.summary()]
        for sent in self.sent:
            how = " (found posted after a timeout)" if sent.verified else ""
            parts = [f"{sent.reps} {plural(sent.reps, 'rep')}"]
            if sent.replies:
                parts.append(f"{sent.replies} thread {plural(sent.replies, 'reply', 'replies')}")
            if sent.failed_replies:
                unsent = sent.failed_replies
                parts.append(f"{unsent} {plural(unsent, 'reply', 'replies')} failed")
            lines.append(
                f"sent summary {sent.key} to {sent.channel_id}: {', '.join(parts)}, "
                f"ts {sent.ts}{how}"
            )
        for failed in self.failed:
            then = "will retry" if failed.will_retry else "given up"
            if failed.stopped:
                then = "summary stopped, its owner told"
            lines.append(
                f"failed summary {failed.key} to {failed.channel_id}: {failed.error} ({then})"
            )
        for stuck in self.stuck:
            lines.append(
                f"stuck summary {stuck.key} to {stuck.channel_id}: claimed "
                f"{stuck.claimed_at.isoformat()}, never finished; looked for before posting once"
            )
        return lines


def run_summary_pass(
    services: Services,
    client: WebClient | WorkspaceClients,
    now: datetime | None = None,
    *,
    rules: nudges.NudgeRules = nudges.DEFAULT_RULES,
    pacer: delivery.Pacer | delivery.Pacers | None = None,
    budget_seconds: float = 240.0,
    stop: threading.Event | None = None,
) -> SummaryPassReport:
    """One pass: post every summary whose time has come, once per (summary, period) however
    many passes run at the same time. With `now`, as if the clock read `now`. Each workspace
    posts with its own token and at its own pace, workspaces concurrently."""
    services, now, pacers = claimed_pass.on_clock(services, now, pacer)
    clients = workspace_clients(client, services)
    report = SummaryPassReport(now)
    with session_scope(services.sessions) as session:
        due = summaries.find_due(session, now)
    for stuck in due.stuck:
        logger.warning(
            "summary %s was claimed at %s and never finished posting; looking for it",
            stuck.key,
            stuck.claimed_at.isoformat(),
        )
    report.stuck = due.stuck

    def post_due(
        ws_client: WebClient, item, part: SummaryPassReport, ws_pacer: delivery.Pacer
    ) -> None:
        subscription = item.subscription
        claim = claimed_pass.claim(
            services,
            part,
            subscription.workspace,
            DeliveryKind.SUMMARY,
            item.key,
            subscription.channel_id,
            now,
        )
        if claim is None:
            return
        posted = _post(
            ws_client, services, subscription, item.period, item.key, claim, ws_pacer, rules
        )
        (part.sent if posted.sent else part.failed).append(posted)

    claimed_pass.send_by_workspace(
        due.due,
        lambda item: item.subscription.workspace,
        post_due,
        clients,
        pacers,
        report,
        budget_seconds,
        stop,
    )
    return report
