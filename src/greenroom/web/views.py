"""The shell's own pages: the home redirect, global search, settings, stars, support."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from greenroom.auth.authorization import exempt
from greenroom.catalog.service import CatalogService, canonical_ref
from greenroom.errors import InputError, NotAllowedError
from greenroom.web.extensions import SearchResult
from greenroom.web.page import THEMES, PageDep
from greenroom.web.repository import StarRepository

router = APIRouter(include_in_schema=False)
SEARCH_LIMIT = 20


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/catalog", status_code=307)


@router.get("/search", response_class=HTMLResponse)
def search(page: PageDep, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    term = q.strip()
    results: list[SearchResult] = []
    if term:
        for contributed in page.runtime.plugins.hook.search_results(
            session=page.session, term=term, limit=SEARCH_LIMIT
        ):
            results.extend(contributed)
    return page.render("web/search.html", {"term": term, "results": results[: SEARCH_LIMIT * 3]})


@router.get("/settings", response_class=HTMLResponse)
def settings_page(page: PageDep) -> HTMLResponse:
    starred = []
    if page.identity is not None:
        refs = StarRepository(page.session).starred(page.identity.user_ref)
        found = dict(zip(refs, CatalogService(page.session).by_refs(refs), strict=True))
        starred = [(ref, found[ref]) for ref in refs]
    return page.render("web/settings.html", {"starred": starred, "themes": THEMES})


@router.post(
    "/settings/theme",
    dependencies=[
        exempt("a display preference kept in one's own session", audit_action="settings.theme")
    ],
)
def set_theme(request: Request, theme: Annotated[str, Form()]) -> RedirectResponse:
    if theme not in THEMES:
        raise InputError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
    request.session["theme"] = theme
    return RedirectResponse("/settings", status_code=303)


@router.post(
    "/stars",
    dependencies=[
        exempt("one's own starred list; needs a signed-in person", audit_action="settings.star")
    ],
)
def toggle_star(
    page: PageDep,
    entity_ref: Annotated[str, Form(max_length=512)],
    starred: Annotated[bool, Form()],
    next_: Annotated[str, Form(alias="next")] = "/catalog",
) -> Response:
    """Star or unstar an entity; htmx swaps the button, a plain form post goes back."""
    if page.identity is None:
        raise NotAllowedError("Sign in to star entities.")
    ref = canonical_ref(entity_ref)
    with page.runtime.database.transaction(write=True) as session:
        repository = StarRepository(session)
        if starred:
            repository.star(page.identity.user_ref, ref)
        else:
            repository.unstar(page.identity.user_ref, ref)
    if page.request.headers.get("HX-Request") == "true":
        response = page.render("web/_star_button.html", {"star_ref": ref, "is_starred": starred})
        response.headers["HX-Trigger"] = "stars-changed"  # counts elsewhere on the page follow
        return response
    return RedirectResponse(local_path(next_), status_code=303)


@router.get("/support", response_class=HTMLResponse)
def support(page: PageDep) -> HTMLResponse:
    return page.render("web/support.html", {"ui": page.runtime.settings.ui})


def local_path(target: str) -> str:
    """`target` if it is a path on this portal, else `/`: redirects never leave the site."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
