"""The rep's Slack locale, cached with the time zone: the order they write numeric dates in;
and the count of refused submissions per open form, so a late read-back cannot hide their errors.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=True))
    op.create_table(
        "form_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=32), nullable=False),
        sa.Column("refusals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_refusals")),
        sa.UniqueConstraint("team_id", "form_id", name=op.f("uq_form_refusals_team_id_form_id")),
    )


def downgrade() -> None:
    op.drop_table("form_refusals")
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("locale")
