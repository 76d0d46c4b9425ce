"""The database keeps what reps wrote to itself: a private SQLite file, no SQL parameters in
errors (which reach the logs); and the settings every PostgreSQL session starts with."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import make_engine

SECRET_TEXT = "Dana agrees to the pricing review"


def test_a_new_sqlite_database_and_its_wal_and_shm_are_private(tmp_path) -> None:
    path = tmp_path / "coach.db"
    previous = os.umask(0o022)  # the usual default, under which SQLite creates 0644 files
    try:
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE notes (body TEXT)"))
            connection.execute(text("INSERT INTO notes VALUES ('x')"))
        with engine.connect() as connection:  # the -wal and -shm exist while a connection is open
            connection.execute(text("SELECT 1"))
            files = [path, path.with_name("coach.db-wal"), path.with_name("coach.db-shm")]
            modes = {file.name: stat.S_IMODE(file.stat().st_mode) for file in files}
        engine.dispose()
    finally:
        os.umask(previous)
    assert modes == {file.name: 0o600 for file in files}


def test_an_existing_sqlite_database_keeps_its_mode(tmp_path) -> None:
    path = tmp_path / "coach.db"
    path.touch(mode=0o640)  # an admin's choice, say for a backup group
    os.chmod(path, 0o640)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_statement_does_not_carry_its_parameters(engine) -> None:
    with pytest.raises(SQLAlchemyError) as failure, engine.connect() as connection:
        connection.execute(text("INSERT INTO no_such_table VALUES (:body)"), {"body": SECRET_TEXT})
    assert SECRET_TEXT not in str(failure.value)


def test_postgresql_sessions_bound_each_statement_and_never_compile_plans(database_url) -> None:
    """Every request's statement has the request timeout; and no JIT: compiling a sweep's
    plan took longer than running it."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's settings")
    for timeout_s, shown in ((2.0, "2s"), (None, "0")):
        engine = make_engine(database_url, statement_timeout_s=timeout_s)
        try:
            with engine.connect() as connection:
                assert connection.scalar(text("SHOW jit")) == "off"
                assert connection.scalar(text("SHOW statement_timeout")) == shown
        finally:
            engine.dispose()
