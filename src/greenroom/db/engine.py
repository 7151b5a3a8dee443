"""Engines for SQLite (embedded default) and PostgreSQL, tuned for each."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from greenroom.errors import ConfigurationError


def build_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout so readers never block writers."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError, but any parse failure is config
        raise ConfigurationError(f"database URL is not valid: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # A bounded pool bounds memory too: each connection keeps its own page cache.
            kwargs.setdefault("pool_size", 4)
            kwargs.setdefault("max_overflow", 4)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
        kwargs.setdefault("pool_pre_ping", True)
        # psycopg prepares a statement run five times, and PostgreSQL may then plan it
        # once for any value. The catalog's values are skewed (two thirds of entities
        # are components), and a plan for "some kind" is often the wrong one: a
        # kind+type+lifecycle page took 5.6 ms prepared and 0.3 ms planned for its
        # values. Statements are planned for their values; planning costs far less.
        kwargs.setdefault("connect_args", {}).setdefault("prepare_threshold", None)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _configure_postgres)
        return engine
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def _configure_postgres(dbapi_connection: Any, _record: Any) -> None:
    # The API's queries are short and many run at once; parallel workers cost more to
    # start than they save (a full-text count at 100,000 entities: 17 ms with two
    # workers, 9 ms without, on a 2-core machine) and take cores from other requests.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    dbapi_connection.commit()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is disabled so that SQLAlchemy's BEGIN
    # (emitted in _begin_sqlite) is the only one; this is the documented recipe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Ingestion writes millions of index entries: a larger page cache (64 MiB per
    # connection, and the pool is bounded) and rarer WAL checkpoints (64 MiB of WAL
    # instead of 4) keep those writes mostly in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    # Temporary data (the sorts of index builds after a bulk load) goes to temporary
    # files, not memory: sorting millions of index entries in RAM costs hundreds of MiB.
    cursor.close()


begin_immediately: ContextVar[bool] = ContextVar("greenroom_begin_immediately", default=False)
"""Set while a write transaction begins, so SQLite takes the write lock at once."""


def _begin_sqlite(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if begin_immediately.get() else "BEGIN")
