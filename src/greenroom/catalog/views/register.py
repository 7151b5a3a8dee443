"""`/catalog-import`: register an existing component from a repository URL or path.

Analyze is a dry run that lists what would be created and what is wrong;
Import registers the location and processes it in the request, so the new
entities are in the catalog when the page answers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse

from greenroom.auth.authorization import permission
from greenroom.catalog.engine import catalog_engine
from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.providers import registered_source_key
from greenroom.catalog.service import CatalogService, LocationService, location_service
from greenroom.errors import GreenroomError, InputError
from greenroom.web.page import Page, PageDep

router = APIRouter(include_in_schema=False)
TargetForm = Annotated[str, Form(max_length=2048)]
MAX_LISTED = 500


@router.get("/catalog-import", response_class=HTMLResponse)
def import_form(page: PageDep) -> HTMLResponse:
    return _render(page, target="")


@router.post(
    "/catalog-import/analyze",
    response_class=HTMLResponse,
    dependencies=[permission("catalog.location.analyze")],
)
def analyze(page: PageDep, target: TargetForm) -> HTMLResponse:
    target = target.strip()
    try:
        location_type = location_type_of(target)
        body, _ = _locations(page).add(location_type, target, dry_run=True)
    except GreenroomError as exc:
        return _render(page, target=target, error=exc.message, status_code=exc.status_code)
    return _render(page, target=target, analysis=body)


@router.post(
    "/catalog-import/import",
    response_class=HTMLResponse,
    dependencies=[permission("catalog.location.create")],
)
def register(page: PageDep, target: TargetForm) -> HTMLResponse:
    target = target.strip()
    engine = catalog_engine(page.runtime)
    try:
        location_type = location_type_of(target)
        with page.runtime.database.transaction(write=True) as session:
            service = location_service(session, page.runtime)
            body, _ = service.add(location_type, target, dry_run=False)
    except GreenroomError as exc:
        return _render(page, target=target, error=exc.message, status_code=exc.status_code)
    location = body["location"]
    spec = SourceSpec(registered_source_key(location["id"]), "registered", location_type, target)
    engine.process_source(spec)
    engine.entities_changed()
    with page.runtime.database.transaction() as session:
        catalog = CatalogService(session)
        refs = catalog.queries.refs_of_source(spec.key, limit=MAX_LISTED)
        created = [entity for entity in catalog.by_refs(refs) if entity is not None]
    return _render(page, target="", imported={"location": location, "entities": created})


def location_type_of(target: str) -> str:
    """A URL (`https://`, `file://`, `git@`) is a `url` location; anything else is a path."""
    if not target:
        raise InputError("Enter a repository URL, a catalog file URL or a path.")
    if "://" in target or target.startswith("git@"):
        return "url"
    return "file"


def _locations(page: Page) -> LocationService:
    return location_service(page.session, page.runtime)


def _render(page: Page, *, target: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("analysis", None)
    context.setdefault("imported", None)
    context.setdefault("error", None)
    return page.render(
        "catalog/import.html", {"target": target, **context}, status_code=status_code
    )
