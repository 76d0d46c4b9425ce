"""Fixtures shared by every test: the database under test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), migrated once per run and emptied between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import migrate
from app.db import delete_all_rows, make_engine, make_session_factory
from app.models import Base
from tests.support.databases import backend_name, temporary_database
from tests.support.feeds import feeds  # noqa: F401 (a fixture: calendar feeds on 127.0.0.1)


def pytest_report_header() -> str:
    return f"database backend: {backend_name()}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """One migrated database for the run; tests empty it rather than recreate it."""
    with temporary_database(tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    factory = make_session_factory(engine)
    yield factory
    with factory.begin() as session:
        delete_all_rows(session, Base.metadata)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session
