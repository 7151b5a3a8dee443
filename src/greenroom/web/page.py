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

from greenroom.auth.authorization import Authorizer, get_authorizer
from greenroom.auth.identity import Identity
from greenroom.request_scope import SessionDep
from greenroom.runtime import Runtime
from greenroom.web.csrf import csrf_token
from greenroom.web.extensions import NavEntry

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
    authorizer: Authorizer

    @property
    def identity(self) -> Identity | None:
        return self.authorizer.identity

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.request.app.state.runtime
        return runtime

    def render(
        self, template: str, context: Mapping[str, Any] | None = None, *, status_code: int = 200
    ) -> HTMLResponse:
        return render_page(
            self.request, template, context or {}, self.authorizer, status_code=status_code
        )


def render_page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    authorizer: Authorizer | None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in the frame; `authorizer` is None only when the request has no identity
    that could be established (an error page about the credentials themselves)."""
    frame: Frame = request.app.state.frame
    settings = request.app.state.settings
    theme = request.session.get("theme")
    path = request.url.path
    can = authorizer.can if authorizer else (lambda *_: False)
    navigation = [e for e in frame.navigation if e.action is None or can(e.action)]
    frame_context = {
        "identity": authorizer.identity if authorizer else None,
        # Pages offer only what the person may do: `can("catalog.entity.refresh", resource)`.
        "can": can,
        "entity_resource": authorizer.entity if authorizer else None,
        "navigation": [entry for entry in navigation if entry.section == "main"],
        "footer_navigation": [entry for entry in navigation if entry.section == "footer"],
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
    response = frame.templates.TemplateResponse(
        request, template, {**frame_context, **context}, status_code=status_code
    )
    # htmx asks the same URLs for fragments: caches must not hand one out as the page.
    response.headers["Vary"] = "HX-Request, HX-Target"
    return response


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def get_page(request: Request, session: SessionDep) -> Page:
    return Page(request=request, session=session, authorizer=get_authorizer(request, session))


PageDep = Annotated[Page, Depends(get_page)]
