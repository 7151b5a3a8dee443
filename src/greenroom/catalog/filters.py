"""Backstage's catalog filter syntax, parsed into a structure the repository compiles.

`filter=a=b,c=d&filter=e=f` means (a=b AND c=d) OR e=f; inside one set a key
repeated is OR'ed (`kind=component,kind=api`); a key without `=` asks that it
exists. Keys and values compare case-insensitively; values over 200 characters
never match (they are not indexed).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from greenroom.errors import InputError

MAX_VALUE_LENGTH = 200
MAX_FILTER_SETS = 50
MAX_STATEMENTS = 100
"""Bounds on one query's filter, far above what any catalog view sends: a filter of
thousands of sets or values is an attack on the database, not a question."""


@dataclass(frozen=True)
class FilterSet:
    """Keys that must all match; each key matches any of its values (or just exists)."""

    conditions: dict[str, frozenset[str] | None]


@dataclass(frozen=True)
class EntityFilter:
    """Filter sets, any of which may match. No sets: everything matches."""

    sets: tuple[FilterSet, ...] = ()


@dataclass(frozen=True)
class SortField:
    field: str
    order: str = "asc"


@dataclass(frozen=True)
class FullTextFilter:
    term: str
    fields: tuple[str, ...]


@dataclass
class EntityQuery:
    """What `GET /entities/by-query` and `greenroom catalog ls` ask for."""

    filter: EntityFilter = field(default_factory=EntityFilter)
    order: SortField = field(default_factory=lambda: SortField("metadata.uid"))
    full_text: FullTextFilter | None = None
    limit: int = 20
    offset: int | None = None
    fields: tuple[str, ...] = ()
    refs: frozenset[str] | None = None
    """Only these entity refs (the UI's Starred view); None means no restriction."""
    status: Literal["orphan", "error"] | None = None
    """Only orphans, or only entities whose last processing failed (the UI's status filter)."""


def parse_filter_params(params: Sequence[str]) -> EntityFilter:
    """Parse repeated `filter=` query parameters."""
    if len(params) > MAX_FILTER_SETS:
        raise InputError(f"At most {MAX_FILTER_SETS} filter sets, got {len(params)}")
    sets: list[FilterSet] = []
    for raw in params:
        if raw.count(",") >= MAX_STATEMENTS:
            raise InputError(f"At most {MAX_STATEMENTS} statements in one filter set")
        conditions: dict[str, set[str] | None] = {}
        for statement in raw.split(","):
            if not statement.strip():
                continue
            key, has_value, value = statement.partition("=")
            key = key.strip().lower()
            if not key:
                raise InputError(f"Invalid filter {raw!r}: a statement has an empty key")
            if not has_value:
                # "exists" OR "equals x" is just "exists", in whichever order they come.
                conditions[key] = None
                continue
            if key in conditions and conditions[key] is None:
                continue
            values = conditions.setdefault(key, set())
            assert values is not None
            values.add(value.strip().lower())
        if conditions:
            sets.append(
                FilterSet(
                    {k: (frozenset(v) if v is not None else None) for k, v in conditions.items()}
                )
            )
    return EntityFilter(tuple(sets))


def parse_order_field(values: Sequence[str]) -> SortField:
    """`orderField=metadata.name,desc`; only the first one is used, as in Backstage."""
    if not values:
        return SortField("metadata.uid")
    field_name, _, order = values[0].partition(",")
    field_name = field_name.strip()
    order = (order or "asc").strip().lower()
    if not field_name:
        raise InputError("Invalid orderField: the field is empty")
    if order not in {"asc", "desc"}:
        raise InputError(f"Invalid orderField {values[0]!r}: the order must be asc or desc")
    return SortField(field_name, order)


def parse_list_order(value: str) -> SortField:
    """`order=asc:metadata.name` of the deprecated `GET /entities`."""
    direction, separator, field_name = value.partition(":")
    if not separator or direction not in {"asc", "desc"} or not field_name.strip():
        raise InputError(f"Invalid order {value!r}: expected asc:<field> or desc:<field>")
    return SortField(field_name.strip(), direction)


def parse_fields(values: Sequence[str]) -> tuple[str, ...]:
    """`fields=metadata.name,spec.type` (repeatable) for projection."""
    fields: list[str] = []
    for value in values:
        fields.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(fields)


def project(entity: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Keep only the given dotted subtrees of an entity."""
    if not fields:
        return entity
    result: dict[str, Any] = {}
    for path in fields:
        parts = path.split(".")
        source: Any = entity
        for part in parts:
            if not isinstance(source, dict) or part not in source:
                source = _MISSING
                break
            source = source[part]
        if source is _MISSING:
            continue
        target = result
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = source
    return result


_MISSING = object()


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError("Malformed cursor: it was not produced by this catalog") from exc
    if not isinstance(data, dict):
        raise InputError("Malformed cursor: it was not produced by this catalog")
    return data
