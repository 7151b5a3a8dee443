"""The catalog's JSON API under `/api/catalog`, shaped like Backstage's.

Backstage's own `@backstage/catalog-client`, pointed at greenroom, works
unchanged against these routes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import JSONResponse

from greenroom.auth.authorization import AuthorizerDep, permission, resource_permission
from greenroom.catalog import schemas
from greenroom.catalog.engine import catalog_engine
from greenroom.catalog.facet_cache import FacetCache
from greenroom.catalog.filters import (
    FullTextFilter,
    parse_fields,
    parse_list_order,
    parse_order_field,
)
from greenroom.catalog.providers import registered_source_key
from greenroom.catalog.service import (
    MAX_FULL_TEXT_FIELDS,
    CatalogService,
    RefreshService,
    location_service,
)
from greenroom.catalog.validation_service import analyze_location, validate_entity_body
from greenroom.errors import InputError, NotFoundError
from greenroom.ops.metrics import CATALOG_ENTITIES
from greenroom.request_scope import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/catalog", tags=["catalog"])

ChecksItself = resource_permission()
MAX_OFFSET = 1_000_000_000
"""Larger offsets cannot be stored by SQLite's integers; no catalog is that large."""


def fast_json(body: dict[str, Any]) -> JSONResponse:
    """Send a body the service built to the documented shape, without validating it again.

    The hot read routes return pages of whole entities and facets with thousands
    of values; re-validating them against the response model costs more than
    the query. The response models still document the shapes in OpenAPI.
    """
    return JSONResponse(body)


FilterParam = Annotated[list[str], Query(alias="filter", description="Filter set; repeat for OR")]
FieldsParam = Annotated[list[str], Query(description="Comma-separated dotted paths to keep")]


@router.get(
    "/entities/by-query",
    response_model=schemas.EntitiesQueryResponse,
    response_model_exclude_none=True,
)
def query_entities(
    session: SessionDep,
    filter_: FilterParam = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    fields: FieldsParam = [],  # noqa: B006
    limit: Annotated[int | None, Query(ge=0, le=1000)] = None,
    offset: Annotated[int | None, Query(ge=0, le=MAX_OFFSET)] = None,
    order_field: Annotated[list[str], Query(alias="orderField")] = [],  # noqa: B006
    full_text_term: Annotated[str | None, Query(alias="fullTextFilterTerm", max_length=200)] = None,
    full_text_fields: Annotated[str | None, Query(alias="fullTextFilterFields")] = None,
    cursor: Annotated[str | None, Query(max_length=8192)] = None,
) -> JSONResponse:
    """Entities matching filters, one page at a time, with `totalItems` and cursors."""
    order = parse_order_field(order_field) if order_field else None
    full_text = None
    if full_text_term:
        text_fields = tuple(
            part.strip() for part in (full_text_fields or "").split(",") if part.strip()
        ) or ((order.field,) if order else ("metadata.uid",))
        if len(text_fields) > MAX_FULL_TEXT_FIELDS:
            raise InputError(f"At most {MAX_FULL_TEXT_FIELDS} fullTextFilterFields")
        full_text = FullTextFilter(full_text_term, text_fields)
    page = CatalogService(session).query(
        filters=filter_,
        order=order,
        full_text=full_text,
        limit=limit,
        offset=offset,
        cursor=cursor,
        fields=parse_fields(fields),
    )
    return fast_json(page)


@router.get("/entities", response_model=list[dict[str, Any]])
def list_entities(
    session: SessionDep,
    filter_: FilterParam = [],  # noqa: B006
    fields: FieldsParam = [],  # noqa: B006
    offset: Annotated[int | None, Query(ge=0, le=MAX_OFFSET)] = None,
    limit: Annotated[int | None, Query(ge=0, le=MAX_OFFSET)] = None,
    order: Annotated[list[str], Query(description="asc:<field> or desc:<field>")] = [],  # noqa: B006
) -> list[dict[str, Any]]:
    """Every matching entity (deprecated in Backstage; prefer `by-query`)."""
    items = CatalogService(session).list_all(
        filter_, parse_fields(fields), [parse_list_order(value) for value in order]
    )
    start = offset or 0
    return items[start : start + limit] if limit is not None else items[start:]


@router.post(
    "/entities/by-refs",
    response_model=schemas.EntitiesByRefsResponse,
    dependencies=[permission("portal.read")],  # a read sent as POST (the refs are the body)
)
def entities_by_refs(
    session: SessionDep,
    body: schemas.EntitiesByRefsRequest,
    filter_: FilterParam = [],  # noqa: B006
) -> JSONResponse:
    """Entities for the given refs, aligned with the input; `null` where none exists."""
    items = CatalogService(session).by_refs(
        body.entityRefs, parse_fields(body.fields or []), filter_
    )
    return fast_json({"items": items})


@router.get("/entities/by-name/{kind}/{namespace}/{name}")
def entity_by_name(session: SessionDep, kind: str, namespace: str, name: str) -> dict[str, Any]:
    return CatalogService(session).by_name(kind, namespace, name)


@router.get(
    "/entities/by-name/{kind}/{namespace}/{name}/ancestry",
    response_model=schemas.AncestryResponse,
)
def entity_ancestry(session: SessionDep, kind: str, namespace: str, name: str) -> dict[str, Any]:
    return CatalogService(session).ancestry(kind, namespace, name)


@router.get("/entities/by-uid/{uid}")
def entity_by_uid(session: SessionDep, uid: str) -> dict[str, Any]:
    return CatalogService(session).by_uid(uid)


@router.delete("/entities/by-uid/{uid}", status_code=204, dependencies=[ChecksItself])
def delete_entity(runtime: RuntimeDep, authorizer: AuthorizerDep, uid: str) -> Response:
    """Remove an entity; one its source still gives comes back on the next pass."""
    with runtime.database.transaction(write=True) as session:
        service = CatalogService(session)
        try:
            authorizer.check("catalog.entity.delete", authorizer.entity(service.by_uid(uid)))
        except NotFoundError:
            return Response(status_code=204)  # Backstage answers 204 for an unknown uid too
        source_key = service.delete_by_uid(uid)
    if source_key:
        catalog_engine(runtime).entities_changed()
        catalog_engine(runtime).wake()
    return Response(status_code=204)


@router.get("/entity-facets", response_model=schemas.EntityFacetsResponse)
def entity_facets(
    session: SessionDep,
    runtime: RuntimeDep,
    facet: Annotated[list[str], Query()] = [],  # noqa: B006
    filter_: FilterParam = [],  # noqa: B006
) -> JSONResponse:
    cache = runtime.service("catalog.facet_cache", lambda _: FacetCache())
    return fast_json({"facets": CatalogService(session).facets(facet, filter_, cache)})


@router.get("/locations", response_model=list[schemas.LocationItem])
def list_locations(session: SessionDep, runtime: RuntimeDep) -> list[dict[str, Any]]:
    service = location_service(session, runtime)
    return [{"data": location} for location in service.list()]


@router.get("/locations/{location_id}", response_model=schemas.Location)
def get_location(session: SessionDep, runtime: RuntimeDep, location_id: str) -> dict[str, str]:
    service = location_service(session, runtime)
    return service.get(location_id)


@router.get("/locations/by-entity/{kind}/{namespace}/{name}", response_model=schemas.Location)
def location_by_entity(
    session: SessionDep, runtime: RuntimeDep, kind: str, namespace: str, name: str
) -> dict[str, str]:
    service = location_service(session, runtime)
    return service.by_entity(kind, namespace, name)


@router.post(
    "/locations",
    status_code=201,
    response_model=schemas.AddLocationResponse,
    dependencies=[ChecksItself],
)
def add_location(
    runtime: RuntimeDep,
    authorizer: AuthorizerDep,
    body: schemas.LocationSpecBody,
    dry_run: Annotated[bool, Query(alias="dryRun")] = False,
) -> JSONResponse:
    """Register a location; with `dryRun=true`, only return the entities it would give."""
    authorizer.check("catalog.location.analyze" if dry_run else "catalog.location.create")
    engine = catalog_engine(runtime)
    # A dry run only reads: it must not hold SQLite's write lock while a clone runs.
    with runtime.database.transaction(write=not dry_run) as session:
        service = location_service(session, runtime)
        result, created = service.add(body.type, body.target, dry_run=dry_run)
    if created:
        engine.wake()
    # Backstage answers 201 to dry runs as well, and its client insists on it.
    return JSONResponse(result, status_code=201)


@router.delete("/locations/{location_id}", status_code=204, dependencies=[ChecksItself])
def delete_location(runtime: RuntimeDep, authorizer: AuthorizerDep, location_id: str) -> Response:
    engine = catalog_engine(runtime)
    authorizer.check(
        "catalog.location.delete",
        authorizer.location(location_id, registered_source_key(location_id)),
    )
    with runtime.database.transaction(write=True) as session:
        location_service(session, runtime).delete(location_id)
    engine.entities_changed()
    return Response(status_code=204)


@router.post("/refresh", dependencies=[ChecksItself])
def refresh(
    runtime: RuntimeDep,
    authorizer: AuthorizerDep,
    body: Annotated[schemas.RefreshRequest | None, Body()] = None,
) -> Response:
    """Process an entity's source now (or every source, with no `entityRef`)."""
    if body is None or body.entityRef is None:
        authorizer.check("catalog.refresh.all")
    else:
        [entity] = CatalogService(authorizer.session).by_refs([body.entityRef])
        if entity is None:
            raise NotFoundError(f"No entity {body.entityRef} to refresh")
        authorizer.check("catalog.entity.refresh", authorizer.entity(entity))
    engine = catalog_engine(runtime)
    with runtime.database.transaction(write=True) as session:
        RefreshService(session).refresh(body.entityRef if body else None)
    if body is None or body.entityRef is None:
        engine.request_sync()
    else:
        engine.wake()
    return Response(status_code=200)


@router.post("/validate-entity", dependencies=[permission("portal.read")])
def validate_entity(runtime: RuntimeDep, body: schemas.ValidateEntityRequest) -> Response:
    """200 when the entity is valid, else 400 with every problem."""
    errors = validate_entity_body(body.entity, body.location)
    if errors:
        return JSONResponse({"errors": errors}, status_code=400)
    return Response(status_code=200)


@router.post(
    "/analyze-location",
    response_model=schemas.AnalyzeLocationResponse,
    dependencies=[permission("catalog.location.analyze")],
)
def analyze(runtime: RuntimeDep, body: schemas.AnalyzeLocationRequest) -> dict[str, Any]:
    """The catalog files a repository already has, and whether they are registered."""
    with runtime.database.transaction() as session:
        service = location_service(session, runtime)
        return analyze_location(service, session, body.location.type, body.location.target)


@router.get("/status", response_model=schemas.CatalogStatus)
def status(session: SessionDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Counts and the figures of the latest processing pass (greenroom's own endpoint)."""
    engine = catalog_engine(runtime)
    counts = RefreshService(session).counts()
    CATALOG_ENTITIES.set(counts["entities"])
    return {
        **counts,
        "last_pass": engine.last_pass.as_dict() if engine.last_pass else None,
        "current_pass": engine.current.as_dict() if engine.current else None,
    }
