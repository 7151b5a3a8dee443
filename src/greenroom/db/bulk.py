"""Bulk inserts at the driver level: executemany on SQLite, COPY on PostgreSQL.

Catalog ingestion writes millions of search and relation rows; going through
SQLAlchemy's per-row parameter processing costs more than the database does.
Rows here are plain tuples whose values need no conversion (str, int, None).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
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


def time_ordered_uid() -> str:
    """A UUID (version 7 layout) whose leading bits are the time.

    Entities created together get neighbouring ids, so every index that starts
    with the uid is appended to instead of written at random places.
    """
    millis = time.time_ns() // 1_000_000
    random_a = int.from_bytes(os.urandom(2), "big") & 0x0FFF
    random_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76 | random_a << 64  # version 7, then 12 random bits
    value |= 0b10 << 62 | random_b  # RFC 4122 variant, then 62 random bits
    return str(uuid.UUID(int=value))
