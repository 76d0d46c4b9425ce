"""The coach's verdict on each commitment objective: strong, and the criteria it failed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 13:53:20.335739
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("objective_strong", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("objective_gaps", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_column("objective_gaps")
        batch_op.drop_column("objective_strong")
