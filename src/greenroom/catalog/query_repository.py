"""All SQL that reads the catalog: filters, sorting, keyset pages, facets, refs.

Filters are answered from indexed tables: the entity's own columns for kind,
namespace and name, `catalog_search` for any other field, `catalog_relations`
for `relations.<type>`. No query scans JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from greenroom.catalog.filters import (
    MAX_VALUE_LENGTH,
    EntityFilter,
    EntityQuery,
    FilterSet,
    FullTextFilter,
    SortField,
)
from greenroom.catalog.models import EntityRow, RelationRow, SearchRow

e = EntityRow.__table__
r = RelationRow.__table__
s = SearchRow.__table__

_COLUMN_KEYS = {"kind": e.c.kind, "metadata.namespace": e.c.namespace, "metadata.name": e.c.name}
ORPHAN_ANNOTATION = "backstage.io/orphan"
_HIGH = "\U0010ffff"


@dataclass(slots=True)
class StoredEntity:
    """An entity row as read, before relations are stitched in."""

    uid: str
    ref: str
    body: str
    hash: str
    errors: str | None
    orphan: bool


@dataclass
class Page:
    rows: list[StoredEntity]
    sort_values: list[str]
    total: int


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CatalogQueryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- filters -------------------------------------------------------------

    def condition(self, entity_filter: EntityFilter) -> ColumnElement[bool]:
        if not entity_filter.sets:
            return true()
        return or_(*(self._set_condition(filter_set) for filter_set in entity_filter.sets))

    def _set_condition(self, filter_set: FilterSet) -> ColumnElement[bool]:
        parts = [self._key_condition(key, values) for key, values in filter_set.conditions.items()]
        return and_(*parts)

    def _key_condition(self, key: str, values: frozenset[str] | None) -> ColumnElement[bool]:
        usable = None if values is None else [v for v in values if len(v) <= MAX_VALUE_LENGTH]
        if usable is not None and not usable:
            return false()
        if key in _COLUMN_KEYS:
            return true() if usable is None else _COLUMN_KEYS[key].in_(usable)
        if key == "metadata.uid":
            return true() if usable is None else e.c.uid.in_(usable)
        if key.startswith("relations."):
            relation = r.c.type_key == key.removeprefix("relations.")
            if usable is not None:
                relation = and_(relation, r.c.target_ref.in_(usable))
            return e.c.entity_ref.in_(select(r.c.source_ref).where(relation))
        match = s.c.key == key
        if usable is not None:
            match = and_(match, s.c.value.in_(usable))
        return e.c.uid.in_(select(s.c.entity_uid).where(match))

    def full_text_condition(self, full_text: FullTextFilter) -> ColumnElement[bool]:
        term = full_text.term.strip().lower()
        if not term:
            return true()
        pattern = _like_pattern(term)
        parts: list[ColumnElement[bool]] = []
        for field in full_text.fields:
            key = field.lower()
            if key in _COLUMN_KEYS:
                parts.append(_COLUMN_KEYS[key].like(pattern, escape="\\"))
            else:
                parts.append(
                    e.c.uid.in_(
                        select(s.c.entity_uid).where(
                            s.c.key == key, s.c.value.like(pattern, escape="\\")
                        )
                    )
                )
        return or_(*parts) if parts else true()

    # --- ordering and pages ---------------------------------------------------

    def sort_expression(self, order: SortField) -> ColumnElement[Any]:
        key = order.field.lower()
        if key in _COLUMN_KEYS:
            return _COLUMN_KEYS[key]
        if key == "metadata.uid":
            return e.c.uid
        value = (
            select(func.min(s.c.value))
            .where(s.c.entity_uid == e.c.uid, s.c.key == key)
            .scalar_subquery()
        )
        # Entities without the field sort last in either direction.
        return func.coalesce(value, _HIGH if order.order == "asc" else "")

    def page(
        self,
        query: EntityQuery,
        *,
        after: tuple[str, str] | None = None,
        before: tuple[str, str] | None = None,
        count_total: bool = True,
    ) -> Page:
        condition = self.condition(query.filter)
        if query.full_text is not None:
            condition = and_(condition, self.full_text_condition(query.full_text))
        sort = self.sort_expression(query.order).label("sort_value")
        descending = query.order.order == "desc"
        statement = select(
            e.c.uid, e.c.entity_ref, e.c.body, e.c.hash, e.c.errors, e.c.orphan, sort
        ).where(condition)
        reverse = False
        if after is not None:
            statement = statement.where(_keyset(sort, after, forward=not descending))
        elif before is not None:
            statement = statement.where(_keyset(sort, before, forward=descending))
            reverse = True
        ascending_now = descending == reverse
        if ascending_now:
            statement = statement.order_by(sort.asc(), e.c.uid.asc())
        else:
            statement = statement.order_by(sort.desc(), e.c.uid.desc())
        if query.offset and after is None and before is None:
            statement = statement.offset(query.offset)
        statement = statement.limit(query.limit + 1)
        rows = list(self.session.execute(statement))
        if reverse:
            rows.reverse()
        total = 0
        if count_total:
            total = int(
                self.session.scalar(select(func.count()).select_from(e).where(condition)) or 0
            )
        return Page(
            rows=[StoredEntity(*row[:6]) for row in rows],
            sort_values=[row[6] for row in rows],
            total=total,
        )

    # --- single entities and refs ----------------------------------------------

    def by_refs(self, refs: Sequence[str]) -> dict[str, StoredEntity]:
        found: dict[str, StoredEntity] = {}
        unique = list(dict.fromkeys(refs))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self.session.execute(
                select(e.c.uid, e.c.entity_ref, e.c.body, e.c.hash, e.c.errors, e.c.orphan).where(
                    e.c.entity_ref.in_(chunk)
                )
            )
            for row in rows:
                found[row[1]] = StoredEntity(*row)
        return found

    def by_uid(self, uid: str) -> StoredEntity | None:
        row = self.session.execute(
            select(e.c.uid, e.c.entity_ref, e.c.body, e.c.hash, e.c.errors, e.c.orphan).where(
                e.c.uid == uid
            )
        ).first()
        return StoredEntity(*row) if row else None

    def relations_of(self, refs: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """(type, targetRef) pairs per source ref, deduplicated and sorted."""
        result: dict[str, set[tuple[str, str]]] = {ref: set() for ref in refs}
        unique = list(result)
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self.session.execute(
                select(r.c.source_ref, r.c.type, r.c.target_ref).where(r.c.source_ref.in_(chunk))
            )
            for source, relation_type, target in rows:
                result[source].add((relation_type, target))
        return {ref: sorted(pairs) for ref, pairs in result.items()}

    def parent_of(self, ref: str) -> str | None:
        return self.session.scalar(select(e.c.parent_ref).where(e.c.entity_ref == ref))

    def filtered_refs(self, entity_filter: EntityFilter) -> list[str]:
        return list(
            self.session.scalars(select(e.c.entity_ref).where(self.condition(entity_filter)))
        )

    # --- facets -----------------------------------------------------------------

    def facet(self, key: str, entity_filter: EntityFilter) -> list[tuple[str, int]]:
        key = key.lower()
        condition = self.condition(entity_filter)
        filtered = bool(entity_filter.sets)
        if key.startswith("relations."):
            statement = select(r.c.target_ref, func.count(func.distinct(r.c.source_ref))).where(
                r.c.type_key == key.removeprefix("relations.")
            )
            if filtered:
                statement = statement.where(
                    r.c.source_ref.in_(select(e.c.entity_ref).where(condition))
                )
            statement = statement.group_by(r.c.target_ref)
        else:
            statement = select(s.c.original_value, func.count(func.distinct(s.c.entity_uid))).where(
                s.c.key == key, s.c.original_value.is_not(None)
            )
            if filtered:
                statement = statement.where(s.c.entity_uid.in_(select(e.c.uid).where(condition)))
            statement = statement.group_by(s.c.original_value)
        return [(str(value), int(count)) for value, count in self.session.execute(statement)]

    # --- status -----------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        entities = self.session.scalar(select(func.count()).select_from(e)) or 0
        relations = self.session.scalar(select(func.count()).select_from(r)) or 0
        return int(entities), int(relations)


def _keyset(sort: Any, mark: tuple[str, str], *, forward: bool) -> ColumnElement[bool]:
    value, uid = mark
    if forward:
        return or_(sort > literal(value), and_(sort == literal(value), e.c.uid > uid))
    return or_(sort < literal(value), and_(sort == literal(value), e.c.uid < uid))


def decode_body(stored: StoredEntity) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(stored.body)
    return body
