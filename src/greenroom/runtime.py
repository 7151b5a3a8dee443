"""What a running greenroom process holds: settings, the database, the plugins.

The web app and `greenroom worker` both build one `Runtime`; domains keep their
long-lived objects (a processing engine, a wake-up event) in `services`,
created lazily by the domain itself so that nothing is built that is not used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pluggy

from greenroom.db.session import Database
from greenroom.plugins import get_plugin_manager
from greenroom.settings import Settings

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    database: Database
    plugins: pluggy.PluginManager
    services: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, settings: Settings, database: Database | None = None) -> Runtime:
        return cls(
            settings=settings,
            database=database or Database.from_url(settings.resolved_database_url),
            plugins=get_plugin_manager(),
        )

    def service(self, key: str, factory: Callable[[Runtime], T]) -> T:
        """The domain object stored under `key`, built by `factory` on first use."""
        with self._lock:  # the worker thread and a request may both ask first
            if key not in self.services:
                self.services[key] = factory(self)
            return self.services[key]  # type: ignore[no-any-return]
