"""Database engine, sessions and the few dialect-specific statements the product needs."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

# Slack gives up on a request after 3 s: in the web app a statement that takes longer than this
# (a lock, a hung server) fails, and the person is told to try again, before Slack's deadline.
REQUEST_STATEMENT_TIMEOUT_S = 2.0
# The sweeps have no such deadline, but a hung server must still not hold them for ever.
SWEEP_STATEMENT_TIMEOUT_S = 60.0
# A PostgreSQL server that accepts connections but never answers them (libpq: whole seconds).
CONNECT_TIMEOUT_S = 2
# Waiting for a free pooled connection: when every one is stuck, fail rather than queue.
POOL_TIMEOUT_S = 1.0
# A server that has vanished from the network (no RST) is noticed by the kernel in ~20 s.
TCP_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 2,
    "tcp_user_timeout": 20_000,  # ms of unacknowledged data
}
# The client waits this much longer than the server's statement_timeout: a server that enforces
# it answers first; one that never answers is cut off by the client (see DeadlineConnection).
CLIENT_GRACE_S = 0.5


def make_engine(
    url: str, *, statement_timeout_s: float | None = REQUEST_STATEMENT_TIMEOUT_S, **kwargs: Any
) -> Engine:
    """An engine with the settings the product relies on for each backend; every statement
    (and every wait for a lock) is bounded by `statement_timeout_s` (None: unbounded, for
    migrations). SQL parameters (user text) never reach a log or an error message."""
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        _create_private_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        busy_timeout_ms = int((statement_timeout_s or SWEEP_STATEMENT_TIMEOUT_S) * 1000)

        @event.listens_for(engine, "connect")
        def configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
            _configure_sqlite_connection(dbapi_connection, busy_timeout_ms)

        return engine
    # No JIT: PostgreSQL compiles a plan whose estimated cost passes jit_above_cost, and the
    # long IN lists of reps the sweeps and summaries bind inflate that estimate; compiling
    # took longer than running (1.9 s of a 3.4 s nudge sweep statement, docs/benchmarks.md).
    options = ["-c jit=off"]
    if statement_timeout_s is not None:
        options.append(f"-c statement_timeout={int(statement_timeout_s * 1000)}")
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "options": " ".join(options),
        **TCP_KEEPALIVES,
    }
    if kwargs.get("poolclass") is not NullPool:
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    if statement_timeout_s is not None:
        deadline_s = statement_timeout_s + CLIENT_GRACE_S

        @event.listens_for(engine, "do_connect")
        def connect_with_deadline(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
            connection = DeadlineConnection.connect(*cargs, **cparams)
            connection.deadline_s = deadline_s
            return connection

    return engine


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every exchange with the server (statement, commit, the pool's
    ping) ends within `deadline_s`. A server that stops answering mid-connection is not caught
    by statement_timeout (it is the server's) nor by keepalives (its kernel still answers): the
    connection is closed instead, SQLAlchemy drops it from the pool, and the thread is free."""

    deadline_s: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        try:
            return super().wait(gen, interval=interval, timeout=timeout or self.deadline_s)
        except psycopg.errors._WaitTimeout:  # psycopg's own timeout, raised by its wait loop
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {self.deadline_s} s"
            ) from None


def _create_private_sqlite_file(url: str) -> None:
    """Create a new database file readable by its owner only: it holds customer names and
    sales notes. SQLite gives its -wal and -shm files the database file's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # a missing directory: connecting reports it, as it always has


def _configure_sqlite_connection(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    # WAL lets the web process read while the scheduler writes; busy_timeout makes
    # concurrent writers wait (below Slack's deadline in the web app) instead of failing;
    # SQLite enforces foreign keys only on request.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
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


def insert_all_unless_exist(
    session: Session,
    model: type[_HasId],
    rows: Sequence[Mapping[str, Any]],
    conflict_columns: Sequence[str],
) -> None:
    """insert_unless_exists for many rows in one statement (a sweep's per-message rows)."""
    if not rows:
        return
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(model)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
    )
    session.execute(statement)
