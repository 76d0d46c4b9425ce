"""The product's tables: SQLAlchemy 2.0 typed ORM. Every row carries its Slack workspace."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SLACK_ID = 32
ACCOUNT_NAME_MAX = 150
WHEN_TEXT_MAX = 200


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zone type and hands back naive values; PostgreSQL keeps
    timestamptz. Refusing naive input here keeps "times are stored in UTC" true.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime()}


class WorkspaceScoped:
    """Columns every row has: the Slack workspace (and Enterprise Grid org) it belongs to."""

    team_id: Mapped[str] = mapped_column(String(SLACK_ID))
    enterprise_id: Mapped[str | None] = mapped_column(String(SLACK_ID))


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _str_enum(enum_class: type[enum.StrEnum], length: int = 16) -> Enum:
    # Stored as plain strings (no native PostgreSQL enum) so adding a value is a code change only.
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class InteractionKind(enum.StrEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    TEXT = "text"


class Stage(enum.StrEnum):
    DISCOVERY = "discovery"
    DEMO = "demo"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSING = "closing"


class Origin(enum.StrEnum):
    """How an interaction came to be recorded."""

    PRECALL = "precall"  # planned with /precall
    UNPLANNED = "unplanned"  # logged with /postcall without a plan
    FOLLOW_UP = "follow_up"  # created from the dated next step of an earlier outcome


class Result(enum.StrEnum):
    WON = "won"
    ADVANCED = "advanced"
    MINIMUM = "minimum"
    CONTINUATION = "continuation"
    LOST = "lost"


class LostReason(enum.StrEnum):
    """Why a deal was lost, when the rep said (optional in /postcall)."""

    PRICE = "price"
    TIMING = "timing"
    COMPETITOR = "competitor"
    NO_DECISION = "no_decision"
    OTHER = "other"


class FollowThrough(enum.StrEnum):
    """Did the customer do what they agreed to? Asked when the follow-up's outcome is logged."""

    ON_TIME = "on_time"
    LATE = "late"
    NO = "no"


class DeliveryStatus(enum.StrEnum):
    SENDING = "sending"  # claimed; a crash leaves it here and it is never re-sent blindly
    SENT = "sent"
    FAILED = "failed"  # may be retried by a later pass
    ABANDONED = "abandoned"  # will not be retried (user gone, channel archived, ...)


class DeliveryKind(enum.StrEnum):
    """What a delivery is; with its key, the message it claims (stored as these strings)."""

    NUDGE = "nudge"  # one per (rep, local date)
    SUMMARY = "summary"  # one per (summary, period), one for "post now"
    SUMMARY_STOPPED = "summary_stopped"  # the DM telling an owner their summary stopped
    PLAN_CONFIRMATION = "plan_confirmation"  # one per plan revision
    OUTCOME_CONFIRMATION = "outcome_confirmation"
    MANAGER_WELCOME = "manager_welcome"  # one per named manager: what they can now do


class NudgeReason(enum.StrEnum):
    """Why an interaction appears in a rep's morning nudge (see docs/nudges.md)."""

    NO_OUTCOME = "no_outcome"  # its time has passed and no outcome is logged
    NO_NEXT_STEP = "no_next_step"  # continuation, or advanced/minimum without a date
    FOLLOW_UP_DUE = "follow_up_due"  # the agreed next step's date has passed, nothing logged
    UNPLANNED_TODAY = "unplanned_today"  # a heads-up: today, and no plan yet


# Nudge settings' defaults: 09:00 local, Monday to Friday (bit 0 is Monday).
DEFAULT_NUDGE_MINUTE = 9 * 60
WEEKDAYS_MONDAY_TO_FRIDAY = 0b0011111


class Rep(WorkspaceScoped, Timestamped, Base):
    """A Slack user who plans interactions; caches their time zone from users.info."""

    __tablename__ = "reps"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    display_name: Mapped[str | None] = mapped_column(String(255))
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_checked_at: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    # Workspace roles from users.info, cached so a role check before ack() needs no call;
    # trusted while roles_checked_at is fresh (user_change events refresh them at once).
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_owner: Mapped[bool] = mapped_column(default=False, server_default=false())
    roles_checked_at: Mapped[datetime | None]
    # Why the rep gets no nudges however much is due: left the workspace, cannot be DMed...
    unreachable_reason: Mapped[str | None] = mapped_column(String(64))
    # The morning nudge, in the rep's local time: minutes after midnight, the weekdays it
    # goes out (a bit per day), and the first local date after a pause.
    nudge_minute: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_NUDGE_MINUTE, server_default=str(DEFAULT_NUDGE_MINUTE)
    )
    nudge_weekdays: Mapped[int] = mapped_column(
        Integer, default=WEEKDAYS_MONDAY_TO_FRIDAY, server_default=str(WEEKDAYS_MONDAY_TO_FRIDAY)
    )
    nudges_paused_until: Mapped[date | None]


class Account(WorkspaceScoped, Timestamped, Base):
    """A customer or prospect, matched by a normalised name within the workspace."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(ACCOUNT_NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(ACCOUNT_NAME_MAX))


class Interaction(WorkspaceScoped, Timestamped, Base):
    """One meeting, call, email or text with an account, with the rep's plan for it."""

    __tablename__ = "interactions"
    __table_args__ = (
        # One interaction per rep, account and moment: a second /precall updates it.
        UniqueConstraint("team_id", "rep_user_id", "account_id", "scheduled_at"),
        Index("ix_interactions_rep_time", "team_id", "rep_user_id", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[InteractionKind] = mapped_column(_str_enum(InteractionKind))
    stage: Mapped[Stage | None] = mapped_column(_str_enum(Stage))
    scheduled_at: Mapped[datetime]
    when_text: Mapped[str | None] = mapped_column(String(WHEN_TEXT_MAX))
    objective: Mapped[str | None] = mapped_column(Text)
    minimum_commitment: Mapped[str | None] = mapped_column(Text)
    # The coach's verdict on the objective, kept for the figures: strong = the required
    # criteria pass; gaps = the failed criteria, comma-separated (see domain/coaching.py).
    objective_strong: Mapped[bool | None]
    objective_gaps: Mapped[str | None] = mapped_column(String(120))
    planned_at: Mapped[datetime | None]
    origin: Mapped[Origin] = mapped_column(_str_enum(Origin))
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    # Bumped on every change of the plan; a confirmation is sent once per revision.
    revision: Mapped[int] = mapped_column(Integer, default=1)

    account: Mapped[Account] = relationship(lazy="joined", innerjoin=True)
    outcome: Mapped[Outcome | None] = relationship(
        back_populates="interaction", foreign_keys="Outcome.interaction_id", uselist=False
    )


# Outcomes that still want a dated next step, and those that close the rep's chain with an
# account. The morning nudge finds them through partial indexes with these very predicates
# (both databases use a partial index only when the query states its predicate literally).
AWAITING_NEXT_STEP = (
    "result = 'continuation' OR (result IN ('advanced', 'minimum') AND next_step_at IS NULL)"
)
CLOSES_CHAIN = "result IN ('won', 'lost')"


class Outcome(WorkspaceScoped, Timestamped, Base):
    """What the customer actually agreed to, recorded against the interaction's plan."""

    __tablename__ = "outcomes"
    __table_args__ = (
        Index(
            "ix_outcomes_awaiting_next_step",
            "team_id",
            "rep_user_id",
            sqlite_where=text(AWAITING_NEXT_STEP),
            postgresql_where=text(AWAITING_NEXT_STEP),
        ),
        Index(
            "ix_outcomes_closing",
            "team_id",
            "rep_user_id",
            sqlite_where=text(CLOSES_CHAIN),
            postgresql_where=text(CLOSES_CHAIN),
        ),
        # The figures' customer follow-through: next steps whose date fell in a period.
        Index("ix_outcomes_next_step_at", "team_id", "next_step_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), unique=True
    )
    rep_user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    result: Mapped[Result] = mapped_column(_str_enum(Result))
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_at: Mapped[datetime | None]
    next_step_when_text: Mapped[str | None] = mapped_column(String(WHEN_TEXT_MAX))
    notes: Mapped[str | None] = mapped_column(Text)
    lost_reason: Mapped[LostReason | None] = mapped_column(_str_enum(LostReason))
    # On the outcome of a follow-up: did the customer do what they agreed at the interaction
    # before? None for outcomes logged before the question was asked (shown as unknown).
    follow_through: Mapped[FollowThrough | None] = mapped_column(_str_enum(FollowThrough))
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)

    interaction: Mapped[Interaction] = relationship(
        back_populates="outcome", foreign_keys=[interaction_id]
    )


class Delivery(WorkspaceScoped, Timestamped, Base):
    """A claim on one message to send: confirmations, nudges and summaries are each sent once.

    The unique key is inserted before sending (ON CONFLICT DO NOTHING), so of any number of
    racing processes exactly one sends; it then records the message ts or the failure.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "key"),
        # A message a payload names is checked to be one the app sent the person acting.
        Index("ix_deliveries_message", "team_id", "channel", "message_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str] = mapped_column(String(SLACK_ID))
    status: Mapped[DeliveryStatus] = mapped_column(_str_enum(DeliveryStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str | None] = mapped_column(String(SLACK_ID))
    message_ts: Mapped[str | None] = mapped_column(String(SLACK_ID))
    error: Mapped[str | None] = mapped_column(String(255))
    not_before: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class NudgeItem(WorkspaceScoped, Timestamped, Base):
    """One reason to nudge a rep about one interaction: how often it was shown, its snooze,
    and when it left the rep's DM for the manager summary (nudge fatigue)."""

    __tablename__ = "nudge_items"
    __table_args__ = (UniqueConstraint("team_id", "interaction_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    reason: Mapped[NudgeReason] = mapped_column(_str_enum(NudgeReason))
    times_shown: Mapped[int] = mapped_column(Integer, default=0)
    last_shown_on: Mapped[date | None]  # the rep's local date of the last DM showing it
    snoozed_until: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    # When the rep's DM told them this item went to the manager's summary (told once).
    escalation_told_at: Mapped[datetime | None]


class Manager(WorkspaceScoped, Timestamped, Base):
    """A user an admin named a manager: they may set up channel summaries for reps they choose."""

    __tablename__ = "managers"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    added_by: Mapped[str] = mapped_column(String(SLACK_ID))


class SummaryCadence(enum.StrEnum):
    DAILY = "daily"  # every day, about the day before
    WEEKLY = "weekly"  # on one weekday, about the seven days before


class SummarySubscription(WorkspaceScoped, Timestamped, Base):
    """A channel summary: whose interactions, where it is posted, and when in its owner's zone."""

    __tablename__ = "summary_subscriptions"
    # One summary per submitted form: a double-clicked Save creates one.
    __table_args__ = (UniqueConstraint("team_id", "source_view_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_view_id: Mapped[str | None] = mapped_column(String(SLACK_ID))
    owner_user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID))
    # The scope: reps chosen one by one (space-separated user ids) and/or a Slack user group,
    # whose members are read from Slack at each post.
    rep_user_ids: Mapped[str] = mapped_column(Text, default="")
    usergroup_id: Mapped[str | None] = mapped_column(String(SLACK_ID))
    cadence: Mapped[SummaryCadence] = mapped_column(_str_enum(SummaryCadence))
    weekday: Mapped[int | None]  # 0 is Monday; weekly summaries only
    minute: Mapped[int] = mapped_column(Integer)  # local minutes after midnight
    zone: Mapped[str] = mapped_column(String(64))  # the owner's zone when they set it up
    enabled: Mapped[bool] = mapped_column(default=True)
    # Why it stopped posting (the channel was archived or deleted, the app was removed...).
    disabled_reason: Mapped[str | None] = mapped_column(String(64))
