"""The catalog index as people browse it: a view from the URL, a page, counts, options.

A `CatalogView` is everything the index's URL says (kind, filters, Owned /
Starred / All, sort, page), so a link reproduces the view. `CatalogBrowser`
answers it with the same repository the JSON API uses: one page query, one
count per scope, and facet options from the generation-keyed cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

from sqlalchemy.orm import Session

from greenroom.catalog.facet_cache import FacetCache
from greenroom.catalog.filters import (
    EntityFilter,
    EntityQuery,
    FilterSet,
    FullTextFilter,
    SortField,
)
from greenroom.catalog.model import InvalidEntityRef, parse_entity_ref
from greenroom.catalog.query_repository import CatalogQueryRepository
from greenroom.catalog.service import CatalogService
from greenroom.errors import InputError

Scope = Literal["owned", "starred", "all"]
SCOPES: tuple[Scope, ...] = ("owned", "starred", "all")
PAGE_SIZES = (20, 50, 100)
MAX_OPTIONS = 40
"""Values a filter lists (the most frequent, and any chosen); a catalog of 100,000 has
thousands of owners and tags, which no one scrolls through and every page would carry."""
MAX_VALUES_PER_FILTER = 50
FULL_TEXT_FIELDS = ("metadata.name", "metadata.title", "metadata.description")

# Backstage's columns per kind; any other kind gets the generic set.
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "component": ("name", "system", "owner", "type", "lifecycle", "description", "tags"),
    "api": ("name", "system", "owner", "type", "lifecycle", "description", "tags"),
    "resource": ("name", "system", "owner", "type", "lifecycle", "description", "tags"),
    "system": ("name", "domain", "owner", "description", "tags"),
    "domain": ("name", "owner", "description", "tags"),
    "group": ("name", "type", "description", "tags"),
    "template": ("name", "type", "owner", "description", "tags"),
}
GENERIC_COLUMNS = ("name", "owner", "description", "tags")
SORT_FIELDS = {
    # By name, which the index walks in order; sorting by title-or-name made every
    # filtered page sort all its matches (10x slower at 100,000 entities).
    "name": "metadata.name",
    "system": "spec.system",
    "domain": "spec.domain",
    "owner": "relations.ownedBy",
    "type": "spec.type",
    "lifecycle": "spec.lifecycle",
}
# The index's filters and the entity fields they match.
FILTER_KEYS = {
    "type": "spec.type",
    "owner": "relations.ownedBy",
    "lifecycle": "spec.lifecycle",
    "tag": "metadata.tags",
    "namespace": "metadata.namespace",
}


@dataclass(frozen=True)
class CatalogView:
    kind: str = "component"
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Selected values per filter name in FILTER_KEYS."""
    status: Literal["orphan", "error"] | None = None
    text: str = ""
    scope: Scope | None = None
    """None: Owned when the person owns something of this kind, else All."""
    sort: str = "name"
    direction: Literal["asc", "desc"] = "asc"
    page: int = 1
    page_size: int = 20

    def params(self) -> dict[str, Any]:
        """The view as query parameters (the inverse of `parse_view`)."""
        params: dict[str, Any] = {"kind": self.kind}
        params.update({name: list(values) for name, values in self.filters.items()})
        params.update(status=self.status, q=self.text or None, user=self.scope)
        if (self.sort, self.direction) != ("name", "asc"):
            params.update(sort=self.sort, dir=self.direction)
        if self.page_size != PAGE_SIZES[0]:
            params["size"] = self.page_size
        return params


def parse_view(params: Mapping[str, Sequence[str]]) -> CatalogView:
    """Read a view from the index's query string; unknown values are clear input errors."""

    def one(name: str, default: str) -> str:
        values = params.get(name) or []
        return values[-1].strip() if values else default

    kind = one("kind", "component").lower() or "component"
    filters: dict[str, tuple[str, ...]] = {}
    for name in FILTER_KEYS:
        values = tuple(dict.fromkeys(v.strip() for v in params.get(name) or [] if v.strip()))
        if len(values) > MAX_VALUES_PER_FILTER:
            raise InputError(f"at most {MAX_VALUES_PER_FILTER} values of {name!r}")
        if values:
            filters[name] = values
    status = one("status", "") or None
    if status not in (None, "orphan", "error"):
        raise InputError(f"status must be 'orphan' or 'error', got {status!r}")
    scope = one("user", "") or None
    if scope not in (None, *SCOPES):
        raise InputError(f"user must be one of {', '.join(SCOPES)}, got {scope!r}")
    sort = one("sort", "name")
    if sort not in SORT_FIELDS:
        raise InputError(f"sort must be one of {', '.join(SORT_FIELDS)}, got {sort!r}")
    direction = one("dir", "asc")
    if direction not in ("asc", "desc"):
        raise InputError(f"dir must be 'asc' or 'desc', got {direction!r}")
    try:
        page = int(one("page", "1"))
        size = int(one("size", str(PAGE_SIZES[0])))
    except ValueError as exc:
        raise InputError("page and size must be whole numbers") from exc
    if page < 1 or page > 100_000:
        raise InputError(f"page must be between 1 and 100000, got {page}")
    if size not in PAGE_SIZES:
        raise InputError(f"size must be one of {', '.join(map(str, PAGE_SIZES))}, got {size}")
    text = one("q", "")
    if len(text) > 200:
        raise InputError("the search text is limited to 200 characters")
    return CatalogView(
        kind=kind,
        filters=filters,
        status=cast(Literal["orphan", "error"] | None, status),
        text=text,
        scope=scope,
        sort=sort,
        direction=cast(Literal["asc", "desc"], direction),
        page=page,
        page_size=size,
    )


@dataclass
class BrowseResult:
    view: CatalogView
    scope: Scope
    entities: list[dict[str, Any]]
    total: int
    counts: dict[Scope, int]
    options: dict[str, list[dict[str, Any]]]
    """Facet values (with counts) offered by each filter, within the kind."""
    option_totals: dict[str, int]
    """How many values each filter has in all (more than it lists, for busy filters)."""
    kinds: list[dict[str, Any]]
    columns: tuple[str, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.view.page_size))


class CatalogBrowser:
    def __init__(self, session: Session, facet_cache: FacetCache | None = None) -> None:
        self.catalog = CatalogService(session)
        self.queries = CatalogQueryRepository(session)
        self.facet_cache = facet_cache

    def browse(
        self, view: CatalogView, ownership_refs: Sequence[str], starred_refs: Sequence[str]
    ) -> BrowseResult:
        owners = frozenset(ref.lower() for ref in ownership_refs)
        starred = frozenset(ref.lower() for ref in starred_refs)
        counts: dict[Scope, int] = {
            "all": self._count(view, None),
            "owned": self._count(view, owners) if owners else 0,
            "starred": self._count(view, None, refs=starred) if starred else 0,
        }
        scope: Scope = view.scope or ("owned" if counts["owned"] else "all")
        query = self._query(
            view,
            owners if scope == "owned" else None,
            refs=starred if scope == "starred" else None,
        )
        query = replace(
            query,
            order=SortField(SORT_FIELDS[view.sort], view.direction),
            limit=view.page_size,
            offset=(view.page - 1) * view.page_size,
        )
        page = self.queries.page(query, count_total=False)
        rows = page.rows[: view.page_size]
        facet_names = [FILTER_KEYS[name] for name in FILTER_KEYS]
        options = self.catalog.facets(facet_names, [f"kind={view.kind}"], self.facet_cache)
        kinds = self.catalog.facets(["kind"], [], self.facet_cache)["kind"]
        return BrowseResult(
            view=view,
            scope=scope,
            entities=self.catalog.stitch(rows),
            total=counts[scope],
            counts=counts,
            options={
                name: _listed(options[FILTER_KEYS[name]], view.filters.get(name, ()))
                for name in FILTER_KEYS
            },
            option_totals={name: len(options[FILTER_KEYS[name]]) for name in FILTER_KEYS},
            kinds=sorted(kinds, key=lambda item: str(item["value"]).lower()),
            columns=KIND_COLUMNS.get(view.kind, GENERIC_COLUMNS),
        )

    def _count(
        self, view: CatalogView, owned: frozenset[str] | None, refs: frozenset[str] | None = None
    ) -> int:
        return self.queries.count(self._query(view, owned, refs=refs))

    def _query(
        self, view: CatalogView, owned: frozenset[str] | None, *, refs: frozenset[str] | None
    ) -> EntityQuery:
        conditions: dict[str, frozenset[str] | None] = {"kind": frozenset({view.kind})}
        for name, values in view.filters.items():
            conditions[FILTER_KEYS[name].lower()] = frozenset(
                _filter_value(name, v) for v in values
            )
        if owned is not None:
            chosen = conditions.get("relations.ownedby")
            conditions["relations.ownedby"] = owned & chosen if chosen is not None else owned
        return EntityQuery(
            filter=EntityFilter((FilterSet(conditions),)),
            full_text=FullTextFilter(view.text, FULL_TEXT_FIELDS) if view.text.strip() else None,
            refs=refs,
            status=view.status,
        )


def _listed(values: list[dict[str, Any]], chosen: Sequence[str]) -> list[dict[str, Any]]:
    """The most frequent values, and the chosen ones wherever they rank."""
    wanted = {value.lower() for value in chosen}
    top = values[:MAX_OPTIONS]
    rest = [v for v in values[MAX_OPTIONS:] if str(v["value"]).lower() in wanted]
    return top + rest


def _filter_value(name: str, value: str) -> str:
    if name == "owner":
        try:
            return str(parse_entity_ref(value, default_kind="group"))
        except InvalidEntityRef as exc:
            raise InputError(f"owner: {exc}") from exc
    return value.lower()
