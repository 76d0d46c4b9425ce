"""Interactions know whether an outcome is logged: `has_outcome`, kept by triggers on outcomes,
and a partial index of those still without one. The morning sweep read every interaction of
its reps' 60 days and probed outcomes for each (1.5M probes for 50,000 reps); it now reads only
the interactions awaiting an outcome.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 00:00:00.000000
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
POSTGRESQL_TRIGGER = """
CREATE FUNCTION interactions_have_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE interactions SET has_outcome = false WHERE id = OLD.interaction_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE interactions SET has_outcome = true WHERE id = NEW.interaction_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outcomes_have_interaction
    AFTER INSERT OR DELETE OR UPDATE OF interaction_id ON outcomes
    FOR EACH ROW EXECUTE FUNCTION interactions_have_outcome();
"""
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER outcomes_have_interaction ON outcomes")
        op.execute("DROP FUNCTION interactions_have_outcome()")
    else:
        for name in ("outcomes_logged", "outcomes_removed", "outcomes_moved"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_column("interactions", "has_outcome")
