"""Request and response bodies of the catalog API, in Backstage's shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Entity = dict[str, Any]


class PageInfo(BaseModel):
    nextCursor: str | None = None  # noqa: N815 - Backstage's wire names
    prevCursor: str | None = None  # noqa: N815


class EntitiesQueryResponse(BaseModel):
    items: list[Entity]
    totalItems: int  # noqa: N815
    pageInfo: PageInfo  # noqa: N815


class EntitiesByRefsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entityRefs: list[str] = Field(max_length=1000)  # noqa: N815
    fields: list[str] | None = None


class EntitiesByRefsResponse(BaseModel):
    items: list[Entity | None]


class FacetValue(BaseModel):
    value: str
    count: int


class EntityFacetsResponse(BaseModel):
    facets: dict[str, list[FacetValue]]


class AncestryItem(BaseModel):
    entity: Entity
    parentEntityRefs: list[str]  # noqa: N815


class AncestryResponse(BaseModel):
    rootEntityRef: str  # noqa: N815
    items: list[AncestryItem]


class LocationSpecBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["file", "url"]
    target: str = Field(min_length=1, max_length=2048)


class Location(BaseModel):
    id: str
    type: str
    target: str
    entityRef: str | None = None  # noqa: N815


class LocationItem(BaseModel):
    data: Location


class AddLocationResponse(BaseModel):
    location: Location
    entities: list[Entity]
    exists: bool | None = None


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    entityRef: str | None = Field(default=None, max_length=1024)  # noqa: N815


class ValidateEntityRequest(BaseModel):
    entity: Any
    location: str = Field(min_length=1, max_length=2048)


class AnalyzeLocationRequest(BaseModel):
    location: LocationSpecBody
    catalogFilename: str | None = None  # noqa: N815


class ExistingEntityFile(BaseModel):
    location: LocationSpecBody
    isRegistered: bool  # noqa: N815
    entity: Entity


class AnalyzeLocationResponse(BaseModel):
    existingEntityFiles: list[ExistingEntityFile]  # noqa: N815
    generateEntities: list[dict[str, Any]]  # noqa: N815


class CatalogStatus(BaseModel):
    entities: int
    relations: int
    pending: int
    sources: int
    last_pass: dict[str, Any] | None
    current_pass: dict[str, Any] | None
