"""The rep's workspace roles (admin, owner), cached from users.info like the time zone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(
            sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("is_owner", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("roles_checked_at", app.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("roles_checked_at")
        batch.drop_column("is_owner")
        batch.drop_column("is_admin")
