"""Identities resolved from the catalog, kept while the catalog does not change.

Resolving an identity reads the user's entity, its relations and the hierarchy of
its groups: four queries on every request a person or a token makes. The answer
changes only when entities change, and every committed change to entities bumps
the catalog's generation (see catalog/repository.bump_generation), so an identity
is kept per generation: exact across replicas, at the cost of reading the
generation. A token's validity is not cached: it is checked on every request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from greenroom.auth.identity import Identity
from greenroom.runtime import Runtime

MAX_ENTRIES = 2048
TTL_SECONDS = 300.0
"""Also forget an entry after this long, should a generation ever go back (a restore)."""


class IdentityCache:
    """A bounded map from (user, source, generation, ownership rules) to an identity."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: float = TTL_SECONDS) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, Identity | None]] = OrderedDict()
        self._max_entries = max_entries
        self._ttl = ttl
        self._lock = threading.Lock()

    def get_or_resolve(
        self, key: Hashable, resolve: Callable[[], Identity | None]
    ) -> Identity | None:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < self._ttl:
                self._entries.move_to_end(key)
                return entry[1]
        identity = resolve()
        with self._lock:
            self._entries[key] = (now, identity)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return identity


def identity_cache(runtime: Runtime) -> IdentityCache:
    """The process's cache, built on first use."""
    return runtime.service("auth.identity_cache", lambda _: IdentityCache())
