"""`/admin/audit`: admins browse and filter the audit log."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from greenroom.audit.service import OUTCOMES, AuditService, parse_filter
from greenroom.auth.authorization import permission
from greenroom.web.page import PageDep

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
FILTERS = ("actor", "action", "outcome", "resource", "since", "until")


@router.get("/admin/audit", response_class=HTMLResponse, dependencies=[permission("audit.read")])
def audit_page(page: PageDep) -> HTMLResponse:
    params = page.request.query_params
    chosen = {name: params.get(name, "").strip() for name in FILTERS}
    before = params.get("before")
    where = parse_filter(**{name: value or None for name, value in chosen.items()})
    result = AuditService(page.session).page(
        where, before=int(before) if before and before.isdigit() else None, limit=PAGE_SIZE
    )
    return page.render(
        "audit/index.html", {"result": result, "chosen": chosen, "outcomes": OUTCOMES}
    )
