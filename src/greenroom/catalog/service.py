"""The catalog's rules for reading entities: stitching, paging, facets, ancestry.

Services never commit: the request (or the batch) owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from greenroom.catalog.confinement import Confinement
from greenroom.catalog.facet_cache import FacetCache
from greenroom.catalog.filters import (
    EntityFilter,
    EntityQuery,
    FullTextFilter,
    SortField,
    decode_cursor,
    encode_cursor,
    parse_filter_params,
    project,
)
from greenroom.catalog.model import InvalidEntityRef, parse_entity_ref
from greenroom.catalog.models import LocationRow
from greenroom.catalog.outcome import SourceOutcome
from greenroom.catalog.processing import SourceSpec, generated_location_name
from greenroom.catalog.providers import registered_source_key
from greenroom.catalog.query_repository import (
    ORPHAN_ANNOTATION,
    CatalogQueryRepository,
    StoredEntity,
)
from greenroom.catalog.repository import (
    delete_entity,
    now_utc,
)
from greenroom.catalog.request_reads import RequestReads
from greenroom.catalog.source_repository import LocationRepository, SourceRepository
from greenroom.errors import ConflictError, InputError, NotAllowedError, NotFoundError
from greenroom.runtime import Runtime
from greenroom.settings import CatalogSettings

MAX_LIMIT = 1000
MAX_REFS = 1000
MAX_FACETS = 20
MAX_FULL_TEXT_FIELDS = 10


def canonical_ref(value: str, *, default_kind: str | None = None) -> str:
    try:
        return str(parse_entity_ref(value, default_kind=default_kind))
    except InvalidEntityRef as exc:
        raise InputError(str(exc)) from exc


class CatalogService:
    """Reads entities as clients see them: stitched with relations and status."""

    def __init__(self, session: Session) -> None:
        self.queries = CatalogQueryRepository(session)

    # --- assembling -----------------------------------------------------------

    def stitch(
        self, rows: Sequence[StoredEntity], fields: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        wants_relations = not fields or any(
            f == "relations" or f.startswith("relations.") for f in fields
        )
        relations = self.queries.relations_of([row.ref for row in rows]) if wants_relations else {}
        return [self._assemble(row, relations.get(row.ref, []), fields) for row in rows]

    @staticmethod
    def _assemble(
        row: StoredEntity, relations: list[tuple[str, str]], fields: Sequence[str]
    ) -> dict[str, Any]:
        entity: dict[str, Any] = json.loads(row.body)
        metadata = entity.setdefault("metadata", {})
        metadata["uid"] = row.uid
        metadata["etag"] = row.hash[:40]
        if row.orphan:
            metadata["annotations"] = {
                **(metadata.get("annotations") or {}),
                ORPHAN_ANNOTATION: "true",
            }
        entity["relations"] = [{"type": t, "targetRef": target} for t, target in relations]
        if row.errors:
            entity["status"] = {"items": json.loads(row.errors)}
        return project(entity, fields)

    # --- queries ----------------------------------------------------------------

    def query(
        self,
        *,
        filters: Sequence[str] = (),
        order: SortField | None = None,
        full_text: FullTextFilter | None = None,
        limit: int | None = None,
        offset: int | None = None,
        cursor: str | None = None,
        fields: Sequence[str] = (),
    ) -> dict[str, Any]:
        """`GET /entities/by-query`: a page, the total and cursors to the neighbours."""
        limit = 20 if limit is None else limit
        if limit < 0 or limit > MAX_LIMIT:
            raise InputError(f"limit must be between 0 and {MAX_LIMIT}, got {limit}")
        if offset is not None and offset < 0:
            raise InputError("offset must not be negative")
        after = before = None
        total: int | None = None
        if cursor:
            # A cursor carries the whole query; other parameters sent with it are ignored.
            state = decode_cursor(cursor)
            try:
                filters = [_text(value) for value in state["f"]]
                order = SortField(_text(state["o"][0]), _text(state["o"][1]))
                if order.order not in {"asc", "desc"}:
                    raise ValueError(order.order)
                full_text = (
                    FullTextFilter(_text(state["t"][0]), tuple(_text(f) for f in state["t"][1]))
                    if state["t"]
                    else None
                )
                mark = (str(state["v"][0]), str(state["v"][1]))
                total = int(state["n"])
                after, before = (mark, None) if state["d"] == "next" else (None, mark)
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise InputError("Malformed cursor: it was not produced by this catalog") from exc
        query = EntityQuery(
            filter=parse_filter_params(filters),
            order=order or SortField("metadata.uid"),
            full_text=full_text,
            limit=limit,
            offset=offset,
        )
        page = self.queries.page(query, after=after, before=before, count_total=total is None)
        total = page.total if total is None else total
        rows, values = page.rows, page.sort_values
        has_more = len(rows) > limit
        if has_more:
            if before is not None:
                rows, values = rows[1:], values[1:]
            else:
                rows, values = rows[:limit], values[:limit]
        state_base = {
            "f": list(filters),
            "o": [query.order.field, query.order.order],
            "t": [full_text.term, list(full_text.fields)] if full_text else None,
            "n": total,
        }
        page_info: dict[str, str] = {}
        if rows:
            going_back = before is not None
            more_after = (has_more and not going_back) or going_back
            more_before = (has_more and going_back) or after is not None
            if more_after:
                page_info["nextCursor"] = encode_cursor(
                    {**state_base, "v": [values[-1], rows[-1].uid], "d": "next"}
                )
            if more_before:
                page_info["prevCursor"] = encode_cursor(
                    {**state_base, "v": [values[0], rows[0].uid], "d": "prev"}
                )
        return {"items": self.stitch(rows, fields), "totalItems": total, "pageInfo": page_info}

    def list_all(
        self,
        filters: Sequence[str],
        fields: Sequence[str] = (),
        order: Sequence[SortField] = (),
    ) -> list[dict[str, Any]]:
        """Every matching entity (the deprecated `GET /entities`), by ref or by `order`."""
        refs = sorted(self.queries.filtered_refs(parse_filter_params(filters)))
        rows = self.queries.by_refs(refs)
        entities = self.stitch([rows[ref] for ref in refs if ref in rows])
        # Sorts are stable, so applying the keys last-first orders by all of them.
        for sort in reversed(order):
            present = [e for e in entities if _sort_value(e, sort.field) is not None]
            absent = [e for e in entities if _sort_value(e, sort.field) is None]
            present.sort(
                key=lambda e: _sort_value(e, sort.field) or "", reverse=sort.order == "desc"
            )
            entities = present + absent  # entities without the field come last
        return [project(entity, fields) for entity in entities]

    def by_name(self, kind: str, namespace: str, name: str) -> dict[str, Any]:
        ref = f"{kind}:{namespace}/{name}".lower()
        rows = self.queries.by_refs([ref])
        if ref not in rows:
            raise NotFoundError(
                f"No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
            )
        return self.stitch([rows[ref]])[0]

    def by_uid(self, uid: str) -> dict[str, Any]:
        row = self.queries.by_uid(uid)
        if row is None:
            raise NotFoundError(f"No entity with uid {uid}")
        return self.stitch([row])[0]

    def by_refs(
        self, refs: Sequence[str], fields: Sequence[str] = (), filters: Sequence[str] = ()
    ) -> list[dict[str, Any] | None]:
        if len(refs) > MAX_REFS:
            raise InputError(f"at most {MAX_REFS} entityRefs per request, got {len(refs)}")
        canonical = [canonical_ref(ref) for ref in refs]
        rows = self.queries.by_refs(canonical)
        if filters:
            allowed = set(self.queries.filtered_refs(parse_filter_params(filters)))
            rows = {ref: row for ref, row in rows.items() if ref in allowed}
        present = [rows[ref] for ref in dict.fromkeys(canonical) if ref in rows]
        stitched = dict(
            zip((row.ref for row in present), self.stitch(present, fields), strict=True)
        )
        return [stitched.get(ref) for ref in canonical]

    def facets(
        self,
        facets: Sequence[str],
        filters: Sequence[str],
        cache: FacetCache | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Counts per value of each facet among the filtered entities, most frequent first."""
        if not facets:
            raise InputError("Missing facet parameter")
        if len(facets) > MAX_FACETS:
            raise InputError(f"At most {MAX_FACETS} facets per request, got {len(facets)}")
        entity_filter: EntityFilter = parse_filter_params(filters)
        key = (self.queries.generation(), tuple(facets), tuple(filters))
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            return cached
        result: dict[str, list[dict[str, Any]]] = {}
        for facet in facets:
            pairs = self.queries.facet(facet, entity_filter)
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
            result[facet] = [{"value": value, "count": count} for value, count in pairs]
        if cache is not None:
            cache.put(key, result)
        return result

    def delete_by_uid(self, uid: str) -> str | None:
        """Delete an entity (meant for orphans); one its source still gives comes back.

        Its source is scheduled at once, so that happens on the next pass, not the
        next interval. Returns the source's key, or None when there was no entity.
        """
        source_key = delete_entity(self.queries.session, uid)
        if source_key is not None:
            SourceRepository(self.queries.session).schedule([source_key], now_utc())
        return source_key

    def ancestry(self, kind: str, namespace: str, name: str) -> dict[str, Any]:
        """The entity and the Location entities that led to it, up to the root."""
        root = self.by_name(kind, namespace, name)
        items: list[dict[str, Any]] = []
        current: dict[str, Any] | None = root
        seen: set[str] = set()
        while current is not None:
            ref = entity_ref_string(current)
            if ref in seen:  # defensive: parents form a tree, but never loop forever
                break
            seen.add(ref)
            parent_ref = self.queries.parent_of(ref)
            items.append(
                {"entity": current, "parentEntityRefs": [parent_ref] if parent_ref else []}
            )
            current = self.by_refs([parent_ref])[0] if parent_ref else None
        return {"rootEntityRef": entity_ref_string(root), "items": items}


def _text(value: object) -> str:
    """A string from a decoded cursor; anything else means the cursor was forged."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _sort_value(entity: dict[str, Any], path: str) -> str | None:
    value: Any = entity
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return None if isinstance(value, dict | list) or value is None else str(value).lower()


def entity_ref_string(entity: dict[str, Any]) -> str:
    metadata = entity.get("metadata", {})
    return f"{entity['kind']}:{metadata.get('namespace', 'default')}/{metadata['name']}".lower()


class RefreshService:
    """Scheduling sources for processing, and the queue's figures."""

    def __init__(self, session: Session) -> None:
        self.sources = SourceRepository(session)
        self.queries = CatalogQueryRepository(session)

    def refresh(self, entity_ref: str | None) -> None:
        """Schedule an entity's source (and its Location ancestors' source), or everything."""
        if entity_ref is None:
            self.sources.schedule_all(now_utc())
            return
        ref = canonical_ref(entity_ref)
        source_key = self.sources.source_key_of(ref)
        if source_key is None:
            raise NotFoundError(f"No entity {ref} to refresh")
        self.sources.schedule([source_key], now_utc())

    def counts(self) -> dict[str, int]:
        entities, relations = self.queries.counts()
        return {
            "entities": entities,
            "relations": relations,
            "pending": self.sources.pending_count(now_utc()),
            "sources": self.sources.count(),
        }


class LocationService:
    """Registering and removing locations, dry runs, and the checks that keep them safe."""

    def __init__(
        self, session: Session, settings: CatalogSettings, processor: RequestReads
    ) -> None:
        self.session = session
        self.settings = settings
        self.processor = processor
        self.locations = LocationRepository(session)
        self.sources = SourceRepository(session)

    def list(self) -> list[dict[str, str]]:
        return [location_dict(row) for row in self.locations.list()]

    def get(self, location_id: str) -> dict[str, str]:
        row = self.locations.get(location_id)
        if row is None:
            raise NotFoundError(f"Found no location with ID {location_id}")
        return location_dict(row)

    def by_entity(self, kind: str, namespace: str, name: str) -> dict[str, str]:
        ref = f"{kind}:{namespace}/{name}".lower()
        source_key = self.sources.source_key_of(ref)
        if source_key is None:
            raise NotFoundError(
                f"No entity named '{name}' of kind '{kind}' in namespace '{namespace}'"
            )
        location_id = source_key.removeprefix("location:")
        row = self.locations.get(location_id) if source_key.startswith("location:") else None
        if row is None:
            raise NotFoundError(
                f"Entity {ref} was not registered through the API (source {source_key})"
            )
        return location_dict(row)

    def add(self, location_type: str, target: str, *, dry_run: bool) -> tuple[dict[str, Any], bool]:
        """Register a location (or only say what it would give); returns (body, created)."""
        target = target.strip()
        self.check_allowed(location_type, target)
        existing = self.locations.find(location_type, target)
        if dry_run:
            spec = SourceSpec("dry-run", "dry-run", location_type, target)
            outcome = self.processor.process(spec, {})
            errors = outcome_messages(outcome)
            entities = [
                entity.body
                for entity in outcome.entities.values()
                if entity.body is not None and not entity.failed
            ]
            location = (
                location_dict(existing)
                if existing
                else location_shape(f"{location_type}:{target}", location_type, target)
            )
            body: dict[str, Any] = {
                "location": location,
                "entities": entities,
                "exists": existing is not None,
            }
            if errors:
                body["errors"] = errors
            return body, False
        if self.settings.readonly:
            raise NotAllowedError(
                "The catalog is read-only (catalog.readonly); locations cannot be added"
            )
        if existing is not None:
            raise ConflictError(f"Location {location_type}:{target} already exists")
        row = self.locations.add(location_type, target, now_utc())
        SourceRepository(self.session).sync_one(
            SourceSpec(registered_source_key(row.id), "registered", location_type, target),
            now_utc(),
        )
        return {"location": location_dict(row), "entities": []}, True

    def delete(self, location_id: str) -> None:
        if self.settings.readonly:
            raise NotAllowedError(
                "The catalog is read-only (catalog.readonly); locations cannot be deleted"
            )
        row = self.locations.get(location_id)
        if row is None:
            raise NotFoundError(f"Found no location with ID {location_id}")
        self.locations.delete(row)
        # Backstage deletes a removed location's entities eagerly, whatever the orphan strategy.
        self.sources.remove(registered_source_key(location_id), orphan_strategy="delete")

    def check_allowed(self, location_type: str, target: str) -> None:
        """Refuse targets that would make the server read its own files or internal URLs."""
        if location_type not in {"file", "url"}:
            raise InputError(f"Unknown location type {location_type!r}: use file or url")
        refusal = Confinement.of(
            self.settings.registration_file_roots, self.settings.registration_allowed_hosts
        ).refusal(location_type, target)
        if refusal is not None:
            raise NotAllowedError(refusal[0].upper() + refusal[1:])


def outcome_messages(outcome: SourceOutcome) -> list[str]:
    """Every problem a (dry) pass found: on Locations, and on entities that failed."""
    messages = [item["message"] for items in outcome.child_errors.values() for item in items]
    for entity in outcome.entities.values():
        if entity.failed:
            messages.extend(item["message"] for item in entity.errors)
    return messages


def location_dict(row: LocationRow) -> dict[str, str]:
    """A registered location as the API returns it."""
    return location_shape(row.id, row.type, row.target)


def location_shape(location_id: str, location_type: str, target: str) -> dict[str, str]:
    """A location in Backstage's shape, with the ref of the Location entity it yields."""
    name = generated_location_name(location_type, target)
    return {
        "id": location_id,
        "type": location_type,
        "target": target,
        "entityRef": f"location:default/{name}",
    }


def location_service(session: Session, runtime: Runtime) -> LocationService:
    """The location rules for one request, reading through the engine's request reads."""
    from greenroom.catalog.engine import catalog_engine  # the engine builds on this module

    return LocationService(session, runtime.settings.catalog, catalog_engine(runtime).request_reads)
