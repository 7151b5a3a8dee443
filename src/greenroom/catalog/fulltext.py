"""Trigram indexes for full text on names, titles and display names.

Backstage's full text is a substring match (`LIKE %term%`). Without an index,
counting a term's matches reads every entity of the kind (about 12 ms at 68,000
components on either database); a trigram index answers it from the few
hundred entities that hold the term's three-letter pieces (1-5 ms).

- PostgreSQL: `pg_trgm` GIN indexes on the three columns and on the three in one
  text (see COMBINED_SQL), used by `LIKE`. Where
  the extension cannot be installed (no privilege), the same `LIKE` runs without
  them. Like the other query indexes they are built after a bulk load.
- SQLite: an FTS5 table with the trigram tokenizer over the three columns,
  kept in step with `catalog_entities` by triggers, matched by rowid.

Terms shorter than three characters have no trigram: they are answered by a
scan, as before. The schema objects here are not in the SQLAlchemy models
(they exist on one database each), so migrations' autogenerate ignores them.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, text

log = logging.getLogger(__name__)

COLUMNS = ("name", "title", "display_name")
MIN_TERM_LENGTH = 3
"""A term shorter than this has no trigram for an index to look up."""

COMBINED_SQL = "(name || ' ' || coalesce(title, '') || ' ' || coalesce(display_name, ''))"
"""The three columns in one text (PostgreSQL): its index finds the candidates of any of them.

Queries add it to their per-column conditions. Two correlated conditions make the
planner expect few rows, so it uses the trigram indexes even for a term in thousands
of entities (4 ms) instead of reading the kind's whole name index (11-16 ms)."""
POSTGRES_INDEXES = {
    **{column: f"ix_catalog_entities_{column}_trgm" for column in COLUMNS},
    COMBINED_SQL: "ix_catalog_entities_fulltext_trgm",
}
SQLITE_TABLE = "catalog_fulltext"
_SQLITE_TRIGGERS = {
    "catalog_fulltext_insert": (
        "AFTER INSERT ON catalog_entities BEGIN "
        "INSERT INTO catalog_fulltext (rowid, name, title, display_name) "
        "VALUES (new.rowid, new.name, new.title, new.display_name); END"
    ),
    "catalog_fulltext_delete": (
        "AFTER DELETE ON catalog_entities BEGIN "
        "INSERT INTO catalog_fulltext (catalog_fulltext, rowid, name, title, display_name) "
        "VALUES ('delete', old.rowid, old.name, old.title, old.display_name); END"
    ),
    "catalog_fulltext_update": (
        "AFTER UPDATE OF name, title, display_name ON catalog_entities BEGIN "
        "INSERT INTO catalog_fulltext (catalog_fulltext, rowid, name, title, display_name) "
        "VALUES ('delete', old.rowid, old.name, old.title, old.display_name); "
        "INSERT INTO catalog_fulltext (rowid, name, title, display_name) "
        "VALUES (new.rowid, new.name, new.title, new.display_name); END"
    ),
}


def is_fulltext_object(name: str | None) -> bool:
    """True for this module's tables and indexes (and FTS5's shadow tables)."""
    return bool(name) and (str(name).startswith(SQLITE_TABLE) or name in POSTGRES_INDEXES.values())


def create_fulltext_index(connection: Connection) -> None:
    """Create whatever is missing (the migration, the end of a bulk load, a start)."""
    if connection.dialect.name == "sqlite":
        _create_on_sqlite(connection)
    elif connection.dialect.name == "postgresql":
        _create_on_postgres(connection)


def drop_postgres_indexes(connection: Connection) -> None:
    """Drop the GIN indexes before filling an empty catalog (SQLite's table stays)."""
    if connection.dialect.name == "postgresql":
        for name in POSTGRES_INDEXES.values():
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


def drop_fulltext_index(connection: Connection) -> None:
    """Remove every object of this module (the migration's downgrade)."""
    if connection.dialect.name == "sqlite":
        for trigger in _SQLITE_TRIGGERS:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {SQLITE_TABLE}"))
    else:
        drop_postgres_indexes(connection)


def has_trigram_extension(connection: Connection) -> bool:
    return bool(
        connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
    )


def install_trigram_extension(connection: Connection) -> bool:
    """Install pg_trgm if this role may; False (with a warning) when it may not."""
    if has_trigram_extension(connection):
        return True
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception as exc:  # a missing privilege or a server without contrib
        log.warning(
            "PostgreSQL extension pg_trgm could not be installed (%s); full-text filters "
            "work without its indexes, only slower. An administrator can run "
            "CREATE EXTENSION pg_trgm and restart greenroom.",
            str(exc).splitlines()[0],
        )
        return False
    return True


def _create_on_postgres(connection: Connection) -> None:
    if not has_trigram_extension(connection):
        return
    for expression, name in POSTGRES_INDEXES.items():
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {name} ON catalog_entities "
                f"USING gin ({expression} gin_trgm_ops)"
            )
        )


def _create_on_sqlite(connection: Connection) -> None:
    created = not _sqlite_objects(connection, "table", [SQLITE_TABLE])
    if created:
        connection.execute(
            text(
                f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5("
                "name, title, display_name, content='catalog_entities', "
                "content_rowid='rowid', tokenize='trigram')"
            )
        )
    present = _sqlite_objects(connection, "trigger", list(_SQLITE_TRIGGERS))
    for trigger, body in _SQLITE_TRIGGERS.items():
        if trigger not in present:
            connection.execute(text(f"CREATE TRIGGER {trigger} {body}"))
    if created or len(present) < len(_SQLITE_TRIGGERS):
        # Entities written while a trigger was missing are indexed now.
        connection.execute(
            text("INSERT INTO catalog_fulltext (catalog_fulltext) VALUES ('rebuild')")
        )


def _sqlite_objects(connection: Connection, kind: str, names: list[str]) -> set[str]:
    rows: Any = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = :kind"), {"kind": kind}
    )
    return {row[0] for row in rows if row[0] in names}
