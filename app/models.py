"""The product's tables: SQLAlchemy 2.0 typed ORM. Every row carries its Slack workspace."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

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


class DeliveryStatus(enum.StrEnum):
    SENDING = "sending"  # claimed; a crash leaves it here and it is never re-sent blindly
    SENT = "sent"
    FAILED = "failed"  # may be retried by a later pass
    ABANDONED = "abandoned"  # will not be retried (user gone, channel archived, ...)


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


class Outcome(WorkspaceScoped, Timestamped, Base):
    """What the customer actually agreed to, recorded against the interaction's plan."""

    __tablename__ = "outcomes"

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
    __table_args__ = (UniqueConstraint("team_id", "kind", "key"),)

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
