"""All SQL that reads the catalog: filters, sorting, keyset pages, facets, refs.

Filters are answered from indexed tables: the entity's own columns for kind,
namespace and name, `catalog_search` for any other field, `catalog_relations`
for `relations.<type>`. No query scans JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    Table,
    and_,
    bindparam,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import column as column_clause
from sqlalchemy.sql.elements import BindParameter

from greenroom.catalog import fulltext
from greenroom.catalog.filters import (
    MAX_VALUE_LENGTH,
    EntityFilter,
    EntityQuery,
    FilterSet,
    FullTextFilter,
    SortField,
)
from greenroom.catalog.model import RELATION_PAIRS
from greenroom.catalog.models import (
    UNINDEXED_VALUE,
    CatalogStateRow,
    EntityRow,
    RelationRow,
    SearchRow,
)
from greenroom.db.membership import one_of

_FULLTEXT = table(fulltext.SQLITE_TABLE, column_clause("rowid"))

e = cast(Table, EntityRow.__table__)
r = cast(Table, RelationRow.__table__)
s = cast(Table, SearchRow.__table__)

# Keys answered from the entity row's own indexed columns instead of catalog_search.
_COLUMN_KEYS = {
    "kind": e.c.kind,
    "metadata.namespace": e.c.namespace,
    "metadata.name": e.c.name,
    "metadata.uid": e.c.uid,
    "spec.type": e.c.spec_type,
    "spec.lifecycle": e.c.lifecycle,
    "metadata.title": e.c.title,
    "spec.profile.displayname": e.c.display_name,
    "relations.ownedby": e.c.owner_ref,  # spec.owner is the only source of ownedBy
}
_ALWAYS_PRESENT = frozenset({"kind", "metadata.namespace", "metadata.name", "metadata.uid"})

# Only forward relations are stored (models.RelationRow); these turn a stored type
# into the one its target sees: ownedBy <-> ownerOf, memberOf <-> hasMember, ...
REVERSE_RELATIONS: dict[str, str] = {
    **{first.lower(): second for first, second in RELATION_PAIRS},
    **{second.lower(): first for first, second in RELATION_PAIRS},
}
REVERSE_RELATION_KEYS = {key: value.lower() for key, value in REVERSE_RELATIONS.items()}
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


class CatalogQueryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect.name

    # --- filters -------------------------------------------------------------

    def condition(self, entity_filter: EntityFilter) -> ColumnElement[bool]:
        if not entity_filter.sets:
            return true()
        return or_(*(self._set_condition(filter_set) for filter_set in entity_filter.sets))

    def _set_condition(self, filter_set: FilterSet) -> ColumnElement[bool]:
        kinds = filter_set.conditions.get("kind")
        # A search lookup restricted to the kinds already implies the kind; checking
        # it again on the entity row would read that row for every candidate.
        implied = bool(kinds) and any(
            _is_search_key(key) and values is not None
            for key, values in filter_set.conditions.items()
        )
        parts = [
            self._key_condition(key, values, kinds)
            for key, values in filter_set.conditions.items()
            if not (implied and key == "kind")
        ]
        return and_(*parts)

    def lone_search_lookup(self, query: EntityQuery) -> Select[tuple[str]] | None:
        """The search-table lookup a query reduces to, when it is one (`kind` + a tag)."""
        if (
            query.full_text is not None
            or len(query.filter.sets) != 1
            or query.refs is not None
            or query.status is not None
        ):
            return None
        conditions = dict(query.filter.sets[0].conditions)
        kinds = conditions.pop("kind", None)
        if len(conditions) != 1:
            return None
        [(key, values)] = conditions.items()
        if not _is_search_key(key) or values is None or not kinds:
            return None
        usable = [v for v in values if _indexable(v)]
        return select(s.c.entity_uid).where(
            s.c.key == key, s.c.value.in_(usable), s.c.kind.in_(kinds)
        )

    def _key_condition(
        self, key: str, values: frozenset[str] | None, kinds: frozenset[str] | None = None
    ) -> ColumnElement[bool]:
        usable = None if values is None else [v for v in values if _indexable(v)]
        if usable is not None and not usable:
            return false()
        if key in _COLUMN_KEYS and not (key == "relations.ownedby" and not kinds):
            column = _COLUMN_KEYS[key]
            if usable is None:
                return true() if key in _ALWAYS_PRESENT else column.is_not(None)
            return column.in_(usable)
        if key.startswith("relations."):
            return self._relation_condition(key.removeprefix("relations."), usable)
        match = s.c.key == key
        if usable is not None:
            match = and_(match, s.c.value.in_(usable))
            if kinds:  # narrows the index range to the kinds asked for
                match = and_(match, s.c.kind.in_(kinds))
        return e.c.uid.in_(select(s.c.entity_uid).where(match))

    def _relation_condition(self, type_key: str, targets: list[str] | None) -> ColumnElement[bool]:
        """The entity has relation `type_key` (to one of `targets`), stored either way round."""
        forward = r.c.type_key == type_key
        if targets is not None:
            forward = and_(forward, r.c.target_ref.in_(targets))
        condition = e.c.entity_ref.in_(select(r.c.source_ref).where(forward))
        reverse_key = REVERSE_RELATION_KEYS.get(type_key)
        if reverse_key is None:
            return condition
        backward = r.c.type_key == reverse_key
        if targets is not None:
            backward = and_(backward, r.c.source_ref.in_(targets))
        return or_(condition, e.c.entity_ref.in_(select(r.c.target_ref).where(backward)))

    def full_text_condition(self, full_text: FullTextFilter) -> ColumnElement[bool]:
        term = full_text.term.strip().lower()
        if not term:
            return true()
        parts: list[ColumnElement[bool]] = []
        columns: list[str] = []
        for field in full_text.fields:
            key = field.lower()
            if key in _COLUMN_KEYS:
                columns.append(key)
            else:
                parts.append(
                    e.c.uid.in_(
                        select(s.c.entity_uid).where(
                            s.c.key == key, self._contains(s.c.value, term)
                        )
                    )
                )
        if columns:
            parts.append(self._columns_contain(columns, term))
        return or_(*parts) if parts else true()

    def _columns_contain(self, keys: list[str], term: str) -> ColumnElement[bool]:
        """`term` occurs in one of these entity columns, through a trigram index if one fits."""
        columns = [_COLUMN_KEYS[key] for key in keys]
        scan = or_(*(self._contains(column, term) for column in columns))
        indexed = [column.name for column in columns if column.name in fulltext.COLUMNS]
        if len(term) < fulltext.MIN_TERM_LENGTH or len(indexed) < len(columns):
            return scan
        if self.session.get_bind().dialect.name == "postgresql":
            # pg_trgm's GIN indexes serve LIKE, not strpos (and LIKE costs the same unindexed).
            # The pattern is rendered into the statement, so the planner sees the
            # trigrams (`LIKE $1` could be anything).
            pattern: BindParameter[str] = bindparam(
                "fulltext_pattern", "%" + _escape_like(term) + "%", literal_execute=True
            )
            combined = _combined_text().like(pattern, escape="\\")
            return and_(combined, or_(*(column.like(pattern, escape="\\") for column in columns)))
        # SQLite: candidates from the FTS5 trigram table, checked against the columns
        # themselves, so that the answer is exactly the scan's.
        phrase = '"' + term.replace('"', '""') + '"'
        match = "{" + " ".join(indexed) + "}: " + phrase
        candidates = select(_FULLTEXT.c.rowid).where(
            literal_column(fulltext.SQLITE_TABLE).op("MATCH")(match)
        )
        return and_(literal_column("catalog_entities.rowid").in_(candidates), scan)

    def _contains(self, column: ColumnElement[Any], term: str) -> ColumnElement[bool]:
        """`term` occurs in the (lowercased) column: Backstage's `LIKE %term%`.

        A plain substring search (instr, strpos) does the same on lowercased text
        and is several times cheaper than LIKE, which folds case per character;
        counting full-text matches scans every entity of the kind.
        """
        if self.session.get_bind().dialect.name == "sqlite":
            return func.instr(column, term) > 0
        return func.strpos(column, term) > 0

    # --- ordering and pages ---------------------------------------------------

    def sort_expression(self, order: SortField) -> ColumnElement[Any]:
        key = order.field.lower()
        if key in _ALWAYS_PRESENT:
            return _COLUMN_KEYS[key]
        if key in _COLUMN_KEYS:
            return func.coalesce(_COLUMN_KEYS[key], _HIGH if order.order == "asc" else "")
        value = (
            select(func.min(s.c.value))
            .where(s.c.entity_uid == e.c.uid, s.c.key == key, s.c.value != UNINDEXED_VALUE)
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
        condition = self.query_condition(query)
        sort = self.sort_expression(query.order).label("sort_value")
        descending = query.order.order == "desc"
        # Late row lookup: find the page's uids from indexes alone, then read only
        # those rows; sorting whole rows (bodies included) of a broad filter is slow.
        statement = select(e.c.uid, sort).where(condition)
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
        keys = list(self.session.execute(statement))
        if reverse:
            keys.reverse()
        stored = self.by_uids([uid for uid, _ in keys])
        total = self.count(query) if count_total else 0
        present = [(uid, value) for uid, value in keys if uid in stored]
        return Page(
            rows=[stored[uid] for uid, _ in present],
            sort_values=[value for _, value in present],
            total=total,
        )

    def query_condition(self, query: EntityQuery) -> ColumnElement[bool]:
        condition = self.condition(query.filter)
        if query.full_text is not None:
            condition = and_(condition, self.full_text_condition(query.full_text))
        if query.refs is not None:
            condition = and_(condition, e.c.entity_ref.in_(sorted(query.refs)))
        if query.status == "orphan":
            condition = and_(condition, e.c.orphan.is_(True))
        elif query.status == "error":
            condition = and_(condition, e.c.errors.is_not(None))
        return condition

    def count(self, query: EntityQuery) -> int:
        """How many entities match the query."""
        lookup = self.lone_search_lookup(query)
        if lookup is not None:
            # An entity with two of the asked values has two rows: count entities.
            rows = lookup.subquery()
            counted = select(func.count(func.distinct(rows.c.entity_uid)))
        else:
            counted = select(func.count()).select_from(e).where(self.query_condition(query))
        return int(self.session.scalar(counted) or 0)

    def by_uids(self, uids: Sequence[str]) -> dict[str, StoredEntity]:
        if not uids:
            return {}
        rows = self.session.execute(
            select(e.c.uid, e.c.entity_ref, e.c.body, e.c.hash, e.c.errors, e.c.orphan).where(
                one_of(e.c.uid, uids, self._dialect)
            )
        )
        return {row[0]: StoredEntity(*row) for row in rows}

    # --- single entities and refs ----------------------------------------------

    def by_refs(self, refs: Sequence[str]) -> dict[str, StoredEntity]:
        found: dict[str, StoredEntity] = {}
        unique = list(dict.fromkeys(refs))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self.session.execute(
                select(e.c.uid, e.c.entity_ref, e.c.body, e.c.hash, e.c.errors, e.c.orphan).where(
                    one_of(e.c.entity_ref, chunk, self._dialect)
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
        """(type, targetRef) pairs per ref, both emitted and reversed, deduplicated and sorted."""
        result: dict[str, set[tuple[str, str]]] = {ref: set() for ref in refs}
        unique = list(result)
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            emitted = select(r.c.source_ref, r.c.type, r.c.target_ref).where(
                one_of(r.c.source_ref, chunk, self._dialect)
            )
            # .all(): one fetch of every row, not a driver call per row (an entity's
            # reverse relations can be thousands: a squad owns hundreds of components).
            for source, relation_type, target in self.session.execute(emitted).all():
                result[source].add((relation_type, target))
            pointing_here = select(r.c.source_ref, r.c.type, r.c.target_ref).where(
                one_of(r.c.target_ref, chunk, self._dialect)
            )
            for source, relation_type, target in self.session.execute(pointing_here).all():
                reverse = REVERSE_RELATIONS.get(relation_type.lower())
                if reverse is not None and target in result:
                    result[target].add((reverse, source))
        return {ref: sorted(pairs) for ref, pairs in result.items()}

    def generation(self) -> int:
        """Changes whenever entities change (see repository.bump_generation)."""
        value = self.session.scalar(
            select(CatalogStateRow.value).where(CatalogStateRow.key == "generation")
        )
        return int(value or 0)

    def error_messages_of_source(self, source_key: str) -> list[str]:
        """Every processing error stored on the entities of one source."""
        messages: list[str] = []
        rows = self.session.execute(
            select(e.c.errors).where(e.c.source_key == source_key, e.c.errors.is_not(None))
        )
        for (errors,) in rows:
            messages.extend(item["message"] for item in json.loads(errors))
        return messages

    def neighbour_groups(self, refs: Sequence[str], type_key: str) -> set[str]:
        """Groups related to `refs` by `type_key` (`parentof`: the groups below them,
        `childof`: above), read both ways round, without reading their other relations."""
        reverse_key = REVERSE_RELATION_KEYS[type_key]
        found: set[str] = set()
        unique = list(dict.fromkeys(refs))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            emitted = select(r.c.target_ref).where(
                r.c.type_key == type_key, r.c.source_ref.in_(chunk)
            )
            reversed_ = select(r.c.source_ref).where(
                r.c.type_key == reverse_key, r.c.target_ref.in_(chunk)
            )
            found.update(self.session.scalars(emitted.union(reversed_)))
        return {ref for ref in found if ref.startswith("group:")}

    def refs_of_source(self, source_key: str, limit: int) -> list[str]:
        """The entities one source gave, by ref (what a registration created)."""
        return list(
            self.session.scalars(
                select(e.c.entity_ref)
                .where(e.c.source_key == source_key)
                .order_by(e.c.entity_ref)
                .limit(limit)
            )
        )

    def owners_of_source(self, source_key: str) -> list[str]:
        """Everyone who owns something a source gave (who may remove that source)."""
        return sorted(
            self.session.scalars(
                select(e.c.owner_ref)
                .where(e.c.source_key == source_key, e.c.owner_ref.is_not(None))
                .distinct()
            )
        )

    def parent_of(self, ref: str) -> str | None:
        return self.session.scalar(select(e.c.parent_ref).where(e.c.entity_ref == ref))

    def filtered_refs(self, entity_filter: EntityFilter) -> list[str]:
        return list(
            self.session.scalars(select(e.c.entity_ref).where(self.condition(entity_filter)))
        )

    # --- facets -----------------------------------------------------------------

    def facet(self, key: str, entity_filter: EntityFilter) -> list[tuple[str, int]]:
        """Distinct values of `key` among the filtered entities, with how many have each."""
        key = key.lower()
        condition = self.condition(entity_filter)
        filtered = bool(entity_filter.sets)
        if key.startswith("relations.") and key not in _COLUMN_KEYS:
            return self._relation_facet(key.removeprefix("relations."), condition, filtered)
        if key in _COLUMN_KEYS and key != "metadata.uid":
            column = _COLUMN_KEYS[key]
            grouped = (
                select(column.label("value"), func.count().label("n"))
                .where(condition, column.is_not(None))
                .group_by(column)
            )
        else:
            # (key, value) is unique per entity (flatten.py), so count(*) counts entities.
            grouped = select(s.c.value.label("value"), func.count().label("n")).where(
                s.c.key == key, s.c.value != UNINDEXED_VALUE
            )
            kinds = _single_kind_set(entity_filter)
            if kinds:
                grouped = grouped.where(s.c.kind.in_(kinds))
            if filtered and not _only_kind(entity_filter):
                grouped = grouped.where(s.c.entity_uid.in_(select(e.c.uid).where(condition)))
            grouped = grouped.group_by(s.c.value)
        if key.startswith("relations.") or key == "metadata.namespace":
            # Refs and namespaces are lowercase by definition: nothing to look up.
            return [(str(value), int(n)) for value, n in self.session.execute(grouped)]
        return self._with_original_case(key, grouped.subquery())

    def _relation_facet(
        self, type_key: str, condition: ColumnElement[bool], filtered: bool
    ) -> list[tuple[str, int]]:
        """Targets of relation `type_key` among the filtered entities, read both ways round."""
        emitted = select(r.c.source_ref.label("entity"), r.c.target_ref.label("value")).where(
            r.c.type_key == type_key
        )
        reverse_key = REVERSE_RELATION_KEYS.get(type_key)
        edges = (
            emitted.union(
                select(r.c.target_ref.label("entity"), r.c.source_ref.label("value")).where(
                    r.c.type_key == reverse_key
                )
            ).subquery()
            if reverse_key is not None
            else emitted.subquery()
        )
        statement = select(edges.c.value, func.count(func.distinct(edges.c.entity)))
        if filtered:
            statement = statement.where(edges.c.entity.in_(select(e.c.entity_ref).where(condition)))
        statement = statement.group_by(edges.c.value)
        return [(str(value), int(n)) for value, n in self.session.execute(statement)]

    def _with_original_case(self, key: str, grouped: Subquery) -> list[tuple[str, int]]:
        """Facets show values as written; rows are grouped by their lowercased form.

        One index probe per distinct value finds a written form; reading the
        original of every row in a group would read every row.
        """
        written = s.alias("written")
        original = (
            select(written.c.original_value)
            .where(written.c.key == key, written.c.value == grouped.c.value)
            .limit(1)
            .scalar_subquery()
        )
        rows = self.session.execute(select(grouped.c.value, grouped.c.n, original))
        return [(str(written_form or value), int(n)) for value, n, written_form in rows]

    # --- status -----------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        entities = self.session.scalar(select(func.count()).select_from(e)) or 0
        relations = self.session.scalar(select(func.count()).select_from(r)) or 0
        return int(entities), int(relations)


def _combined_text() -> ColumnElement[str]:
    """fulltext.COMBINED_SQL over this query's entity table (constants, so its index matches)."""
    space: ColumnElement[str] = literal_column("' '")
    empty: ColumnElement[str] = literal_column("''")
    return (
        e.c.name.concat(space)
        .concat(func.coalesce(e.c.title, empty))
        .concat(space)
        .concat(func.coalesce(e.c.display_name, empty))
    )


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _indexable(value: str) -> bool:
    """Whether an equality filter on `value` can match: long values are not indexed."""
    return len(value) <= MAX_VALUE_LENGTH and UNINDEXED_VALUE not in value


def _is_search_key(key: str) -> bool:
    return key not in _COLUMN_KEYS and not key.startswith("relations.")


def _single_kind_set(entity_filter: EntityFilter) -> frozenset[str] | None:
    """The kinds every filter set is limited to, when each set names kinds."""
    kinds: set[str] = set()
    for filter_set in entity_filter.sets:
        values = filter_set.conditions.get("kind")
        if not values:
            return None
        kinds |= values
    return frozenset(kinds) or None


def _only_kind(entity_filter: EntityFilter) -> bool:
    return all(set(fs.conditions) == {"kind"} for fs in entity_filter.sets)


def _keyset(sort: Any, mark: tuple[str, str], *, forward: bool) -> ColumnElement[bool]:
    value, uid = mark
    if forward:
        return or_(sort > literal(value), and_(sort == literal(value), e.c.uid > uid))
    return or_(sort < literal(value), and_(sort == literal(value), e.c.uid < uid))
