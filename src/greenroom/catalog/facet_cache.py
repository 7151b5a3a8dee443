"""A process-wide cache of facet answers, exact because it is keyed on the catalog generation.

The catalog page asks for the same facets on every load; at 100,000 entities
they cost tens of milliseconds. The generation (catalog_state) changes with
every committed change to entities, on any replica, so a cached answer is
never served for a catalog that has changed since.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

MAX_CACHED_VALUES = 5000
"""Answers with more distinct values than this are not kept (memory stays bounded)."""

FacetKey = tuple[int, tuple[str, ...], tuple[str, ...]]
"""(generation, facets, filters)."""


class FacetCache:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[FacetKey, dict[str, list[dict[str, Any]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: FacetKey) -> dict[str, list[dict[str, Any]]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: FacetKey, value: dict[str, list[dict[str, Any]]]) -> None:
        if sum(len(values) for values in value.values()) > MAX_CACHED_VALUES:
            return  # a facet over names or ids is not worth memory; it is computed each time
        with self._lock:
            # Answers for older generations can never be asked for again.
            for stale in [k for k in self._items if k[0] < key[0]]:
                del self._items[stale]
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
