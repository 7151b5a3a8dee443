"""Bulk inserts at the driver level: executemany on SQLite, COPY on PostgreSQL.

Catalog ingestion writes millions of search and relation rows; going through
SQLAlchemy's per-row parameter processing costs more than the database does.
Rows here are plain tuples; only columns whose type needs a conversion on this
database (a datetime or a boolean on SQLite) go through SQLAlchemy's converter.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def bulk_insert(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table` in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    names = ", ".join(columns)
    rows = _converted(
        rows, [table.c[name].type.bind_processor(connection.dialect) for name in columns]
    )
    if dialect == "postgresql":
        raw = connection.connection.driver_connection
        # Table and column names come from our own schema, never from input.
        statement = f"COPY {table.name} ({names}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608 - our names
    connection.exec_driver_sql(statement, list(rows))


def _converted(
    rows: Sequence[tuple[Any, ...]], processors: Sequence[Callable[[Any], Any] | None]
) -> Sequence[tuple[Any, ...]]:
    if not any(processors):
        return rows
    steps = [(index, step) for index, step in enumerate(processors) if step is not None]
    converted = []
    for row in rows:
        values = list(row)
        for index, step in steps:
            values[index] = step(values[index])
        converted.append(tuple(values))
    return converted


def time_ordered_uid() -> str:
    """A UUID (version 7 layout) whose leading bits are the time.

    Entities created together get neighbouring ids, so every index that starts
    with the uid is appended to instead of written at random places.
    """
    return time_ordered_uids(1)[0]


def time_ordered_uids(count: int) -> list[str]:
    """`count` time-ordered uids, with one read of the system's randomness for all."""
    millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    entropy = os.urandom(10 * count)
    uids = []
    for start in range(0, 10 * count, 10):
        random_a = int.from_bytes(entropy[start : start + 2], "big") & 0x0FFF
        random_b = int.from_bytes(entropy[start + 2 : start + 10], "big") & ((1 << 62) - 1)
        value = millis << 80
        value |= 0x7 << 76 | random_a << 64  # version 7, then 12 random bits
        value |= 0b10 << 62 | random_b  # RFC 4122 variant, then 62 random bits
        uids.append(str(uuid.UUID(int=value)))
    return uids
