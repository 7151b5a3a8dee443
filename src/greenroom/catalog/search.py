"""The catalog's answers to the portal's global search: names, titles and descriptions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from greenroom.catalog.browse import FULL_TEXT_FIELDS
from greenroom.catalog.columns import owner_ref
from greenroom.catalog.filters import FullTextFilter, SortField
from greenroom.catalog.service import CatalogService
from greenroom.web.extensions import SearchResult
from greenroom.web.templating import entity_url


def search_catalog(session: Session, term: str, limit: int) -> list[SearchResult]:
    page = CatalogService(session).query(
        full_text=FullTextFilter(term, (*FULL_TEXT_FIELDS, "spec.profile.displayName")),
        order=SortField("metadata.name"),
        limit=limit,
    )
    results = []
    for entity in page["items"]:
        metadata = entity["metadata"]
        ref = f"{entity['kind']}:{metadata.get('namespace') or 'default'}/{metadata['name']}"
        profile = (entity.get("spec") or {}).get("profile") or {}
        results.append(
            SearchResult(
                title=str(metadata.get("title") or profile.get("displayName") or metadata["name"]),
                url=entity_url(ref),
                kind=str(entity["kind"]),
                text=str(metadata.get("description") or ""),
                owner=owner_ref(entity),
            )
        )
    return results
