"""The calendar pass: imported meetings keyed by event, the domains accounts write from, days
away, the feed's sync lease and failure, when each rep is asked to plan a meeting, and who
decides on the customer's side.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = app.models.UTCDateTime(timezone=True)


def _scoped_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(
            sa.Column(
                "meeting_prompt",
                sa.Enum(
                    "off",
                    "15",
                    "30",
                    "60",
                    "digest",
                    name="meetingprompt",
                    native_enum=False,
                    length=16,
                ),
                server_default="30",
                nullable=False,
            )
        )
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("decision_maker", sa.String(300), nullable=True))
    with op.batch_alter_table("calendar_links") as batch:
        batch.add_column(sa.Column("synced_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("lease_until", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("failing_problem", sa.String(32), nullable=True))
        batch.add_column(sa.Column("failing_since", UTC_TIME, nullable=True))
    op.create_table(
        "calendar_meetings",
        *_scoped_columns(),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("event_key", sa.String(512), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("zone_guessed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("cancelled_in_feed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("seen_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_calendar_meetings_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_meetings")),
        sa.UniqueConstraint(
            "team_id",
            "user_id",
            "event_key",
            name=op.f("uq_calendar_meetings_team_id_user_id_event_key"),
        ),
        sa.UniqueConstraint(
            "team_id",
            "interaction_id",
            name=op.f("uq_calendar_meetings_team_id_interaction_id"),
        ),
    )
    op.create_table(
        "account_domains",
        *_scoped_columns(),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_domains_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_domains")),
        sa.UniqueConstraint("team_id", "domain", name=op.f("uq_account_domains_team_id_domain")),
    )
    op.create_index(
        op.f("ix_account_domains_account_id"), "account_domains", ["account_id"], unique=False
    )
    op.create_table(
        "away_days",
        *_scoped_columns(),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("event_key", sa.String(512), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_days")),
        sa.UniqueConstraint(
            "team_id", "user_id", "day", name=op.f("uq_away_days_team_id_user_id_day")
        ),
    )


def downgrade() -> None:
    op.drop_table("away_days")
    op.drop_index(op.f("ix_account_domains_account_id"), table_name="account_domains")
    op.drop_table("account_domains")
    op.drop_table("calendar_meetings")
    with op.batch_alter_table("calendar_links") as batch:
        for column in ("failing_since", "failing_problem", "lease_until", "synced_at"):
            batch.drop_column(column)
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("decision_maker")
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("meeting_prompt")
