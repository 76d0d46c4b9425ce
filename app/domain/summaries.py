"""Channel summaries for managers: who may set them up, when they are due, and their figures."""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, column, delete, func, or_, select, update, values
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain import deliveries, nudges
from app.domain.checks import FieldErrors, refuse_unsavable
from app.domain.coaching import Criterion
from app.domain.metrics import Metrics, metrics_by_rep, team_total
from app.domain.reps import usable_zone_name
from app.domain.workspace import Workspace
from app.models import (
    Account,
    Delivery,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    Manager,
    NudgeItem,
    Outcome,
    Rep,
    Result,
    SummaryCadence,
    SummarySubscription,
)

# A post missed at its time (or failing) is still made this long after it; then it is stale.
LATE_POST_GRACE = timedelta(days=1)
SUMMARY = "summary"  # the deliveries' kind: one claim per (summary, period), one for "post now"
# "Post now" again within this long of the summary's last one is the same request (a double
# click): it posts nothing more. A deliberate click after it posts again.
POST_NOW_REPEAT = timedelta(seconds=10)
MAX_WEAKEST = 3
DAYS_IN_PERIOD = {SummaryCadence.DAILY: 1, SummaryCadence.WEEKLY: 7}
DEFAULT_MINUTE = 8 * 60
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_CRITERIA = {criterion.value: criterion for criterion in Criterion}


# ----- who may do what


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


# ----- managers


def manager_ids(session: Session, workspace: Workspace) -> list[str]:
    return list(
        session.scalars(
            select(Manager.user_id)
            .where(Manager.team_id == workspace.team_id)
            .order_by(Manager.created_at, Manager.id)
        )
    )


def set_managers(
    session: Session,
    workspace: Workspace,
    user_ids: Iterable[str],
    added_by: str,
    now: datetime,
) -> tuple[list[str], list[str]]:
    """Make `user_ids` the workspace's managers; the ones added and the ones removed.

    Safe when two admins save at once: each add is an insert that ignores an existing row.
    """
    wanted = list(dict.fromkeys(user_ids))
    current = manager_ids(session, workspace)
    removed = [user_id for user_id in current if user_id not in wanted]
    added = []
    for user_id in wanted:
        row = {"user_id": user_id, "added_by": added_by, "created_at": now, "updated_at": now}
        if insert_unless_exists(
            session, Manager, {**workspace.columns, **row}, ("team_id", "user_id")
        ):
            added.append(user_id)
    if removed:
        session.execute(
            delete(Manager).where(
                Manager.team_id == workspace.team_id, Manager.user_id.in_(removed)
            )
        )
    return added, removed


# ----- summaries and their settings


@dataclass(frozen=True)
class SummarySettings:
    """Where a summary goes, whose interactions it covers, and when (in `zone`)."""

    channel_id: str
    rep_user_ids: tuple[str, ...]
    usergroup_id: str | None
    cadence: SummaryCadence
    weekday: int | None
    minute: int
    zone: str

    @property
    def settings(self) -> SummarySettings:
        return SummarySettings(**{f.name: getattr(self, f.name) for f in fields(SummarySettings)})


@dataclass(frozen=True)
class Subscription(SummarySettings):
    """A summary as set up, and who set it up."""

    id: int
    workspace: Workspace
    owner_user_id: str
    enabled: bool
    disabled_reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: SummarySubscription) -> Subscription:
        return cls(
            id=row.id,
            workspace=Workspace(row.team_id, row.enterprise_id),
            owner_user_id=row.owner_user_id,
            channel_id=row.channel_id,
            rep_user_ids=tuple(row.rep_user_ids.split()),
            usergroup_id=row.usergroup_id,
            cadence=row.cadence,
            weekday=row.weekday,
            minute=row.minute,
            zone=row.zone,
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
        )

    def posts_on(self, local_date: date) -> bool:
        return self.cadence is SummaryCadence.DAILY or local_date.weekday() == self.weekday

    def scheduled_at(self, local_date: date) -> datetime:
        hour, minute = divmod(self.minute, 60)
        return datetime.combine(local_date, time(hour, minute), ZoneInfo(self.zone))

    def occurrence_due(self, now: datetime) -> date | None:
        """The local day whose post is due at `now`: from its time for a day (LATE_POST_GRACE),
        so a post missed while no pass ran, or failing, still goes out, unless another is due.
        """
        today = now.astimezone(ZoneInfo(self.zone)).date()
        for local_date in (today, today - timedelta(days=1)):
            scheduled = self.scheduled_at(local_date)
            if self.posts_on(local_date) and scheduled <= now:
                fresh = now < scheduled + LATE_POST_GRACE and self.created_at <= scheduled
                return local_date if fresh else None
        return None

    def latest_period(self, now: datetime) -> Period:
        """The last complete day or week, as of `now` in the summary's zone."""
        return period_before(self.cadence, self.zone, now.astimezone(ZoneInfo(self.zone)).date())


class SummaryField(enum.StrEnum):
    CHANNEL = "channel"
    REPS = "reps"
    CADENCE = "cadence"
    WEEKDAY = "weekday"
    TIME = "time"


@dataclass(frozen=True)
class SummaryForm:
    """The summary modal as submitted: raw values."""

    channel_id: str | None
    rep_user_ids: tuple[str, ...]
    usergroup_id: str | None
    cadence: str | None
    weekday: str | None
    time: str | None


REPS_NEEDED = "Choose the reps of this summary, a user group, or both."


def check_summary_form(form: SummaryForm, zone: str) -> SummarySettings | FieldErrors[SummaryField]:
    """The settings, or what to fix, field by field (the channel is checked with Slack)."""
    errors: FieldErrors[SummaryField] = FieldErrors()
    # Slack's choices send ids, but a forged payload's text must not reach the database.
    refuse_unsavable(
        errors,
        {
            SummaryField.CHANNEL: form.channel_id,
            SummaryField.REPS: " ".join((*form.rep_user_ids, form.usergroup_id or "")),
        },
    )
    if not form.channel_id:
        errors.setdefault(SummaryField.CHANNEL, "Choose the channel to post the summary in.")
    reps = tuple(dict.fromkeys(user_id for user_id in form.rep_user_ids if user_id))
    if not reps and not form.usergroup_id:
        errors.setdefault(SummaryField.REPS, REPS_NEEDED)
    cadence = SummaryCadence(form.cadence) if form.cadence in set(SummaryCadence) else None
    if cadence is None:
        errors[SummaryField.CADENCE] = "Choose daily or weekly."
    weekday = int(form.weekday) if form.weekday and form.weekday.isdigit() else None
    if cadence is SummaryCadence.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        errors[SummaryField.WEEKDAY] = "Choose the day of the week to post on."
    match = _TIME.match(form.time or "")
    if not match:
        errors[SummaryField.TIME] = "Choose the time of day to post at."
    if errors:
        return errors
    assert form.channel_id and cadence and match
    return SummarySettings(
        channel_id=form.channel_id,
        rep_user_ids=reps,
        usergroup_id=form.usergroup_id or None,
        cadence=cadence,
        weekday=weekday if cadence is SummaryCadence.WEEKLY else None,
        minute=int(match[1]) * 60 + int(match[2]),
        zone=usable_zone_name(zone),
    )


def save_subscription(
    session: Session,
    workspace: Workspace,
    owner_user_id: str,
    settings: SummarySettings,
    now: datetime,
    subscription_id: int | None = None,
    source_view_id: str | None = None,
) -> Subscription | None:
    """Create a summary, or update one (keeping its owner); saving re-enables a stopped one.

    A form submitted twice (`source_view_id`, the modal's id) creates one summary. None when
    the summary to update no longer exists.
    """
    columns = {
        "channel_id": settings.channel_id,
        "rep_user_ids": " ".join(settings.rep_user_ids),
        "usergroup_id": settings.usergroup_id,
        "cadence": settings.cadence,
        "weekday": settings.weekday,
        "minute": settings.minute,
        "zone": settings.zone,
        "enabled": True,
        "disabled_reason": None,
        "updated_at": now,
    }
    if subscription_id is None:
        subscription_id = insert_unless_exists(
            session,
            SummarySubscription,
            {
                **workspace.columns,
                "source_view_id": source_view_id,
                "owner_user_id": owner_user_id,
                "created_at": now,
                **columns,
            },
            ("team_id", "source_view_id"),
        )
        if subscription_id is None:  # this very form was saved already
            row = session.scalar(
                select(SummarySubscription).where(
                    SummarySubscription.team_id == workspace.team_id,
                    SummarySubscription.source_view_id == source_view_id,
                )
            )
            return Subscription.of(row)
        return find_subscription(session, workspace, subscription_id)
    row = _row(session, workspace, subscription_id)
    if row is None:
        return None
    for name, value in columns.items():
        setattr(row, name, value)
    session.flush()
    return Subscription.of(row)


def _row(
    session: Session, workspace: Workspace, subscription_id: int
) -> SummarySubscription | None:
    return session.scalar(
        select(SummarySubscription).where(
            SummarySubscription.id == subscription_id,
            SummarySubscription.team_id == workspace.team_id,
        )
    )


def find_subscription(
    session: Session, workspace: Workspace, subscription_id: int
) -> Subscription | None:
    row = _row(session, workspace, subscription_id)
    return Subscription.of(row) if row else None


def manageable_subscriptions(
    session: Session, workspace: Workspace, role: Role, user_id: str
) -> list[Subscription]:
    """The workspace's summaries `user_id` may manage, oldest first."""
    if not may_set_up_summaries(role):
        return []
    query = select(SummarySubscription).where(SummarySubscription.team_id == workspace.team_id)
    if role is not Role.ADMIN:
        query = query.where(SummarySubscription.owner_user_id == user_id)
    rows = session.scalars(query.order_by(SummarySubscription.id))
    return [Subscription.of(row) for row in rows]


def remove_subscription(session: Session, workspace: Workspace, subscription_id: int) -> bool:
    removed = session.execute(
        delete(SummarySubscription).where(
            SummarySubscription.id == subscription_id,
            SummarySubscription.team_id == workspace.team_id,
        )
    )
    return bool(removed.rowcount)


def disable_subscription(
    session: Session, workspace: Workspace, subscription_id: int, reason: str, now: datetime
) -> None:
    """Stop posting a summary Slack will not take (its channel is gone or archived...)."""
    row = _row(session, workspace, subscription_id)
    if row is not None:
        row.enabled = False
        row.disabled_reason = reason[:64]
        row.updated_at = now


# ----- periods


@dataclass(frozen=True)
class Period:
    """[start, end): local midnights in the summary's zone, so a day can last 23 or 25 hours."""

    cadence: SummaryCadence
    zone: str
    start: datetime
    end: datetime

    def before(self) -> Period:
        return period_before(self.cadence, self.zone, self.start.date())


def period_before(cadence: SummaryCadence, zone: str, local_date: date) -> Period:
    """The day (daily) or the seven days (weekly) that ended as `local_date` began."""
    tz = ZoneInfo(zone)
    days = DAYS_IN_PERIOD[cadence]
    return Period(
        cadence,
        zone,
        datetime.combine(local_date - timedelta(days=days), time(), tz),
        datetime.combine(local_date, time(), tz),
    )


def scheduled_key(subscription_id: int, period: Period) -> str:
    """The claim of a summary's post for a period; a cadence change makes another period."""
    return f"{subscription_id}:{period.start.date().isoformat()}/{period.end.date().isoformat()}"


def on_demand_key(subscription_id: int) -> str:
    """The claim of a summary's posts on request, outside the schedule: one row per summary,
    claimed again by each request that comes POST_NOW_REPEAT after the one before."""
    return f"{subscription_id}:now"


def claim_post_now(
    session: Session, subscription: Subscription, now: datetime
) -> deliveries.Claim | None:
    """The right to post `subscription` at once; None when a post on request of it was claimed
    less than POST_NOW_REPEAT ago. Of processes racing, exactly one gets it: the first insert
    wins, and claiming the row again is an update whose condition the winner's own update (or
    insert) has already made false for the others."""
    key = on_demand_key(subscription.id)
    workspace, channel = subscription.workspace, subscription.channel_id
    claim = deliveries.claim(session, workspace, SUMMARY, key, channel, now)
    if claim is not None:
        return claim
    delivery_id = session.execute(
        update(Delivery)
        .where(
            Delivery.team_id == workspace.team_id,
            Delivery.kind == SUMMARY,
            Delivery.key == key,
            Delivery.created_at <= now - POST_NOW_REPEAT,
        )
        .values(  # a new claim: created (claimed) now, as `deliveries.claim` records one
            status=DeliveryStatus.SENDING,
            recipient=channel,
            attempts=Delivery.attempts + 1,
            error=None,
            not_before=None,
            created_at=now,
            updated_at=now,
        )
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return deliveries.Claim(delivery_id, channel) if delivery_id is not None else None


# ----- the pass's question


@dataclass(frozen=True)
class DueSummary:
    subscription: Subscription
    period: Period
    key: str


@dataclass(frozen=True)
class StuckSummary:
    """A claim left in "sending" by a process that stopped mid-post: reported, never re-posted."""

    subscription_id: int
    channel_id: str
    key: str
    claimed_at: datetime


@dataclass
class DueSummaries:
    due: list[DueSummary] = field(default_factory=list)
    stuck: list[StuckSummary] = field(default_factory=list)


def find_due(session: Session, now: datetime) -> DueSummaries:
    """Every enabled summary whose time has come in its zone, within the last day, and whose
    period is not posted yet (or failed, and its retry time has come); two statements.

    A summary set up after its time waits for its next one. A post missed at its time (no pass
    ran: the worker was down) or failing is tried until a day after its time; later, it is
    left to the next one.
    """
    candidates: dict[tuple[str, str], DueSummary] = {}
    rows = session.scalars(
        select(SummarySubscription).where(SummarySubscription.enabled.is_(True))
    ).all()
    for subscription in map(Subscription.of, rows):
        occurrence = subscription.occurrence_due(now)
        if occurrence is None:
            continue
        period = period_before(subscription.cadence, subscription.zone, occurrence)
        key = scheduled_key(subscription.id, period)
        candidates[subscription.workspace.team_id, key] = DueSummary(subscription, period, key)
    found = DueSummaries()
    if not candidates:
        return found
    claims = {
        (row.team_id, row.key): row
        for row in session.execute(
            select(
                Delivery.team_id,
                Delivery.key,
                Delivery.status,
                Delivery.not_before,
                Delivery.created_at,
                Delivery.updated_at,
            ).where(
                Delivery.kind == SUMMARY,
                Delivery.key.in_([key for _, key in candidates]),
            )
        )
    }
    for team_and_key, candidate in candidates.items():
        claim = claims.get(team_and_key)
        if claim is None or (
            claim.status is DeliveryStatus.FAILED
            and (claim.not_before is None or claim.not_before <= now)
        ):
            found.due.append(candidate)
        elif claim.status is DeliveryStatus.SENDING and claim.updated_at < now - nudges.STUCK_AFTER:
            found.stuck.append(
                StuckSummary(
                    candidate.subscription.id,
                    candidate.subscription.channel_id,
                    candidate.key,
                    claim.created_at,
                )
            )
    found.due.sort(key=lambda due: (due.subscription.scheduled_at(due.period.end.date()), due.key))
    return found


# ----- the figures


@dataclass(frozen=True)
class OpenItems:
    """Interactions still without a next step, as the morning nudge defines them."""

    count: int = 0
    oldest: datetime | None = None  # what the oldest is overdue from
    escalated: int = 0  # of them, those the nudges handed to the manager

    def __add__(self, other: OpenItems) -> OpenItems:
        oldest = min((at for at in (self.oldest, other.oldest) if at), default=None)
        return OpenItems(self.count + other.count, oldest, self.escalated + other.escalated)


@dataclass(frozen=True)
class RepFigures:
    user_id: str
    name: str | None  # the cached Slack display name, when the coach has seen the rep
    current: Metrics
    previous: Metrics
    open: OpenItems
    escalated: int  # open items the nudges handed to the manager (or could not DM at all)
    unreachable: str | None  # why the rep gets no nudges, if they get none

    @property
    def quiet(self) -> bool:
        """Nothing logged in the period and nothing open."""
        return not (self.current.interactions or self.current.outcomes or self.open.count)


@dataclass(frozen=True)
class CoachingMoment:
    """One objective of the period: a weak one to coach, or the strongest, to praise."""

    interaction_id: int
    rep_user_id: str
    rep_name: str | None
    account: str
    kind: InteractionKind
    scheduled_at: datetime
    objective: str
    gaps: tuple[Criterion, ...]  # the criteria it failed, in the coach's order
    strong: bool
    result: Result | None  # what the customer agreed to, once logged


@dataclass(frozen=True)
class TeamSummary:
    period: Period
    reps: list[RepFigures]  # everyone in scope, by name
    current: Metrics
    previous: Metrics
    open: OpenItems
    escalated: int
    weakest: list[CoachingMoment]
    strongest: CoachingMoment | None
    stuck_nudges: int  # nudges to these reps whose sending was interrupted (not re-sent)

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no interaction, no outcome, no next step due."""
        figures = self.current
        return not (figures.interactions or figures.outcomes or figures.next_steps_due)


def compute_summary(
    session: Session,
    workspace: Workspace,
    rep_user_ids: Collection[str],
    period: Period,
    now: datetime,
    rules: nudges.NudgeRules = nudges.DEFAULT_RULES,
) -> TeamSummary:
    """The summary of `period` for the reps in scope, against the period before.

    Nine SQL statements whatever the number of reps: the figures of both periods (two each),
    the reps' names, the weakest and the strongest objectives, the open items with what the
    nudges escalated, and the nudges stuck in sending.
    """
    reps = sorted(set(rep_user_ids))
    if not reps:
        return TeamSummary(period, [], Metrics(), Metrics(), OpenItems(), 0, [], None, 0)
    before = period.before()
    current = metrics_by_rep(session, workspace, period.start, period.end, now, reps)
    previous = metrics_by_rep(session, workspace, before.start, before.end, now, reps)
    profiles = {
        row.user_id: row
        for row in session.execute(
            select(Rep.user_id, Rep.display_name, Rep.unreachable_reason, Rep.is_active).where(
                Rep.team_id == workspace.team_id, Rep.user_id.in_(reps)
            )
        )
    }
    names = {user_id: row.display_name for user_id, row in profiles.items()}
    weakest, strongest = _coaching_moments(session, workspace, reps, period, now, names)
    open_items = open_items_by_rep(session, workspace, reps, now, rules)
    figures = []
    for user_id in reps:
        profile = profiles.get(user_id)
        # As the nudges' escalations: a rep no DM reaches has every open item escalated.
        unreachable = profile and (
            profile.unreachable_reason or (None if profile.is_active else "inactive")
        )
        still_open = open_items.get(user_id, OpenItems())
        figures.append(
            RepFigures(
                user_id=user_id,
                name=names.get(user_id),
                current=current.get(user_id, Metrics()),
                previous=previous.get(user_id, Metrics()),
                open=still_open,
                escalated=still_open.count if unreachable else still_open.escalated,
                unreachable=unreachable or None,
            )
        )
    figures.sort(key=lambda rep: ((rep.name or rep.user_id).casefold(), rep.user_id))
    return TeamSummary(
        period=period,
        reps=figures,
        current=team_total(current),
        previous=team_total(previous),
        open=sum(open_items.values(), OpenItems()),
        escalated=sum(rep.escalated for rep in figures),
        weakest=weakest,
        strongest=strongest,
        stuck_nudges=_stuck_nudges(session, workspace, reps, period.start.date(), now),
    )


def open_items_by_rep(
    session: Session,
    workspace: Workspace,
    rep_user_ids: Collection[str],
    now: datetime,
    rules: nudges.NudgeRules = nudges.DEFAULT_RULES,
) -> dict[str, OpenItems]:
    """Each rep's interactions still without a next step, by the morning nudge's own rules
    (no outcome, a next step whose date passed, a continuation), and how many of them the
    nudges escalated; in one statement, since the due rules are a summary's costliest part.
    """
    scope = (
        values(column("team_id", String), column("user_id", String), name="scope")
        .data([(workspace.team_id, user_id) for user_id in rep_user_ids])
        .cte("scope")
    )
    # The nudges' due rules as SQL over any set of reps, heads-ups left out.
    items = nudges.open_items_query(scope, now, rules, heads_up=False).subquery("items")
    rows = session.execute(
        select(
            items.c.rep_user_id,
            func.count(),
            func.min(items.c.scheduled_at),
            func.count(NudgeItem.escalated_at),
        )
        .outerjoin(NudgeItem, nudges.item_record_join(items))
        .group_by(items.c.rep_user_id)
    ).all()
    return {
        user_id: OpenItems(count, oldest, escalated) for user_id, count, oldest, escalated in rows
    }


def _stuck_nudges(
    session: Session, workspace: Workspace, reps: list[str], since: date, now: datetime
) -> int:
    """Morning nudges to these reps, for local dates from `since`, that a process left in
    "sending" (they are never sent again: the manager should know)."""
    return session.scalar(
        select(func.count()).where(
            Delivery.team_id == workspace.team_id,
            Delivery.kind == nudges.NUDGE,
            Delivery.key >= nudges.delivery_key(since, ""),
            Delivery.recipient.in_(reps),
            Delivery.status == DeliveryStatus.SENDING,
            Delivery.updated_at < now - nudges.STUCK_AFTER,
        )
    )


def _gap_count(gaps):
    """How many criteria an objective failed: its comma-separated gaps, counted in SQL."""
    return case(
        (or_(gaps.is_(None), gaps == ""), 0),
        else_=func.length(gaps) - func.length(func.replace(gaps, ",", "")) + 1,
    )


def _coaching_moments(
    session: Session,
    workspace: Workspace,
    reps: list[str],
    period: Period,
    now: datetime,
    names: dict[str, str | None],
) -> tuple[list[CoachingMoment], CoachingMoment | None]:
    """Up to three of the period's weakest objectives (not strong first, then the most failed
    criteria, the latest first) and the strongest (the fewest gaps, a hit before a miss)."""
    gaps = _gap_count(Interaction.objective_gaps)
    reviewed = (
        select(
            Interaction.id,
            Interaction.rep_user_id,
            Account.name,
            Interaction.kind,
            Interaction.scheduled_at,
            Interaction.objective,
            Interaction.objective_gaps,
            Interaction.objective_strong,
            Outcome.result,
        )
        .join(Account, Account.id == Interaction.account_id)
        .outerjoin(Outcome, Outcome.interaction_id == Interaction.id)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id.in_(reps),
            Interaction.scheduled_at >= period.start,
            Interaction.scheduled_at < min(period.end, now),
            Interaction.objective.is_not(None),
            Interaction.objective_strong.is_not(None),
        )
    )
    weakest = session.execute(
        reviewed.where(gaps > 0)
        .order_by(
            Interaction.objective_strong.asc(),
            gaps.desc(),
            Interaction.scheduled_at.desc(),
            Interaction.id.desc(),
        )
        .limit(MAX_WEAKEST)
    ).all()
    hit = case((Outcome.result.in_([Result.WON, Result.ADVANCED]), 0), else_=1)
    strongest = session.execute(
        reviewed.where(Interaction.objective_strong.is_(True))
        .order_by(gaps.asc(), hit.asc(), Interaction.scheduled_at.desc(), Interaction.id.desc())
        .limit(1)
    ).first()

    def moment(row) -> CoachingMoment:
        failed = [
            _CRITERIA[gap] for gap in (row.objective_gaps or "").split(",") if gap in _CRITERIA
        ]
        return CoachingMoment(
            interaction_id=row.id,
            rep_user_id=row.rep_user_id,
            rep_name=names.get(row.rep_user_id),
            account=row.name,
            kind=row.kind,
            scheduled_at=row.scheduled_at,
            objective=row.objective,
            gaps=tuple(failed),
            strong=bool(row.objective_strong),
            result=row.result,
        )

    return [moment(row) for row in weakest], moment(strongest) if strongest else None
