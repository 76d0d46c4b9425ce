"""Interactions know whether an outcome is logged: `has_outcome`, kept by triggers on outcomes,
and a partial index of those still without one. The morning sweep read every interaction of
its reps' 60 days and probed outcomes for each (1.5M probes for 50,000 reps); it now reads only
the interactions awaiting an outcome.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AWAITING_OUTCOME = "NOT has_outcome"

# An outcome logged, removed, or (never done today, but possible) moved to another interaction.
# On PostgreSQL the first two are statement-level, set-based over the statement's rows: a
# purge's or a bulk load's thousands of outcomes cost one UPDATE, not one each.
POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION outcomes_logged() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE interactions SET has_outcome = true
        WHERE id IN (SELECT interaction_id FROM logged) AND NOT has_outcome;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER outcomes_logged AFTER INSERT ON outcomes
        REFERENCING NEW TABLE AS logged FOR EACH STATEMENT EXECUTE FUNCTION outcomes_logged()""",
    """CREATE FUNCTION outcomes_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE interactions SET has_outcome = false
        WHERE id IN (SELECT interaction_id FROM removed) AND has_outcome;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER outcomes_removed AFTER DELETE ON outcomes
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION outcomes_removed()""",
    """CREATE FUNCTION outcomes_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE interactions SET has_outcome = false WHERE id = OLD.interaction_id;
        UPDATE interactions SET has_outcome = true WHERE id = NEW.interaction_id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER outcomes_moved AFTER UPDATE OF interaction_id ON outcomes
        FOR EACH ROW EXECUTE FUNCTION outcomes_moved()""",
)
SQLITE_TRIGGERS = (
    """CREATE TRIGGER outcomes_logged AFTER INSERT ON outcomes BEGIN
        UPDATE interactions SET has_outcome = 1 WHERE id = NEW.interaction_id;
    END""",
    """CREATE TRIGGER outcomes_removed AFTER DELETE ON outcomes BEGIN
        UPDATE interactions SET has_outcome = 0 WHERE id = OLD.interaction_id;
    END""",
    """CREATE TRIGGER outcomes_moved AFTER UPDATE OF interaction_id ON outcomes BEGIN
        UPDATE interactions SET has_outcome = 0 WHERE id = OLD.interaction_id;
        UPDATE interactions SET has_outcome = 1 WHERE id = NEW.interaction_id;
    END""",
)


def upgrade() -> None:
    op.add_column(
        "interactions",
        sa.Column("has_outcome", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(trigger)
    # After the triggers: an outcome logged meanwhile is marked by them, one before by this.
    op.execute(
        "UPDATE interactions SET has_outcome = true WHERE EXISTS "
        "(SELECT 1 FROM outcomes WHERE outcomes.interaction_id = interactions.id)"
    )
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_interactions_awaiting_outcome",
            "interactions",
            ["team_id", "rep_user_id", "scheduled_at"],
            postgresql_where=sa.text(AWAITING_OUTCOME),
            sqlite_where=sa.text(AWAITING_OUTCOME),
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    op.drop_index("ix_interactions_awaiting_outcome", table_name="interactions")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in ("outcomes_logged", "outcomes_removed", "outcomes_moved"):
        op.execute(f"DROP TRIGGER {name} ON outcomes" if postgresql else f"DROP TRIGGER {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_column("interactions", "has_outcome")
