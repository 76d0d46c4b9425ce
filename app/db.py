"""Database engine, sessions and the few dialect-specific statements the product needs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings the product relies on for each backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web process read while the scheduler writes; busy_timeout makes
    # concurrent writers wait instead of failing; SQLite enforces foreign keys only on request.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed at the end of the block, rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def database_is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not reachable" to a health check
        return False


def delete_all_rows(connection: Connection | Session, metadata: MetaData) -> None:
    """Empty every table of `metadata`, children first; the schema stays as it is."""
    for table in reversed(metadata.sorted_tables):
        connection.execute(table.delete())


class _HasId(Protocol):
    """A mapped class whose primary key is `id`, the one RETURNING reads."""

    id: Any


def insert_unless_exists(
    session: Session,
    model: type[_HasId],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
) -> Any | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None if the key existed.

    The building block of every idempotent write: two processes racing on the same key
    see exactly one winner, on SQLite and on PostgreSQL alike.
    """
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
        .returning(model.id)
    )
    return session.execute(statement).scalar_one_or_none()
