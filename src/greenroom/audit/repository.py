"""All SQL of the audit log: append, and read pages newest first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, insert, select
from sqlalchemy.orm import Session

from greenroom.audit.models import AuditEventRow

events = cast(Table, AuditEventRow.__table__)
COLUMNS = [column.name for column in events.columns]


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    """An action name, or a prefix ending in `.` or `*` (`catalog.`)."""
    outcome: str | None = None
    resource: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, values: dict[str, Any]) -> None:
        self.session.execute(insert(events).values(**values))

    def page(
        self, where: AuditFilter, *, before_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        """Events newest first; `before_id` continues after the last row of a page."""
        statement = _filtered(select(events), where).order_by(events.c.id.desc()).limit(limit)
        if before_id is not None:
            statement = statement.where(events.c.id < before_id)
        return [dict(row._mapping) for row in self.session.execute(statement)]

    def stream(self, where: AuditFilter, *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every matching event, oldest first, read in batches (for exports)."""
        after = 0
        while True:
            statement = (
                _filtered(select(events), where)
                .where(events.c.id > after)
                .order_by(events.c.id)
                .limit(batch)
            )
            rows = [dict(row._mapping) for row in self.session.execute(statement)]
            if not rows:
                return
            yield from rows
            after = rows[-1]["id"]


def _filtered(statement: Select[Any], where: AuditFilter) -> Select[Any]:
    if where.actor:
        statement = statement.where(events.c.actor == where.actor.lower())
    if where.action:
        if where.action.endswith(("*", ".")):
            statement = statement.where(events.c.action.startswith(where.action.rstrip("*")))
        else:
            statement = statement.where(events.c.action == where.action)
    if where.outcome:
        statement = statement.where(events.c.outcome == where.outcome)
    if where.resource:
        statement = statement.where(events.c.resource == where.resource)
    if where.since:
        statement = statement.where(events.c.occurred_at >= where.since)
    if where.until:
        statement = statement.where(events.c.occurred_at < where.until)
    return statement
