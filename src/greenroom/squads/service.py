"""The rules of squad pages: which groups sit below a group, and what a set of owners owns.

Services never commit: the request owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from greenroom.catalog.filters import SortField
from greenroom.catalog.service import MAX_LIMIT, MAX_REFS, CatalogService
from greenroom.squads.repository import SquadRepository

MAX_DEPTH = 10
"""Levels walked below a group; real organisations are three or four deep."""
MAX_DESCENDANTS = 500
"""Groups gathered below one group; the walk stops there and says it was cut short."""
OWNERS_PER_SET = 50


@dataclass(frozen=True)
class Descendants:
    refs: tuple[str, ...]
    """Every group below, nearest levels first."""
    truncated: bool
    """The walk stopped at MAX_DEPTH or MAX_DESCENDANTS before it ran out of groups."""


class SquadService:
    def __init__(self, session: Session) -> None:
        self.catalog = CatalogService(session)
        self.squads = SquadRepository(session)

    def descendants(self, ref: str) -> Descendants:
        """The groups below `ref` (its children, theirs, ...), one query per level."""
        seen = {ref}
        found: list[str] = []
        level = [ref]
        for _ in range(MAX_DEPTH):
            children = self.squads.child_groups(level)
            # A cycle (a child naming an ancestor as its child) ends at `seen`.
            level = sorted({child for parent in level for child in children.get(parent, ())} - seen)
            if not level:
                return Descendants(tuple(found), truncated=False)
            room = MAX_DESCENDANTS - len(found)
            if len(level) > room:
                found.extend(level[:room])
                return Descendants(tuple(found), truncated=True)
            seen.update(level)
            found.extend(level)
        deeper = self.squads.child_groups(level)
        more = any(set(children) - seen for children in deeper.values())
        return Descendants(tuple(found), truncated=more)

    def owned_counts(self, owners: Sequence[str]) -> dict[str, dict[str, int]]:
        """owner -> lowercase kind -> how many entities it owns directly."""
        return self.squads.owned_counts(owners)

    def entities(self, refs: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The entities behind some refs, by ref; refs not in the catalog are left out."""
        wanted = list(dict.fromkeys(refs))[:MAX_REFS]
        found = self.catalog.by_refs(wanted)
        return {ref: entity for ref, entity in zip(wanted, found, strict=True) if entity}

    def groups(self, refs: Sequence[str]) -> list[dict[str, Any]]:
        """The Group entities among `refs`, in their order."""
        found = self.entities(refs)
        return [
            found[ref]
            for ref in dict.fromkeys(refs)
            if ref in found and _kind(found[ref]) == "group"
        ]

    def all_groups(self, limit: int) -> tuple[list[dict[str, Any]], int]:
        """The catalog's groups by name (at most `limit`), and how many there are."""
        page = self.catalog.query(
            filters=["kind=group"], order=SortField("metadata.name"), limit=min(limit, MAX_LIMIT)
        )
        return page["items"], int(page["totalItems"])

    def owned_entities(self, owners: Sequence[str], limit: int) -> tuple[list[dict[str, Any]], int]:
        """What any of `owners` owns directly, by name (at most `limit`), and how many in all."""
        unique = list(dict.fromkeys(owners))
        if not unique:
            return [], 0
        # A key repeated in one filter set is OR'ed, and so are the sets; a set holds
        # at most MAX_STATEMENTS statements, so the owners are spread over several.
        filters = [
            ",".join(
                f"relations.ownedBy={owner}" for owner in unique[start : start + OWNERS_PER_SET]
            )
            for start in range(0, len(unique), OWNERS_PER_SET)
        ]
        page = self.catalog.query(
            filters=filters, order=SortField("metadata.name"), limit=min(limit, MAX_LIMIT)
        )
        return page["items"], int(page["totalItems"])


def _kind(entity: dict[str, Any]) -> str:
    return str(entity.get("kind", "")).lower()
