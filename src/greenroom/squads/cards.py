"""What Your Squads shows of each group: its profile, parent, members and what it owns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from greenroom.catalog.tabs import relations_by_type
from greenroom.squads.ownership import KindCount, kind_counts
from greenroom.squads.service import Descendants, SquadService
from greenroom.squads.tabs import entity_ref


@dataclass(frozen=True)
class SquadCard:
    ref: str
    entity: dict[str, Any]
    parents: list[str]
    member_count: int
    counts: list[KindCount]
    """What the group owns itself."""
    below: Descendants
    aggregate_counts: list[KindCount]
    """What the group and every group below it own."""


def squad_cards(
    service: SquadService, groups: Sequence[dict[str, Any]], labels: Mapping[str, str]
) -> list[SquadCard]:
    """One card per group, with all ownership counted in one query."""
    refs = [entity_ref(group) for group in groups]
    below = {ref: service.descendants(ref) for ref in refs}
    owners = [owner for ref in refs for owner in (ref, *below[ref].refs)]
    per_owner = service.owned_counts(owners)
    cards = []
    for ref, group in zip(refs, groups, strict=True):
        relations = relations_by_type(group)
        cards.append(
            SquadCard(
                ref=ref,
                entity=group,
                parents=relations.get("childOf", []),
                member_count=len(set(relations.get("hasMember", []))),
                counts=kind_counts(per_owner, [ref], labels),
                below=below[ref],
                aggregate_counts=kind_counts(per_owner, [ref, *below[ref].refs], labels),
            )
        )
    return cards


@dataclass(frozen=True)
class GroupRow:
    """A line of the list of every group, shown to someone who is in none."""

    ref: str
    entity: dict[str, Any]
    parents: list[str]
    member_count: int


def group_rows(groups: Sequence[dict[str, Any]]) -> list[GroupRow]:
    rows = []
    for group in groups:
        relations = relations_by_type(group)
        rows.append(
            GroupRow(
                ref=entity_ref(group),
                entity=group,
                parents=relations.get("childOf", []),
                member_count=len(set(relations.get("hasMember", []))),
            )
        )
    return rows
