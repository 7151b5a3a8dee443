"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured), real apps."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from greenroom.db import migrate
from greenroom.db.base import Base
from greenroom.db.models import import_all_models
from greenroom.db.session import Database

POSTGRES_URL = os.environ.get("GREENROOM_TEST_POSTGRES_URL")
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_report_header() -> str:
    return f"PostgreSQL: {POSTGRES_URL or 'not configured (set GREENROOM_TEST_POSTGRES_URL)'}"


def _database_params() -> list[str]:
    return ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(scope="session")
def postgres_worker_url(worker_id: str) -> Iterator[str]:
    """A PostgreSQL database of this xdist worker's own, migrated once."""
    if not POSTGRES_URL:
        pytest.skip("GREENROOM_TEST_POSTGRES_URL is not set")
    import psycopg

    base = make_url(POSTGRES_URL)
    # Named per test run as well as per worker: two runs on one server (a developer's
    # and CI's, say) must not reset each other's databases.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"p{os.getpid()}")[:12]
    name = f"greenroom_test_{run}_{worker_id}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} cannot be reached: {exc}")
    url = base.set(database=name, drivername="postgresql+psycopg").render_as_string(
        hide_password=False
    )
    database = Database.from_url(url)
    migrate.upgrade(database.engine)
    database.dispose()
    yield url
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=_database_params())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: a fresh SQLite file, or the worker's PostgreSQL one."""
    if request.param == "sqlite":
        db = Database.from_url(f"sqlite:///{tmp_path / 'greenroom.db'}")
        migrate.upgrade(db.engine)
    else:
        url = request.getfixturevalue("postgres_worker_url")
        db = Database.from_url(url)
        import_all_models()
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with db.engine.begin() as connection:
            # The audit log refuses TRUNCATE (it is append-only); a test database may.
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            connection.execute(text(f"TRUNCATE {tables} CASCADE"))
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    yield db
    db.dispose()
