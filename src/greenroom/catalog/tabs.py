"""The tabs the catalog puts on entity pages: Overview, Dependencies, APIs, Definition.

Groups and Users get their overview from the squads domain, which knows
members and ownership; every other kind gets the catalog's About page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from greenroom.catalog.service import CatalogService
from greenroom.web.extensions import EntityPage, EntityTab

MAX_RELATED = 1000
PEOPLE_KINDS = frozenset({"group", "user"})
# Relations shown on the overview, in this order, with their headings.
OVERVIEW_RELATIONS = (
    ("ownedBy", "Owned by"),
    ("partOf", "Part of"),
    ("hasPart", "Has parts"),
    ("dependsOn", "Depends on"),
    ("dependencyOf", "Dependency of"),
    ("providesApi", "Provides APIs"),
    ("consumesApi", "Consumes APIs"),
    ("apiProvidedBy", "Provided by"),
    ("apiConsumedBy", "Consumed by"),
)


def catalog_tabs(entity: Mapping[str, Any]) -> list[EntityTab]:
    kind = str(entity.get("kind", "")).lower()
    tabs: list[EntityTab] = []
    if kind not in PEOPLE_KINDS:
        tabs.append(EntityTab("", "Overview", "catalog/tab_overview.html", overview, order=0))
    if kind in {"component", "resource", "system"}:
        tabs.append(
            EntityTab(
                "dependencies", "Dependencies", "catalog/tab_dependencies.html", related, order=20
            )
        )
    if kind in {"component", "api", "system"}:
        tabs.append(EntityTab("api", "APIs", "catalog/tab_apis.html", related, order=30))
    if kind == "api":
        tabs.append(
            EntityTab("definition", "Definition", "catalog/tab_definition.html", empty, order=40)
        )
    return tabs


def relations_by_type(entity: Mapping[str, Any]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for relation in entity.get("relations") or []:
        grouped[relation["type"]].append(relation["targetRef"])
    return dict(grouped)


def related_entities(page: EntityPage, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The entities behind some relation targets, by ref (missing ones are left out)."""
    wanted = sorted(set(refs))[:MAX_RELATED]
    found = CatalogService(page.session).by_refs(wanted)
    return {ref: entity for ref, entity in zip(wanted, found, strict=True) if entity is not None}


def related(page: EntityPage) -> dict[str, Any]:
    relations = relations_by_type(page.entity)
    refs = [ref for targets in relations.values() for ref in targets]
    return {"relations": relations, "related": related_entities(page, refs)}


def overview(page: EntityPage) -> dict[str, Any]:
    context = related(page)
    relations = context["relations"]
    context["overview_relations"] = [
        (heading, relations[key]) for key, heading in OVERVIEW_RELATIONS if relations.get(key)
    ]
    parts = relations.get("hasPart", [])
    kind = str(page.entity.get("kind", "")).lower()
    context["subcomponents"] = (
        [ref for ref in parts if ref.startswith("component:")] if kind == "component" else []
    )
    context["parts_by_kind"] = (
        _by_kind(parts, context["related"]) if kind in {"system", "domain"} else {}
    )
    return context


def empty(page: EntityPage) -> dict[str, Any]:
    return {}


def _by_kind(refs: list[str], found: Mapping[str, dict[str, Any]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for ref in sorted(refs):
        kind = found[ref]["kind"] if ref in found else ref.split(":", 1)[0]
        grouped[str(kind)].append(ref)
    return dict(sorted(grouped.items()))
