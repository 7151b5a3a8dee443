"""The tabs squads put on Group and User pages: an Overview of people and ownership, and Owned.

The catalog gives these two kinds no overview of its own (catalog/tabs.py):
what matters about a group or a person is who is in it and what it owns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenroom.catalog.tabs import relations_by_type
from greenroom.squads.ownership import MAX_OWNERS_PER_LINK, kind_counts, kind_labels
from greenroom.squads.service import SquadService
from greenroom.web.extensions import EntityPage, EntityTab

MAX_MEMBERS = 500
"""Members shown on a group's page; a larger group says how many more there are."""
MAX_OWNED_LISTED = 1000


def squad_tabs(entity: Mapping[str, Any]) -> list[EntityTab]:
    kind = str(entity.get("kind", "")).lower()
    owned_tab = EntityTab("owned", "Owned", "squads/tab_owned.html", owned, order=20)
    if kind == "group":
        return [
            EntityTab("", "Overview", "squads/tab_group.html", group_overview, order=0),
            owned_tab,
        ]
    if kind == "user":
        return [
            EntityTab("", "Overview", "squads/tab_user.html", user_overview, order=0),
            owned_tab,
        ]
    return []


def group_overview(page: EntityPage) -> dict[str, Any]:
    relations = relations_by_type(page.entity)
    service = SquadService(page.session)
    parents = relations.get("childOf", [])
    children = relations.get("parentOf", [])
    member_refs = relations.get("hasMember", [])
    related = service.entities([*parents, *children, *member_refs[:MAX_MEMBERS]])
    below = service.descendants(page.ref)
    owners = [page.ref, *below.refs]
    per_owner = service.owned_counts(owners)
    labels = kind_labels(page.session, page.runtime)
    return {
        "parents": parents,
        "children": sorted(children, key=lambda ref: sort_name(ref, related)),
        "members": sorted(member_refs[:MAX_MEMBERS], key=lambda ref: sort_name(ref, related)),
        "member_total": len(member_refs),
        "related": related,
        "below": below,
        "direct_counts": kind_counts(per_owner, [page.ref], labels),
        "aggregate_counts": kind_counts(per_owner, owners, labels),
        "aggregate_linked": len(owners) <= MAX_OWNERS_PER_LINK,
        "max_owners_per_link": MAX_OWNERS_PER_LINK,
    }


def user_overview(page: EntityPage) -> dict[str, Any]:
    groups = relations_by_type(page.entity).get("memberOf", [])
    service = SquadService(page.session)
    related = service.entities(groups)
    owners = [page.ref, *groups]
    per_owner = service.owned_counts(owners)
    labels = kind_labels(page.session, page.runtime)
    return {
        "groups": sorted(groups, key=lambda ref: sort_name(ref, related)),
        "related": related,
        "direct_counts": kind_counts(per_owner, [page.ref], labels),
        "group_counts": {group: kind_counts(per_owner, [group], labels) for group in groups},
        "combined_counts": kind_counts(per_owner, owners, labels),
    }


def owned(page: EntityPage) -> dict[str, Any]:
    """What the entity owns, then what its groups own: the groups below a Group, a User's groups."""
    service = SquadService(page.session)
    if str(page.entity.get("kind", "")).lower() == "group":
        below = service.descendants(page.ref)
        others, truncated = list(below.refs), below.truncated
    else:
        others, truncated = relations_by_type(page.entity).get("memberOf", []), False
    entities, total = service.owned_entities([page.ref, *others], MAX_OWNED_LISTED)
    related = {entity_ref(entity): entity for entity in entities}
    ordered = sorted(related, key=lambda ref: (ref.split(":", 1)[0], sort_name(ref, related)))
    direct = {ref for ref in ordered if page.ref in owners_of(related[ref])}
    return {
        "direct_refs": [ref for ref in ordered if ref in direct],
        "through_refs": [ref for ref in ordered if ref not in direct],
        "related": related,
        "other_owners": others,
        "owners_truncated": truncated,
        "owned_total": total,
        "owned_shown": len(entities),
    }


def entity_ref(entity: Mapping[str, Any]) -> str:
    metadata = entity.get("metadata") or {}
    namespace = metadata.get("namespace") or "default"
    return f"{entity.get('kind', '')}:{namespace}/{metadata.get('name', '')}".lower()


def owners_of(entity: Mapping[str, Any]) -> set[str]:
    return set(relations_by_type(entity).get("ownedBy", []))


def sort_name(ref: str, found: Mapping[str, Mapping[str, Any]]) -> str:
    """How a list of people or groups is ordered: by the name the page shows."""
    entity = found.get(ref)
    if entity is None:
        return ref.rsplit("/", 1)[-1].lower()
    metadata = entity.get("metadata") or {}
    profile = (entity.get("spec") or {}).get("profile") or {}
    return str(metadata.get("title") or profile.get("displayName") or metadata["name"]).lower()
