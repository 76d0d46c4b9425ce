"""Nudges: each rep's nudge time, weekdays and pause; the items shown, snoozed and escalated;
partial indexes on the outcomes a nudge looks for.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:35:50.184119
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The predicates of app.models' partial indexes, as of this revision.
AWAITING_NEXT_STEP = (
    "result = 'continuation' OR (result IN ('advanced', 'minimum') AND next_step_at IS NULL)"
)
CLOSES_CHAIN = "result IN ('won', 'lost')"


def upgrade() -> None:
    op.create_table(
        "nudge_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_user_id", sa.String(length=32), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "no_outcome",
                "no_next_step",
                "follow_up_due",
                "unplanned_today",
                name="nudgereason",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("times_shown", sa.Integer(), nullable=False),
        sa.Column("last_shown_on", sa.Date(), nullable=True),
        sa.Column("snoozed_until", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", app.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_nudge_items_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_items")),
        sa.UniqueConstraint(
            "team_id",
            "interaction_id",
            "reason",
            name=op.f("uq_nudge_items_team_id_interaction_id_reason"),
        ),
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcomes_awaiting_next_step",
            ["team_id", "rep_user_id"],
            unique=False,
            sqlite_where=sa.text(AWAITING_NEXT_STEP),
            postgresql_where=sa.text(AWAITING_NEXT_STEP),
        )
        batch_op.create_index(
            "ix_outcomes_closing",
            ["team_id", "rep_user_id"],
            unique=False,
            sqlite_where=sa.text(CLOSES_CHAIN),
            postgresql_where=sa.text(CLOSES_CHAIN),
        )

    with op.batch_alter_table("reps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_reason", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("nudge_minute", sa.Integer(), server_default="540", nullable=False)
        )
        batch_op.add_column(
            sa.Column("nudge_weekdays", sa.Integer(), server_default="31", nullable=False)
        )
        batch_op.add_column(sa.Column("nudges_paused_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reps", schema=None) as batch_op:
        batch_op.drop_column("nudges_paused_until")
        batch_op.drop_column("nudge_weekdays")
        batch_op.drop_column("nudge_minute")
        batch_op.drop_column("unreachable_reason")

    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outcomes_closing",
            sqlite_where=sa.text(CLOSES_CHAIN),
            postgresql_where=sa.text(CLOSES_CHAIN),
        )
        batch_op.drop_index(
            "ix_outcomes_awaiting_next_step",
            sqlite_where=sa.text(AWAITING_NEXT_STEP),
            postgresql_where=sa.text(AWAITING_NEXT_STEP),
        )

    op.drop_table("nudge_items")
