"""`GET /api/audit`: the audit log, newest first, for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from greenroom.audit.service import AuditService, parse_filter
from greenroom.auth.authorization import permission
from greenroom.request_scope import SessionDep

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", dependencies=[permission("audit.read")])
def list_events(
    session: SessionDep,
    actor: str | None = None,
    action: Annotated[str | None, Query(description="A name, or a prefix ending in `.`")] = None,
    outcome: str | None = None,
    resource: str | None = None,
    since: Annotated[str | None, Query(description="ISO 8601")] = None,
    until: Annotated[str | None, Query(description="ISO 8601")] = None,
    before: Annotated[int | None, Query(description="`nextBefore` of the previous page")] = None,
    limit: int = 100,
) -> dict[str, Any]:
    """Audit events matching the filters; pass `nextBefore` back as `before` for more."""
    where = parse_filter(
        actor=actor, action=action, outcome=outcome, resource=resource, since=since, until=until
    )
    return AuditService(session).page(where, before=before, limit=limit)
