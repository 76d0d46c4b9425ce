"""Initial schema: reps, accounts, interactions with their plans, outcomes, deliveries.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 13:32:46.393579
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("name_key", sa.String(length=150), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("team_id", "name_key", name=op.f("uq_accounts_team_id_name_key")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "sending",
                "sent",
                "failed",
                "abandoned",
                name="deliverystatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("not_before", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("team_id", "kind", "key", name=op.f("uq_deliveries_team_id_kind_key")),
    )
    op.create_table(
        "reps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("tz_checked_at", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reps")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_reps_team_id_user_id")),
    )
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_user_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "meeting",
                "call",
                "email",
                "text",
                name="interactionkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "stage",
            sa.Enum(
                "discovery",
                "demo",
                "proposal",
                "negotiation",
                "closing",
                name="stage",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("scheduled_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("when_text", sa.String(length=200), nullable=True),
        sa.Column("objective", sa.Text(), nullable=True),
        sa.Column("minimum_commitment", sa.Text(), nullable=True),
        sa.Column("planned_at", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "origin",
            sa.Enum(
                "precall", "unplanned", "follow_up", name="origin", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("follows_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_interactions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follows_id"],
            ["interactions.id"],
            name=op.f("fk_interactions_follows_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint(
            "team_id",
            "rep_user_id",
            "account_id",
            "scheduled_at",
            name=op.f("uq_interactions_team_id_rep_user_id_account_id_scheduled_at"),
        ),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interactions_rep_time", ["team_id", "rep_user_id", "scheduled_at"], unique=False
        )

    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("rep_user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "won",
                "advanced",
                "minimum",
                "continuation",
                "lost",
                name="result",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_step_at", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_step_when_text", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["interactions.id"],
            name=op.f("fk_outcomes_follow_up_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_outcomes_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_outcomes_interaction_id")),
    )


def downgrade() -> None:
    op.drop_table("outcomes")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_rep_time")

    op.drop_table("interactions")
    op.drop_table("reps")
    op.drop_table("deliveries")
    op.drop_table("accounts")
