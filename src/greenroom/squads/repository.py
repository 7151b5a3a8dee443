"""The SQL behind squad pages: who owns how much of each kind, and which groups sit below which.

Both read the catalog's own indexed tables; neither reads entity bodies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, func, select, union_all
from sqlalchemy.orm import Session

from greenroom.catalog.models import EntityRow, RelationRow

e = cast(Table, EntityRow.__table__)
r = cast(Table, RelationRow.__table__)
CHUNK = 500
"""Refs per statement: well under SQLite's and PostgreSQL's parameter limits."""


class SquadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def owned_counts(self, owner_refs: Sequence[str]) -> dict[str, dict[str, int]]:
        """How many entities of each (lowercase) kind each owner owns: owner -> kind -> count.

        `owner_ref` is the entity's one ownedBy target (spec.owner), so an entity is
        counted once, for one owner, and counts of several owners add up.
        """
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        unique = list(dict.fromkeys(owner_refs))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            statement = (
                select(e.c.owner_ref, e.c.kind, func.count())
                .where(e.c.owner_ref.in_(chunk))
                .group_by(e.c.owner_ref, e.c.kind)
            )
            for owner, kind, count in self.session.execute(statement):
                counts[str(owner)][str(kind)] = int(count)
        return dict(counts)

    def child_groups(self, refs: Sequence[str]) -> dict[str, set[str]]:
        """The direct children of each group, whichever side declared the relation.

        A parent's `spec.children` is stored as parentOf, a child's `spec.parent`
        as childOf; either one is enough.
        """
        children: dict[str, set[str]] = defaultdict(set)
        unique = list(dict.fromkeys(refs))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            declared_by_parent = select(r.c.source_ref, r.c.target_ref).where(
                r.c.type_key == "parentof", r.c.source_ref.in_(chunk)
            )
            declared_by_child = select(r.c.target_ref, r.c.source_ref).where(
                r.c.type_key == "childof", r.c.target_ref.in_(chunk)
            )
            for parent, child in self.session.execute(
                union_all(declared_by_parent, declared_by_child)
            ):
                if str(child).startswith("group:"):
                    children[str(parent)].add(str(child))
        return dict(children)
