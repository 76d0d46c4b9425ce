"""Every reference a delete cascades through has an index of its own: an interaction's account,
a reschedule's and an imported meeting's interaction. Without them, deleting an account or an
interaction (a purge's batch, a rep's data) scanned the whole referring table once per row.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_INDEXES = (
    ("ix_interactions_account_id", "interactions", "account_id"),
    ("ix_reschedules_interaction_id", "reschedules", "interaction_id"),
    ("ix_calendar_meetings_interaction_id", "calendar_meetings", "interaction_id"),
)


def upgrade() -> None:
    # Built CONCURRENTLY on PostgreSQL (outside a transaction), so that a large interactions
    # table keeps taking writes while its index is built; SQLite ignores the option.
    with op.get_context().autocommit_block():
        for name, table, column in NEW_INDEXES:
            op.create_index(name, table, [column], postgresql_concurrently=True)
    # Led by the team, it served the team's lookups but not the cascade: the new one does both.
    op.drop_index("ix_reschedules_interaction", table_name="reschedules")


def downgrade() -> None:
    op.create_index("ix_reschedules_interaction", "reschedules", ["team_id", "interaction_id"])
    for name, table, _column in NEW_INDEXES:
        op.drop_index(name, table_name=table)
