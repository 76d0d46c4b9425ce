"""The product's tables: SQLAlchemy 2.0 typed ORM. Every row carries its Slack workspace."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app import clock

# Re-exported: the domain owns these enums, the tables store them.
from app.domain.enums import InteractionKind as InteractionKind
from app.domain.enums import Result as Result
from app.domain.enums import Stage as Stage

SLACK_ID = 32
ACCOUNT_NAME_MAX = 150
WHEN_TEXT_MAX = 200
EMAIL_MAX = 254  # RFC 5321's longest usable address
DISPLAY_NAME_MAX = 255
DOMAIN_MAX = 253
DECISION_MAKER_MAX = 300
EVENT_KEY_MAX = (
    512  # an event UID (no limit in RFC 5545; real ones stay far below) + "#" + RECURRENCE-ID
)


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
    """Now, as the app's clock reads it (app.clock): what every row's timestamps say."""
    return clock.utcnow()


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


class Origin(enum.StrEnum):
    """How an interaction came to be recorded."""

    PRECALL = "precall"  # planned with /precall
    UNPLANNED = "unplanned"  # logged with /postcall without a plan
    FOLLOW_UP = "follow_up"  # created from the dated next step of an earlier outcome
    CALENDAR = "calendar"  # imported from the rep's calendar feed, not planned yet


class CancelReason(enum.StrEnum):
    """Why an interaction will not happen (a cancelled one is not lost: see docs/summaries.md)."""

    CUSTOMER = "customer"  # the customer cancelled
    US = "us"  # we cancelled
    NOT_NEEDED = "not_needed"  # no longer needed
    CALENDAR = "calendar"  # cancelled in (or gone from) the rep's calendar feed


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
    # One per request to post at once (its trigger id): a replayed request posts nothing.
    POST_NOW_REQUEST = "post_now_request"
    MANAGER_WELCOME = "manager_welcome"  # one per named manager: what they can now do
    MEETING_BEFORE = "meeting_before"  # one per imported meeting: plan it before it starts
    MEETING_AFTER = "meeting_after"  # one per imported meeting: log its outcome after it ends
    CALENDAR_FAILING = "calendar_failing"  # one per failure of a feed: how to fix it


class NudgeReason(enum.StrEnum):
    """Why an interaction appears in a rep's morning nudge (see docs/nudges.md)."""

    NO_OUTCOME = "no_outcome"  # its time has passed and no outcome is logged
    NO_NEXT_STEP = "no_next_step"  # continuation, or advanced/minimum without a date
    FOLLOW_UP_DUE = "follow_up_due"  # the agreed next step's date has passed, nothing logged
    UNPLANNED_TODAY = "unplanned_today"  # a heads-up: today, and no plan yet


# Nudge settings' defaults: 09:00 local, Monday to Friday (bit 0 is Monday).
DEFAULT_NUDGE_MINUTE = 9 * 60
WEEKDAYS_MONDAY_TO_FRIDAY = 0b0011111


class MeetingPrompt(enum.StrEnum):
    """When a rep is asked to plan a meeting imported from their calendar."""

    OFF = "off"
    MINUTES_15 = "15"
    MINUTES_30 = "30"
    MINUTES_60 = "60"
    DIGEST = "digest"  # only in the morning nudge, no DM of its own


class Rep(WorkspaceScoped, Timestamped, Base):
    """A Slack user who plans interactions; caches their time zone from users.info."""

    __tablename__ = "reps"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    display_name: Mapped[str | None] = mapped_column(String(DISPLAY_NAME_MAX))
    # From users.info (scope users:read.email), lowercased: the rep's own address in their
    # calendar feed, and where the company's email domains are learned from.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_checked_at: Mapped[datetime | None]
    # The Slack locale ("en-GB"), refreshed with the zone: how the rep writes numeric dates.
    locale: Mapped[str | None] = mapped_column(String(16))
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
    # When the rep is asked to plan an imported meeting (see MeetingPrompt).
    meeting_prompt: Mapped[MeetingPrompt] = mapped_column(
        _str_enum(MeetingPrompt),
        default=MeetingPrompt.MINUTES_30,
        server_default=MeetingPrompt.MINUTES_30.value,
    )


class Account(WorkspaceScoped, Timestamped, Base):
    """A customer or prospect, matched by a normalised name within the workspace."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(ACCOUNT_NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(ACCOUNT_NAME_MAX))


# Interactions with no outcome logged yet: the predicate of their partial index, which the
# nudge's rules state literally (see AWAITING_NEXT_STEP below).
AWAITING_OUTCOME = "NOT has_outcome"


class Interaction(WorkspaceScoped, Timestamped, Base):
    """One meeting, call, email or text with an account, with the rep's plan for it."""

    __tablename__ = "interactions"
    __table_args__ = (
        # One interaction per rep, account and moment: a second /precall updates it.
        UniqueConstraint("team_id", "rep_user_id", "account_id", "scheduled_at"),
        Index("ix_interactions_rep_time", "team_id", "rep_user_id", "scheduled_at"),
        # The morning nudge's "no outcome yet": only the interactions still without one.
        Index(
            "ix_interactions_awaiting_outcome",
            "team_id",
            "rep_user_id",
            "scheduled_at",
            sqlite_where=text(AWAITING_OUTCOME),
            postgresql_where=text(AWAITING_OUTCOME),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    # Indexed on its own: deleting an account (a purge's batch of them) finds its
    # interactions through it, where the (team, rep, account) constraint cannot serve.
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[InteractionKind] = mapped_column(_str_enum(InteractionKind))
    stage: Mapped[Stage | None] = mapped_column(_str_enum(Stage))
    scheduled_at: Mapped[datetime]
    when_text: Mapped[str | None] = mapped_column(String(WHEN_TEXT_MAX))
    objective: Mapped[str | None] = mapped_column(Text)
    minimum_commitment: Mapped[str | None] = mapped_column(Text)
    # Who decides on the customer's side, if the rep named them (a calendar meeting offers
    # its attendees): "Name <address>" or a name.
    decision_maker: Mapped[str | None] = mapped_column(String(DECISION_MAKER_MAX))
    # The coach's verdict on the objective, kept for the figures: strong = the required
    # criteria pass; gaps = the failed criteria, comma-separated (see app/domain/coaching/).
    objective_strong: Mapped[bool | None]
    objective_gaps: Mapped[str | None] = mapped_column(String(120))
    planned_at: Mapped[datetime | None]
    origin: Mapped[Origin] = mapped_column(_str_enum(Origin))
    # Indexed, as are the other references to interactions, so that deleting interactions
    # (a rep's data, an uninstalled workspace's) finds what points at them without a scan.
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL"), index=True
    )
    # Bumped on every change of the plan; a confirmation is sent once per revision.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # A cancelled interaction is never chased, planned against or counted as lost.
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[CancelReason | None] = mapped_column(_str_enum(CancelReason))
    # How often it moved (each move is a Reschedule row): a figure managers want.
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Whether an outcome is logged: kept by the database (triggers on outcomes, migration
    # 0016), so no writer can forget it. It lets the sweep read only the interactions still
    # without one, through a partial index, rather than probe outcomes for every one.
    has_outcome: Mapped[bool] = mapped_column(default=False, server_default=false())

    account: Mapped[Account] = relationship(lazy="joined", innerjoin=True)
    outcome: Mapped[Outcome | None] = relationship(
        back_populates="interaction", foreign_keys="Outcome.interaction_id", uselist=False
    )
    # The interaction whose outcome's agreed next step this one is (a follow-up's promise).
    follows: Mapped[Interaction | None] = relationship(
        remote_side="Interaction.id", foreign_keys=[follows_id]
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
        ForeignKey("interactions.id", ondelete="SET NULL"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)

    interaction: Mapped[Interaction] = relationship(
        back_populates="outcome", foreign_keys=[interaction_id]
    )


class Reschedule(WorkspaceScoped, Timestamped, Base):
    """One move of an interaction to a new time; one per submitted form (a double submit
    moves it once)."""

    __tablename__ = "reschedules"
    __table_args__ = (UniqueConstraint("team_id", "source_view_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    rep_user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    moved_from: Mapped[datetime]
    moved_to: Mapped[datetime]
    source_view_id: Mapped[str] = mapped_column(String(SLACK_ID))


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
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
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


class WorkspaceRecord(WorkspaceScoped, Timestamped, Base):
    """A workspace the app serves or served: whether it may be served now (installed, or granted
    by its Grid org), when it was uninstalled and when its data goes, and its retention rule."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # False once uninstalled, its tokens revoked, or (Grid) its access revoked by the org.
    active: Mapped[bool] = mapped_column(default=True)
    uninstalled_at: Mapped[datetime | None]
    # When the worker deletes the workspace's data; cleared by a reinstall before it.
    purge_after: Mapped[datetime | None] = mapped_column(index=True)
    # Days after which objectives, notes and next-step texts are erased (counts stay); None: kept.
    text_retention_days: Mapped[int | None] = mapped_column(Integer)


# The tables of slack_sdk's SQLAlchemyInstallationStore and SQLAlchemyOAuthStateStore, column for
# column (tests/slack/test_install.py compares them with the stores' own metadata), so that the
# stores work unchanged on tables the migrations create. Plain DateTime: the stores write naive
# UTC values.


def _bot_columns() -> list[Column]:
    """The bot's token and identity, which both tables of the installation store keep."""
    return [
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


slack_installations = Table(
    "slack_installations",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


class CalendarLink(WorkspaceScoped, Timestamped, Base):
    """A rep's connected calendar feed; its secret address encrypted (app/domain/secrets.py)."""

    __tablename__ = "calendar_links"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)  # one calendar per rep

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    # The address as a Fernet token: it is a password to the whole calendar.
    address_secret: Mapped[str] = mapped_column(Text)
    # What the rep is shown instead: scheme, host and the last characters.
    address_masked: Mapped[str] = mapped_column(String(300))
    connected_at: Mapped[datetime]
    # For conditional requests by the calendar pass (ETag / Last-Modified).
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # The calendar pass: when it last read the feed, and a lease so that of several passes
    # at once only one fetches it.
    synced_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    # A feed that stopped answering: what is wrong (a calendar Problem) and since when; the
    # rep is told once per failure (a CALENDAR_FAILING delivery keyed by link and since).
    failing_problem: Mapped[str | None] = mapped_column(String(32))
    failing_since: Mapped[datetime | None]


class DomainSource(enum.StrEnum):
    """Where a company email domain came from."""

    ADMIN = "admin"  # an admin added it with /coach domains
    SLACK_EMAIL = "slack_email"  # a member's Slack email (users:read.email)


class CompanyDomain(WorkspaceScoped, Timestamped, Base):
    """An email domain of the company itself: attendees from it are colleagues, not customers.

    A domain an admin removes stays as a removed row, so learning it again from a member's
    email does not bring it back.
    """

    __tablename__ = "company_domains"
    __table_args__ = (UniqueConstraint("team_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX))
    source: Mapped[DomainSource] = mapped_column(_str_enum(DomainSource))
    removed: Mapped[bool] = mapped_column(default=False, server_default=false())
    changed_by: Mapped[str | None] = mapped_column(String(SLACK_ID))  # the admin, if one did


class FormRefusal(WorkspaceScoped, Timestamped, Base):
    """How many submissions of one open form (a Slack view) were refused with field errors.

    A read-back started before a refusal must not replace the form it refused: the update
    would wipe the errors Slack shows. The count, read before and after the read-back, tells.
    """

    __tablename__ = "form_refusals"
    __table_args__ = (UniqueConstraint("team_id", "form_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(SLACK_ID))
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CalendarMeeting(WorkspaceScoped, Timestamped, Base):
    """One event of a rep's calendar feed imported as an interaction, keyed by the event's UID
    (and RECURRENCE-ID for one occurrence of a series): reading the feed again finds it."""

    __tablename__ = "calendar_meetings"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "event_key"),
        UniqueConstraint("team_id", "interaction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    event_key: Mapped[str] = mapped_column(String(EVENT_KEY_MAX))
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # [{"email", "name", "external", "response", "organizer"}], in the feed's order.
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    # The feed gave no zone that could be resolved: read in the rep's zone (worth telling).
    zone_guessed: Mapped[bool] = mapped_column(default=False, server_default=false())
    cancelled_in_feed: Mapped[bool] = mapped_column(default=False, server_default=false())
    seen_at: Mapped[datetime]  # the last pass that read it in the feed

    interaction: Mapped[Interaction] = relationship()


class AccountDomain(WorkspaceScoped, Timestamped, Base):
    """An email domain an account's people write from: a calendar meeting with someone from it
    is that account's, whatever the account is called now."""

    __tablename__ = "account_domains"
    __table_args__ = (UniqueConstraint("team_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )


class AwayDay(WorkspaceScoped, Timestamped, Base):
    """A local date the rep is out of office, read from their calendar (Outlook's OOF busy
    status, an all-day out-of-office event): no nudges or prompts, not counted in figures."""

    __tablename__ = "away_days"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    day: Mapped[date]
    event_key: Mapped[str] = mapped_column(String(EVENT_KEY_MAX))
