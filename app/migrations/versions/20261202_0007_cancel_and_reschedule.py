"""Cancelled interactions (when and why) and reschedules (how often, and each move).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("reschedule_count", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "reschedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("rep_user_id", sa.String(length=32), nullable=False),
        sa.Column("moved_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_view_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_reschedules_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reschedules")),
        sa.UniqueConstraint(
            "team_id", "source_view_id", name=op.f("uq_reschedules_team_id_source_view_id")
        ),
    )
    op.create_index("ix_reschedules_interaction", "reschedules", ["team_id", "interaction_id"])


def downgrade() -> None:
    op.drop_index("ix_reschedules_interaction", table_name="reschedules")
    op.drop_table("reschedules")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("reschedule_count")
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
