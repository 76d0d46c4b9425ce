"""Channel summaries: the managers admins name, each summary's channel, scope and schedule;
an index on outcomes' next step dates for the figures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 15:21:27.982256
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "managers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managers")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_managers_team_id_user_id")),
    )
    op.create_table(
        "summary_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_view_id", sa.String(length=32), nullable=True),
        sa.Column("owner_user_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("rep_user_ids", sa.Text(), nullable=False),
        sa.Column("usergroup_id", sa.String(length=32), nullable=True),
        sa.Column(
            "cadence",
            sa.Enum("daily", "weekly", name="summarycadence", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=64), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_subscriptions")),
        sa.UniqueConstraint(
            "team_id",
            "source_view_id",
            name=op.f("uq_summary_subscriptions_team_id_source_view_id"),
        ),
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index("ix_outcomes_next_step_at", ["team_id", "next_step_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_index("ix_outcomes_next_step_at")

    op.drop_table("summary_subscriptions")
    op.drop_table("managers")
