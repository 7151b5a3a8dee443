"""The runtime of a command that works on this machine's configured database."""

from __future__ import annotations

from greenroom.db import migrate
from greenroom.ops.logging import configure_logging
from greenroom.runtime import Runtime
from greenroom.settings import get_settings


def local_runtime() -> Runtime:
    """Settings, database and plugins; an embedded SQLite database is upgraded first, as
    `greenroom serve` would (PostgreSQL is upgraded by the operator)."""
    settings = get_settings()
    configure_logging(settings.model_copy(update={"log_level": "WARNING"}))
    runtime = Runtime.build(settings)
    if runtime.database.dialect == "sqlite":
        migrate.upgrade(runtime.database.engine)
    return runtime
