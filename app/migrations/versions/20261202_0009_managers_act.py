"""Lost reasons, the customer's follow-through answer, and telling reps of escalations.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LOST_REASONS = ("price", "timing", "competitor", "no_decision", "other")
FOLLOW_THROUGH = ("on_time", "late", "no")


def upgrade() -> None:
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(
            sa.Column(
                "lost_reason",
                sa.Enum(*LOST_REASONS, name="lostreason", native_enum=False, length=16),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column(
                "follow_through",
                sa.Enum(*FOLLOW_THROUGH, name="followthrough", native_enum=False, length=16),
                nullable=True,
            )
        )
    with op.batch_alter_table("nudge_items") as batch:
        batch.add_column(
            sa.Column("escalation_told_at", app.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("nudge_items") as batch:
        batch.drop_column("escalation_told_at")
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("follow_through")
        batch.drop_column("lost_reason")
