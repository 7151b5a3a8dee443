"""Extra columns of the catalog table, configured per company (`ui.catalog_columns`).

A column reads a dotted path from each entity, or from the entity's owner: a
bank shows each service's `tier` label and its owning squad's colony
(`spec.parent` of the owner) beside Backstage's own columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from greenroom.catalog.service import CatalogService
from greenroom.settings import CatalogColumnSetting


def columns_for_kind(
    columns: Sequence[CatalogColumnSetting], kind: str
) -> list[CatalogColumnSetting]:
    return [c for c in columns if not c.kinds or kind in {k.lower() for k in c.kinds}]


def column_values(
    catalog: CatalogService,
    entities: Sequence[dict[str, Any]],
    columns: Sequence[CatalogColumnSetting],
) -> list[list[str | None]]:
    """Each entity's value of each column, as text (None when the entity has none)."""
    owners: dict[str, dict[str, Any] | None] = {}
    if any(column.source == "owner" for column in columns):
        refs = sorted({ref for entity in entities if (ref := owner_ref(entity))})
        owners = dict(zip(refs, catalog.by_refs(refs), strict=True))
    rows: list[list[str | None]] = []
    for entity in entities:
        values: list[str | None] = []
        for column in columns:
            source = entity if column.source == "entity" else owners.get(owner_ref(entity) or "")
            values.append(read_path(source, column.field) if source else None)
        rows.append(values)
    return rows


def owner_ref(entity: dict[str, Any]) -> str | None:
    for relation in entity.get("relations") or []:
        if relation.get("type") == "ownedBy":
            return str(relation["targetRef"])
    return None


def read_path(document: dict[str, Any], path: str) -> str | None:
    """The value at a dotted path; keys may hold dots themselves (`backstage.io/x`)."""
    current: Any = document
    remaining = path
    while remaining:
        if not isinstance(current, dict):
            return None
        # The longest key that is a prefix of what is left wins.
        parts = remaining.split(".")
        for cut in range(len(parts), 0, -1):
            key = ".".join(parts[:cut])
            if key in current:
                current = current[key]
                remaining = ".".join(parts[cut:])
                break
        else:
            return None
    if current is None or isinstance(current, dict | list):
        return None
    return str(current)
