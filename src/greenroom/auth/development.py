"""The development identity: pick a catalog User to act as, kept in the signed session.

For trying the portal out before sign-in is configured. It is off when
`GREENROOM_ENV=production`, and every page says so while it is on.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.auth.authorization import exempt
from greenroom.auth.identity import resolve_identity
from greenroom.auth.sessions import start_session
from greenroom.catalog.filters import FullTextFilter, SortField
from greenroom.catalog.service import CatalogService, canonical_ref
from greenroom.errors import InputError, NotFoundError
from greenroom.web.page import PageDep
from greenroom.web.views import local_path

router = APIRouter(prefix="/auth", include_in_schema=False)
USER_LIST_LIMIT = 200


def _require_enabled(request: Request) -> None:
    if not request.app.state.settings.development_identity_enabled:
        raise NotFoundError("The development identity is turned off on this portal.")


EnabledDep = Depends(_require_enabled)


@router.get("/development", response_class=HTMLResponse, dependencies=[EnabledDep])
def choose_user(
    page: PageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    next_: Annotated[str, Query(alias="next")] = "/catalog",
) -> HTMLResponse:
    users = CatalogService(page.session).query(
        filters=["kind=user"],
        order=SortField("metadata.name"),
        full_text=FullTextFilter(q, ("metadata.name", "spec.profile.displayName"))
        if q.strip()
        else None,
        limit=USER_LIST_LIMIT,
    )
    return page.render(
        "auth/development.html",
        {"users": users["items"], "total": users["totalItems"], "q": q, "next": local_path(next_)},
    )


@router.post(
    "/development",
    dependencies=[
        EnabledDep,
        exempt("choosing a development identity is signing in", audit_action="auth.sign_in"),
    ],
)
def sign_in_as(
    page: PageDep,
    user_ref: Annotated[str, Form(max_length=512)],
    next_: Annotated[str, Form(alias="next")] = "/catalog",
) -> RedirectResponse:
    ref = canonical_ref(user_ref, default_kind="user")
    [user] = CatalogService(page.session).by_refs([ref])
    if user is None or user["kind"].lower() != "user":
        raise InputError(f"There is no User {ref} in the catalog.")
    start_session(page.request, ref, "development")
    page.request.state.identity = resolve_identity(page.session, ref, "development")
    return RedirectResponse(local_path(next_), status_code=303)
