"""Flattens an entity into lowercased `key=value` rows, as Backstage's search table does.

Rules (Backstage's `buildEntitySearch`): keys are dotted paths, lowercased;
arrays are descended, and an array of strings gives both `path=item` and
`path.item=true`; `relations`, `status` and `attachments` are not indexed;
keys over 200 characters are dropped and values over 200 characters are kept
as null (they match an existence filter, never an equality filter).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from greenroom.catalog.models import SEARCH_KEY_LENGTH, SEARCH_VALUE_LENGTH

_SKIPPED_ROOTS = frozenset({"relations", "status", "attachments"})

SearchPair = tuple[str, str | None, str | None]
"""(key, lowercased value or None, original value or None)."""


def flatten_entity(entity: Mapping[str, Any]) -> list[SearchPair]:
    """The distinct search rows of an entity; `metadata.namespace` always has one."""
    seen: set[tuple[str, str | None]] = set()
    rows: list[SearchPair] = []
    for key, original in _walk(entity, ""):
        lowered_key = key.lower()  # some characters grow when lowercased: check after
        if len(lowered_key) > SEARCH_KEY_LENGTH:
            continue
        value = None if original is None else original.lower()
        if value is not None and len(value) > SEARCH_VALUE_LENGTH:
            value = None
        marker = (lowered_key, value)
        if marker in seen:
            continue
        seen.add(marker)
        rows.append((lowered_key, value, original))
    if not any(key == "metadata.namespace" for key, _, _ in rows):
        rows.append(("metadata.namespace", "default", "default"))
    return rows


def _walk(value: Any, prefix: str) -> Iterator[tuple[str, str | None]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not prefix and key in _SKIPPED_ROOTS:
                continue
            yield from _walk(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield prefix, item
                yield f"{prefix}.{item}", "true"
            else:
                yield from _walk(item, prefix)
    elif value is None:
        yield prefix, None
    elif isinstance(value, bool):
        yield prefix, "true" if value else "false"
    else:
        yield prefix, str(value)
