"""Calendar links (a rep's secret feed address, encrypted), the company's email domains, and the
rep's cached Slack email.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _scoped_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=True),
        sa.Column("created_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
    op.create_table(
        "calendar_links",
        *_scoped_columns(),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("address_secret", sa.Text(), nullable=False),
        sa.Column("address_masked", sa.String(300), nullable=False),
        sa.Column("connected_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.String(300), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_links")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_calendar_links_team_id_user_id")),
    )
    op.create_table(
        "company_domains",
        *_scoped_columns(),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column(
            "source",
            sa.Enum("admin", "slack_email", name="domainsource", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("removed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("changed_by", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_domains")),
        sa.UniqueConstraint("team_id", "domain", name=op.f("uq_company_domains_team_id_domain")),
    )


def downgrade() -> None:
    op.drop_table("company_domains")
    op.drop_table("calendar_links")
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("email")
