"""Flattens an entity into lowercased `key=value` rows, as Backstage's search table does.

Rules (Backstage's `buildEntitySearch`): keys are dotted paths, lowercased;
arrays are descended, and an array of strings gives both `path=item` and
`path.item=true`; `relations`, `status` and `attachments` are not indexed;
keys over 200 characters are dropped and values over 200 characters are kept
as null (they match an existence filter, never an equality filter).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenroom.catalog.models import SEARCH_KEY_LENGTH, SEARCH_VALUE_LENGTH

_SKIPPED_ROOTS = frozenset({"relations", "status", "attachments"})

SearchPair = tuple[str, str | None, str | None]
"""(key, lowercased value or None, original value or None)."""


def flatten_entity(entity: Mapping[str, Any]) -> list[SearchPair]:
    """The distinct search rows of an entity; `metadata.namespace` always has one."""
    rows = _Rows()
    for key, item in entity.items():
        if key not in _SKIPPED_ROOTS:
            rows.walk(item, str(key))
    if not any(key == "metadata.namespace" for key, _, _ in rows.rows):
        rows.rows.append(("metadata.namespace", "default", "default"))
    return rows.rows


class _Rows:
    """Collects distinct rows while walking an entity (the ingestion hot path: no generators)."""

    __slots__ = ("rows", "seen")

    def __init__(self) -> None:
        self.rows: list[SearchPair] = []
        self.seen: set[tuple[str, str | None]] = set()

    def walk(self, value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self.walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    self.add(path, item)
                    self.add(f"{path}.{item}", "true")
                else:
                    self.walk(item, path)
        elif isinstance(value, str):
            self.add(path, value)
        elif value is None:
            self.add(path, None)
        elif isinstance(value, bool):
            self.add(path, "true" if value else "false")
        else:
            self.add(path, str(value))

    def add(self, key: str, original: str | None) -> None:
        lowered_key = key.lower()  # some characters grow when lowercased: check after
        if len(lowered_key) > SEARCH_KEY_LENGTH:
            return
        value = None if original is None else original.lower()
        if value is not None and len(value) > SEARCH_VALUE_LENGTH:
            value = None
        marker = (lowered_key, value)
        if marker not in self.seen:
            self.seen.add(marker)
            self.rows.append((lowered_key, value, original))
