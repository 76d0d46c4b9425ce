"""An index to find a delivery by its message, for checking whose a named message is.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_deliveries_message", "deliveries", ["team_id", "channel", "message_ts"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_message", table_name="deliveries")
