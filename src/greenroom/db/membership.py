"""`column IN (values)` written the way each database answers it fastest.

PostgreSQL parses and plans an `IN` list of several hundred parameters as that
many expressions; one array parameter with `= ANY(...)` is a single value and
is several times cheaper to send, parse and plan (the catalog's conflict check
of 500 refs: about 58 ms as a list, see the commit that added this). SQLite
has no arrays, and its `IN` list is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(column: ColumnElement[Any], values: Sequence[str], dialect: str) -> ColumnElement[bool]:
    """`column` equals one of `values` (strings)."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(list(values))
