"""Reading the audit log: filters from people's input, pages, exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from greenroom.audit.repository import AuditFilter, AuditRepository
from greenroom.errors import InputError

OUTCOMES = ("allowed", "denied", "failed", "rejected", "unchecked")
MAX_PAGE = 500


def parse_filter(
    *,
    actor: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    resource: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> AuditFilter:
    if outcome and outcome not in OUTCOMES:
        raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    return AuditFilter(
        actor=actor.strip() or None if actor else None,
        action=action.strip() or None if action else None,
        outcome=outcome or None,
        resource=resource.strip() or None if resource else None,
        since=_moment("since", since),
        until=_moment("until", until),
    )


def _moment(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"{name} must be an ISO 8601 date or time, got {value!r}") from exc
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    # Stored in UTC (SQLite compares the text), so compare in UTC.
    return moment.astimezone(UTC)


class AuditService:
    def __init__(self, session: Session) -> None:
        self.events = AuditRepository(session)

    def page(self, where: AuditFilter, *, before: int | None, limit: int) -> dict[str, Any]:
        """Newest first; `nextBefore` continues with older events."""
        if limit < 1 or limit > MAX_PAGE:
            raise InputError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
        rows = self.events.page(where, before_id=before, limit=limit + 1)
        items, more = rows[:limit], len(rows) > limit
        return {
            "items": [serialise(row) for row in items],
            "nextBefore": items[-1]["id"] if more and items else None,
        }

    def export(self, where: AuditFilter) -> Iterator[dict[str, Any]]:
        return (serialise(row) for row in self.events.stream(where))


def serialise(row: dict[str, Any]) -> dict[str, Any]:
    occurred: datetime = row["occurred_at"]
    return {**row, "occurred_at": occurred.isoformat()}
