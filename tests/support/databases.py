"""Throwaway databases for tests: a SQLite file, or a fresh PostgreSQL database per use."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import normalize_database_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def backend_name() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


@contextmanager
def temporary_database(directory: Path, server: str | None = POSTGRES_URL) -> Iterator[str]:
    """A new, empty database URL: a SQLite file in `directory`, or a database created on the
    PostgreSQL `server` (the backend under test by default) and dropped afterwards."""
    if not server:
        yield f"sqlite:///{directory / f'coach-{uuid.uuid4().hex[:8]}.db'}"
        return
    server_url = make_url(normalize_database_url(server))
    name = f"coach_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
