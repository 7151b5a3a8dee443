"""A page being rendered: the request, its database session, who is asking, and the frame.

HTML routes depend on `PageDep` and end with `page.render("domain/x.html", {...})`;
the frame (sidebar, search box, identity, theme, CSRF token) is filled in here,
once, for every domain's pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.templating import Jinja2Templates

from greenroom.auth.identity import Identity, resolve_identity
from greenroom.request_scope import SessionDep
from greenroom.runtime import Runtime
from greenroom.web.csrf import csrf_token
from greenroom.web.extensions import NavEntry

IDENTITY_KEY = "identity"
THEMES = ("auto", "light", "dark")


@dataclass(frozen=True)
class Frame:
    """What every page shares, built once when the app starts."""

    templates: Jinja2Templates
    navigation: tuple[NavEntry, ...]


@dataclass
class Page:
    request: Request
    session: Session
    identity: Identity | None

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.request.app.state.runtime
        return runtime

    def render(
        self, template: str, context: Mapping[str, Any] | None = None, *, status_code: int = 200
    ) -> HTMLResponse:
        return render_page(
            self.request, template, context or {}, self.identity, status_code=status_code
        )


def render_page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    identity: Identity | None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    frame: Frame = request.app.state.frame
    settings = request.app.state.settings
    theme = request.session.get("theme")
    path = request.url.path
    frame_context = {
        "identity": identity,
        "navigation": [entry for entry in frame.navigation if entry.section == "main"],
        "footer_navigation": [entry for entry in frame.navigation if entry.section == "footer"],
        "active_path": max(
            (entry.path for entry in frame.navigation if _within(path, entry.path)),
            key=len,
            default=None,
        ),
        "theme": theme if theme in THEMES else "auto",
        "csrf_token": csrf_token(request),
        "portal_title": settings.ui.title,
        "development_identity": settings.development_identity_enabled,
        "search_term": request.query_params.get("q", "") if path == "/search" else "",
    }
    return frame.templates.TemplateResponse(
        request, template, {**frame_context, **context}, status_code=status_code
    )


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def request_identity(request: Request, session: Session) -> Identity | None:
    """Who is asking: the development identity kept in the signed session cookie."""
    settings = request.app.state.settings
    user_ref = request.session.get(IDENTITY_KEY)
    if not settings.development_identity_enabled or not isinstance(user_ref, str):
        return None
    return resolve_identity(session, user_ref, "development")


def get_page(request: Request, session: SessionDep) -> Page:
    return Page(request=request, session=session, identity=request_identity(request, session))


PageDep = Annotated[Page, Depends(get_page)]
