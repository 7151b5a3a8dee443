"""`/catalog`: one table of everything, filtered from the URL; plus `/api-docs` and `/docs`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from greenroom.catalog.browse import (
    FILTER_KEYS,
    PAGE_SIZES,
    SORT_FIELDS,
    CatalogBrowser,
    parse_view,
)
from greenroom.catalog.columns import column_values, columns_for_kind
from greenroom.catalog.facet_cache import FacetCache
from greenroom.catalog.filters import SortField
from greenroom.catalog.service import CatalogService
from greenroom.web.page import Page, PageDep
from greenroom.web.repository import StarRepository

router = APIRouter(include_in_schema=False)
DOCS_ANNOTATION = "backstage.io/techdocs-ref"


@router.get("/catalog", response_class=HTMLResponse)
def catalog_index(page: PageDep) -> HTMLResponse:
    return render_index(page, title="Catalog", path="/catalog")


@router.get("/api-docs", response_class=HTMLResponse)
def api_index(page: PageDep) -> HTMLResponse:
    """Backstage's API explorer URL: the catalog's table of APIs."""
    return render_index(page, title="APIs", path="/api-docs", kind="api")


def render_index(page: Page, *, title: str, path: str, kind: str | None = None) -> HTMLResponse:
    params = {key: page.request.query_params.getlist(key) for key in page.request.query_params}
    if kind is not None:
        params["kind"] = [kind]
    view = parse_view(params)
    identity = page.identity
    starred = StarRepository(page.session).starred(identity.user_ref) if identity else []
    cache = page.runtime.service("catalog.facet_cache", lambda _: FacetCache())
    browser = CatalogBrowser(page.session, cache)
    result = browser.browse(view, identity.ownership_refs if identity else (), starred)
    extra_columns = columns_for_kind(page.runtime.settings.ui.catalog_columns, view.kind)
    context = {
        "title": title,
        "index_path": path,
        "fixed_kind": kind is not None,
        "result": result,
        "view": view,
        "params": view.params() | {"user": result.scope},
        "filter_names": list(FILTER_KEYS),
        "sortable": set(SORT_FIELDS),
        "page_sizes": PAGE_SIZES,
        "extra_columns": extra_columns,
        "extra_values": column_values(browser.catalog, result.entities, extra_columns),
        "starred_refs": {ref.lower() for ref in starred},
    }
    template = "catalog/index.html"
    if page.request.headers.get("HX-Target") == "catalog-view":
        template = "catalog/_view.html"  # a filter changed: only filters and table are swapped
    return page.render(template, context)


@router.get("/docs", response_class=HTMLResponse)
def docs_index(page: PageDep) -> HTMLResponse:
    """Every entity that declares TechDocs (`backstage.io/techdocs-ref`)."""
    documented = CatalogService(page.session).query(
        filters=[f"metadata.annotations.{DOCS_ANNOTATION}"],
        order=SortField("metadata.name"),
        limit=1000,
    )
    return page.render("catalog/docs_index.html", {"documented": documented})


@router.get("/create", response_class=HTMLResponse)
def create_index(page: PageDep) -> HTMLResponse:
    """The software templates in the catalog, and registering an existing component."""
    templates = CatalogService(page.session).query(
        filters=["kind=template"], order=SortField("metadata.name"), limit=1000
    )
    return page.render("catalog/create.html", {"templates": templates})
