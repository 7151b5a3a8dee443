"""Sign-in and sign-out pages, and access tokens in Settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.auth.authorization import AuthorizerDep, exempt, resource_permission
from greenroom.auth.sessions import end_session
from greenroom.auth.token_service import TokenRules
from greenroom.errors import GreenroomError
from greenroom.web.page import PageDep
from greenroom.web.views import local_path

router = APIRouter(include_in_schema=False)
SCOPE_CHOICES = (
    ("*", "Everything you may do"),
    ("read", "Read only"),
    ("catalog.*", "The catalog: read, refresh, register and remove"),
)


@router.get("/auth/sign-in", response_class=HTMLResponse)
def sign_in_page(
    page: PageDep, next_: Annotated[str, Query(alias="next")] = "/catalog"
) -> HTMLResponse:
    settings = page.runtime.settings
    return page.render(
        "auth/sign_in.html",
        {
            "providers": settings.auth.oidc,
            "proxy": settings.auth.proxy.enabled,
            "next": local_path(next_),
        },
    )


@router.post(
    "/auth/sign-out",
    dependencies=[exempt("signing out only ends one's own session", audit_action="auth.sign_out")],
)
def sign_out(page: PageDep) -> RedirectResponse:
    end_session(page.request)
    return RedirectResponse("/auth/sign-in", status_code=303)


@router.get("/settings/tokens", response_class=HTMLResponse)
def tokens_page(page: PageDep, authorizer: AuthorizerDep) -> HTMLResponse:
    return _render_tokens(page, authorizer)


@router.post("/settings/tokens", response_class=HTMLResponse, dependencies=[resource_permission()])
def create_token(
    page: PageDep,
    authorizer: AuthorizerDep,
    name: Annotated[str, Form(max_length=200)],
    scope: Annotated[str, Form()] = "*",
    days: Annotated[int, Form(ge=1, le=366)] = 90,
) -> HTMLResponse:
    try:
        with page.runtime.database.transaction(write=True) as session:
            issued = TokenRules(session, authorizer).create(
                name=name, scopes=[scope], days=days, user_ref=None
            )
    except GreenroomError as exc:
        return _render_tokens(page, authorizer, error=exc.message, status_code=exc.status_code)
    return _render_tokens(page, authorizer, created=issued.token, created_name=issued.row.name)


@router.post("/settings/tokens/{token_id}/revoke", dependencies=[resource_permission()])
def revoke_token(page: PageDep, authorizer: AuthorizerDep, token_id: str) -> RedirectResponse:
    with page.runtime.database.transaction(write=True) as session:
        TokenRules(session, authorizer).revoke(token_id)
    return RedirectResponse("/settings/tokens", status_code=303)


def _render_tokens(
    page: PageDep, authorizer: AuthorizerDep, *, status_code: int = 200, **context: object
) -> HTMLResponse:
    tokens = TokenRules(page.session, authorizer).visible(everyone=False)
    context.setdefault("created", None)
    context.setdefault("error", None)
    return page.render(
        "auth/tokens.html",
        {"tokens": tokens, "scope_choices": SCOPE_CHOICES, **context},
        status_code=status_code,
    )
