"""Entity pages: `/catalog/{namespace}/{kind}/{name}[/{tab}]`, inspect, refresh, unregister."""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.auth.authorization import AuthorizerDep, resource_permission
from greenroom.catalog.engine import catalog_engine
from greenroom.catalog.providers import registered_source_key
from greenroom.catalog.service import CatalogService, RefreshService, location_service
from greenroom.errors import NotFoundError
from greenroom.web.extensions import EntityPage, EntityTab
from greenroom.web.page import Page, PageDep
from greenroom.web.repository import StarRepository
from greenroom.web.templating import entity_url

router = APIRouter(include_in_schema=False)
ENTITY_PATH = "/catalog/{namespace}/{kind}/{name}"
ChecksItself = resource_permission()


@router.get(ENTITY_PATH, response_class=HTMLResponse)
def entity_page(page: PageDep, namespace: str, kind: str, name: str) -> HTMLResponse:
    return show_tab(page, namespace, kind, name, "")


@router.get(ENTITY_PATH + "/inspect", response_class=HTMLResponse)
def inspect_entity(page: PageDep, namespace: str, kind: str, name: str) -> HTMLResponse:
    """The raw entity (YAML and JSON) and its ancestry; a dialog with htmx, else a page."""
    catalog = CatalogService(page.session)
    entity = catalog.by_name(kind, namespace, name)
    ancestry = catalog.ancestry(kind, namespace, name)
    context = {
        "entity": entity,
        "ref": _ref(entity),
        "as_yaml": yaml.safe_dump(entity, sort_keys=False, allow_unicode=True),
        "as_json": json.dumps(entity, indent=2, ensure_ascii=False),
        "ancestry": [item["entity"] for item in ancestry["items"]],
    }
    if page.request.headers.get("HX-Request") == "true":
        return page.render("catalog/_inspect.html", context)
    return page.render("catalog/inspect.html", context)


@router.get(ENTITY_PATH + "/unregister", response_class=HTMLResponse)
def confirm_unregister(page: PageDep, namespace: str, kind: str, name: str) -> HTMLResponse:
    entity = CatalogService(page.session).by_name(kind, namespace, name)
    location = _registered_location(page, kind, namespace, name)
    if location is None:
        raise NotFoundError(
            f"{_ref(entity)} comes from the portal's configuration, not from a registered "
            "location; remove it from its source instead."
        )
    return page.render(
        "catalog/unregister.html", {"entity": entity, "ref": _ref(entity), "location": location}
    )


@router.post(ENTITY_PATH + "/unregister", dependencies=[ChecksItself])
def unregister(
    page: PageDep, authorizer: AuthorizerDep, namespace: str, kind: str, name: str
) -> RedirectResponse:
    """Remove the registered location the entity came from, and everything it gave."""
    location = _registered_location(page, kind, namespace, name)
    if location is None:
        raise NotFoundError(f"{kind}:{namespace}/{name} was not registered through the portal")
    authorizer.check(
        "catalog.location.delete",
        authorizer.location(location["id"], registered_source_key(location["id"])),
    )
    engine = catalog_engine(page.runtime)
    with page.runtime.database.transaction(write=True) as session:
        location_service(session, page.runtime).delete(location["id"])
    engine.entities_changed()
    return RedirectResponse("/catalog?user=all", status_code=303)


@router.post(ENTITY_PATH + "/refresh", dependencies=[ChecksItself])
def refresh_entity(
    page: PageDep, authorizer: AuthorizerDep, namespace: str, kind: str, name: str
) -> RedirectResponse:
    entity = CatalogService(page.session).by_name(kind, namespace, name)
    authorizer.check("catalog.entity.refresh", authorizer.entity(entity))
    with page.runtime.database.transaction(write=True) as session:
        RefreshService(session).refresh(_ref(entity))
    catalog_engine(page.runtime).wake()
    return RedirectResponse(entity_url(_ref(entity)) + "?refreshed=1", status_code=303)


@router.get(ENTITY_PATH + "/{tab}", response_class=HTMLResponse)
def entity_tab(page: PageDep, namespace: str, kind: str, name: str, tab: str) -> HTMLResponse:
    return show_tab(page, namespace, kind, name, tab)


def show_tab(page: Page, namespace: str, kind: str, name: str, key: str) -> HTMLResponse:
    entity = CatalogService(page.session).by_name(kind, namespace, name)
    ref = _ref(entity)
    tabs = entity_tabs(page, entity)
    active = next((tab for tab in tabs if tab.key == key), None)
    if active is None:
        raise NotFoundError(f"{ref} has no tab {key!r}")
    context = dict(
        active.context(
            EntityPage(page.request, page.session, page.runtime, entity, ref, page.identity)
        )
    )
    identity = page.identity
    location = _registered_location(page, kind, namespace, name)
    context.update(
        entity=entity,
        ref=ref,
        tabs=tabs,
        active_tab=active,
        is_starred=identity is not None
        and StarRepository(page.session).is_starred(identity.user_ref, ref),
        location=location,
        location_resource=(
            page.authorizer.location(location["id"], registered_source_key(location["id"]))
            if location
            else None
        ),
        refreshed=page.request.query_params.get("refreshed") == "1",
    )
    return page.render("catalog/entity.html", context)


def entity_tabs(page: Page, entity: dict[str, Any]) -> list[EntityTab]:
    contributed = page.runtime.plugins.hook.entity_tabs(entity=entity)
    tabs = [tab for tabs in contributed for tab in tabs]
    return sorted(tabs, key=lambda tab: (tab.order, tab.title))


def _registered_location(page: Page, kind: str, namespace: str, name: str) -> dict[str, str] | None:
    service = location_service(page.session, page.runtime)
    try:
        return service.by_entity(kind, namespace, name)
    except NotFoundError:
        return None


def _ref(entity: dict[str, Any]) -> str:
    metadata = entity["metadata"]
    return f"{entity['kind']}:{metadata.get('namespace') or 'default'}/{metadata['name']}".lower()
