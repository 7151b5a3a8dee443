"""All SQL that writes the catalog, and the reads processing needs.

Writes are set-based and chunked well under both databases' parameter limits
(SQLite 32,766, PostgreSQL 65,535), so a location emitting 100,000 entities is
a few hundred statements, not one per entity and not one too large to run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Engine,
    Index,
    Select,
    Table,
    delete,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from greenroom.catalog.fulltext import create_fulltext_index, drop_postgres_indexes
from greenroom.catalog.models import (
    CatalogStateRow,
    EntityRow,
    RelationRow,
    SearchRow,
    SourceFileRow,
)
from greenroom.catalog.outcome import FileState, ProcessedEntity, SourceOutcome, StoredRelation
from greenroom.db.bulk import bulk_insert, time_ordered_uids
from greenroom.db.membership import one_of

CHUNK = 500
T = TypeVar("T")

ENTITY_COLUMNS = tuple(column.name for column in EntityRow.__table__.columns)
RELATION_COLUMNS = ("source_ref", "type_key", "target_ref", "type")
SOURCE_FILE_COLUMNS = ("source_key", "location", "parent_location", "version", "state")
SEARCH_COLUMNS = ("entity_uid", "key", "value", "original_value", "kind")

entities_table = cast(Table, EntityRow.__table__)
relations_table = cast(Table, RelationRow.__table__)
search_table = cast(Table, SearchRow.__table__)
source_files_table = cast(Table, SourceFileRow.__table__)


def now_utc() -> datetime:
    return datetime.now(UTC)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass
class WriteStats:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    orphaned: int = 0
    unchanged: int = 0
    conflicts: int = 0
    errors: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated + self.deleted + self.orphaned


@dataclass(slots=True)
class _Existing:
    uid: str
    hash: str
    location: str
    errors: str | None
    orphan: bool
    source_key: str


@dataclass
class _Plan:
    """What writing one source's outcome changes (see CatalogWriteRepository._plan)."""

    outcome: SourceOutcome
    existing: dict[str, _Existing]
    stats: WriteStats = field(default_factory=WriteStats)
    inserts: list[ProcessedEntity] = field(default_factory=list)
    updates: list[tuple[str, ProcessedEntity]] = field(default_factory=list)
    error_only: list[tuple[str, list[dict[str, Any]], str]] = field(default_factory=list)
    gone: list[tuple[str, _Existing]] = field(default_factory=list)


def _existing_select() -> Select[Any]:
    """The columns of `_Existing`, after the entity ref it is keyed by."""
    columns = ("entity_ref", "uid", "hash", "location_key", "errors", "orphan", "source_key")
    return select(*(entities_table.c[name] for name in columns))


class CatalogWriteRepository:
    """Writes one source's outcome in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.new_uids: dict[str, str] = {}

    def file_states_of(self, source_keys: Sequence[str]) -> dict[str, dict[str, FileState]]:
        """The files each source's last clean pass read, by source key."""
        states: dict[str, dict[str, FileState]] = {key: {} for key in source_keys}
        for chunk in chunks(list(source_keys)):
            rows = self.session.execute(
                select(
                    SourceFileRow.source_key,
                    SourceFileRow.location,
                    SourceFileRow.parent_location,
                    SourceFileRow.version,
                    SourceFileRow.state,
                ).where(SourceFileRow.source_key.in_(chunk))
            )
            for key, location, parent, version, state in rows:
                states[key][location] = FileState.from_row(location, parent, version, state)
        return states

    def write(self, outcome: SourceOutcome, *, orphan_strategy: str, now: datetime) -> WriteStats:
        """Write one source's outcome."""
        return self.write_many([outcome], orphan_strategy=orphan_strategy, now=now)[
            outcome.source_key
        ]

    def write_many(
        self, outcomes: Sequence[SourceOutcome], *, orphan_strategy: str, now: datetime
    ) -> dict[str, WriteStats]:
        """Write several sources' outcomes with statements shared between them.

        Reads, copies and file records are one statement (or chunk) for all of them
        instead of one per source: the per-source round trips cost a first ingestion
        of 1,333 repositories more time than copying their rows. Sources that touch
        each other's entities (an entity moving between them in this batch) are
        written one after the other instead, so conflicts are decided in order.
        """
        keys = [outcome.source_key for outcome in outcomes]
        existing = self._existing_rows_of(keys)
        new_refs = [
            ref
            for outcome in outcomes
            for ref in outcome.entities
            if ref not in existing[outcome.source_key]
        ]
        others = self._rows_by_ref(new_refs)
        if len(outcomes) > 1 and (
            len(set(new_refs)) < len(new_refs)
            or any(row.source_key in existing for row in others.values())
        ):
            return {
                outcome.source_key: self.write(outcome, orphan_strategy=orphan_strategy, now=now)
                for outcome in outcomes
            }
        plans = [self._plan(outcome, existing[outcome.source_key], others) for outcome in outcomes]
        self._apply(plans, orphan_strategy=orphan_strategy, now=now)
        return {plan.outcome.source_key: plan.stats for plan in plans}

    def _plan(
        self, outcome: SourceOutcome, existing: dict[str, _Existing], others: dict[str, _Existing]
    ) -> _Plan:
        """What writing `outcome` changes: decided in Python, before any statement runs."""
        plan = _Plan(outcome, existing)
        claimed = self._resolve_conflicts(outcome, existing, others, plan.stats)
        for ref, entity in outcome.entities.items():
            if ref not in claimed:
                continue
            current = existing.get(ref) or claimed[ref]
            if entity.failed:
                if current is None:
                    # Nothing good to keep: report on the Location that pointed at it.
                    for item in entity.errors:
                        outcome.child_errors.setdefault(
                            entity.parent_ref or outcome.root_ref, []
                        ).append(item)
                    continue
                plan.error_only.append((current.uid, entity.errors, entity.hash))
                plan.stats.errors += 1
                continue
            if current is None:
                plan.inserts.append(entity)
            elif (
                current.hash != entity.hash
                or current.orphan
                or current.source_key != outcome.source_key
            ):
                plan.updates.append((current.uid, entity))
            else:
                plan.stats.unchanged += 1
        plan.stats.inserted, plan.stats.updated = len(plan.inserts), len(plan.updates)
        if not outcome.keep_existing:
            kept = set(outcome.entities) | outcome.retained_refs
            plan.gone = [(ref, row) for ref, row in existing.items() if ref not in kept]
        return plan

    def _apply(self, plans: Sequence[_Plan], *, orphan_strategy: str, now: datetime) -> None:
        self._insert([(p.outcome.source_key, e) for p in plans for e in p.inserts], now)
        self._update([(p.outcome.source_key, u, e) for p in plans for u, e in p.updates], now)
        for plan in plans:
            for uid, errors, failed_hash in plan.error_only:
                # The hash changes too: reverting the file to its last good content must
                # be seen as a change, or the error would stay on an entity fine again.
                self.session.execute(
                    update(entities_table)
                    .where(entities_table.c.uid == uid)
                    .values(errors=dumps(errors), hash=failed_hash)
                )
            self._write_location_errors(plan.outcome, plan.existing, plan.inserts, plan.updates)
        gone = [(row, ref) for plan in plans for ref, row in plan.gone]
        if orphan_strategy == "delete":
            self.delete_entities([(row.uid, ref) for row, ref in gone])
            for plan in plans:
                plan.stats.deleted = len(plan.gone)
        else:
            self.mark_orphans([row.uid for row, _ in gone if not row.orphan])
            for plan in plans:
                plan.stats.orphaned = sum(1 for _, row in plan.gone if not row.orphan)
        for plan in plans:
            self._forget_vanished(plan.outcome, plan.existing)
        self._write_files([plan.outcome for plan in plans])

    def _forget_vanished(self, outcome: SourceOutcome, existing: dict[str, _Existing]) -> None:
        """A skipped file whose entities are gone (deleted meanwhile) is read again next pass."""
        for state in outcome.files.values():
            if state.version is not None and any(
                ref not in existing and ref not in outcome.entities for ref in state.refs
            ):
                state.version = None

    def _existing_rows_of(self, source_keys: Sequence[str]) -> dict[str, dict[str, _Existing]]:
        """Each source's entities, by ref."""
        found: dict[str, dict[str, _Existing]] = {key: {} for key in source_keys}
        for chunk in chunks(list(source_keys)):
            rows = self.session.execute(
                _existing_select().where(entities_table.c.source_key.in_(chunk))
            )
            for row in rows:
                existing = _Existing(*row[1:])
                found[existing.source_key][row[0]] = existing
        return found

    def _rows_by_ref(self, refs: Sequence[str]) -> dict[str, _Existing]:
        found: dict[str, _Existing] = {}
        dialect = self.session.get_bind().dialect.name
        for chunk in chunks(list(dict.fromkeys(refs)), 5000):
            for row in self.session.execute(
                _existing_select().where(one_of(entities_table.c.entity_ref, chunk, dialect))
            ):
                found[row[0]] = _Existing(*row[1:])
        return found

    def _resolve_conflicts(
        self,
        outcome: SourceOutcome,
        existing: dict[str, _Existing],
        others: dict[str, _Existing],
        stats: WriteStats,
    ) -> dict[str, _Existing | None]:
        """Refs this source may write; a ref another source already serves is a conflict.

        `others` holds the stored rows of this source's new refs (see write_many).
        """
        claimed: dict[str, _Existing | None] = {ref: existing.get(ref) for ref in outcome.entities}
        for ref in outcome.entities:
            other = others.get(ref) if ref not in existing else None
            if other is None:
                continue
            if other.orphan:
                claimed[ref] = other  # an orphan is taken over, not fought over
                continue
            entity = outcome.entities[ref]
            del claimed[ref]
            stats.conflicts += 1
            # Read the file again next pass, so the conflict stays reported until resolved.
            state = outcome.files.get(entity.location)
            if state is not None:
                state.version = None
            outcome.add_child_error(
                entity.parent_ref or outcome.root_ref,
                f"{entity.location}: entity {ref} is already provided by "
                f"{other.location}; this copy is ignored until that one is removed",
                "ConflictError",
            )
        return claimed

    def _entity_row(self, uid: str, entity: ProcessedEntity, now: datetime) -> dict[str, Any]:
        """The catalog_entities row of an entity (its creation time and source apart)."""
        return {
            "uid": uid,
            "entity_ref": entity.ref,
            "kind": entity.kind,
            "namespace": entity.namespace,
            "name": entity.name,
            "location_key": entity.location,
            "parent_ref": entity.parent_ref,
            **entity.columns(),
            "hash": entity.hash,
            "body": entity.body_json,
            "errors": dumps(entity.errors) if entity.errors else None,
            "orphan": False,
            "updated_at": now,
        }

    def _insert(self, entities: list[tuple[str, ProcessedEntity]], now: datetime) -> None:
        """Insert new entities, given with their source's key."""
        if not entities:
            return
        uids = time_ordered_uids(len(entities))
        rows = []
        for uid, (source_key, entity) in zip(uids, entities, strict=True):
            self.new_uids[entity.ref] = uid
            row = self._entity_row(uid, entity, now)
            row.update(source_key=source_key, created_at=now)
            rows.append(tuple(row[name] for name in ENTITY_COLUMNS))
        bulk_insert(self.session, entities_table, ENTITY_COLUMNS, rows)
        self._write_derived(
            [(uid, entity) for uid, (_, entity) in zip(uids, entities, strict=True)]
        )

    def _update(self, updates: list[tuple[str, str, ProcessedEntity]], now: datetime) -> None:
        """Rewrite changed entities, given as (source key, uid, entity)."""
        if not updates:
            return
        for source_key, uid, entity in updates:
            row = self._entity_row(uid, entity, now)
            row["source_key"] = source_key
            del row["uid"]
            self.session.execute(
                update(entities_table).where(entities_table.c.uid == uid).values(**row)
            )
        # An entity taken over from another source keeps its ref: its rows go too.
        pairs = [(uid, entity) for _, uid, entity in updates]
        self._delete_derived([(uid, entity.ref) for uid, entity in pairs])
        self._write_derived(pairs)

    def _write_derived(self, entities: Iterable[tuple[str, ProcessedEntity]]) -> None:
        relation_rows: list[StoredRelation] = []
        search_rows: list[tuple[str, str, str, str | None, str]] = []
        for uid, entity in entities:
            relation_rows.extend(entity.relation_rows())
            kind = entity.kind
            search_rows.extend(
                (uid, key, value, written, kind) for key, value, written in entity.search_rows()
            )
        bulk_insert(self.session, relations_table, RELATION_COLUMNS, relation_rows)
        bulk_insert(self.session, search_table, SEARCH_COLUMNS, search_rows)

    def _write_location_errors(
        self,
        outcome: SourceOutcome,
        existing: dict[str, _Existing],
        inserts: list[ProcessedEntity],
        updates: list[tuple[str, ProcessedEntity]],
    ) -> None:
        """A Location entity's status is what reading its targets found in this pass."""
        written = {entity.ref for entity in inserts} | {entity.ref for _, entity in updates}
        refs = outcome.location_refs | set(outcome.child_errors)
        known = {ref: row.uid for ref, row in existing.items()} | self.new_uids
        known |= {entity.ref: uid for uid, entity in updates}
        known |= self._uids_of([ref for ref in refs if ref not in known])
        for ref in refs:
            errors = outcome.child_errors.get(ref, [])
            entity = outcome.entities.get(ref)
            own = entity.errors if entity is not None and entity.failed else []
            payload = dumps(own + errors) if (own or errors) else None
            row = existing.get(ref)
            if row is not None and row.errors == payload and ref not in written:
                continue
            just_written = (dumps(entity.errors) if entity.errors else None) if entity else None
            if ref in written and payload == just_written:
                continue  # written a moment ago with exactly this status
            uid = known.get(ref)
            if uid is None:
                continue
            self.session.execute(
                update(entities_table).where(entities_table.c.uid == uid).values(errors=payload)
            )

    def _uids_of(self, refs: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(list(refs)):
            rows = self.session.execute(
                select(entities_table.c.entity_ref, entities_table.c.uid).where(
                    entities_table.c.entity_ref.in_(chunk)
                )
            )
            found.update({row[0]: row[1] for row in rows})
        return found

    def delete_entities(self, rows: Sequence[tuple[str, str]]) -> None:
        """Delete entities given as (uid, ref), with their relations and search rows."""
        self._delete_derived(rows)
        for chunk in chunks([uid for uid, _ in rows]):
            self.session.execute(delete(entities_table).where(entities_table.c.uid.in_(chunk)))

    def mark_orphans(self, uids: Sequence[str]) -> None:
        """Keep these entities, marked `backstage.io/orphan` (orphan_strategy keep)."""
        for chunk in chunks(list(uids)):
            self.session.execute(
                update(entities_table).where(entities_table.c.uid.in_(chunk)).values(orphan=True)
            )

    def _delete_derived(self, rows: Sequence[tuple[str, str]]) -> None:
        """Delete the relation and search rows of entities given as (uid, ref)."""
        self._delete_relations([ref for _, ref in rows])
        for chunk in chunks([uid for uid, _ in rows]):
            self.session.execute(delete(search_table).where(search_table.c.entity_uid.in_(chunk)))

    def _delete_relations(self, refs: Sequence[str]) -> None:
        for chunk in chunks(list(refs)):
            self.session.execute(
                delete(relations_table).where(relations_table.c.source_ref.in_(chunk))
            )

    def _write_files(self, outcomes: Sequence[SourceOutcome]) -> None:
        """Store what each file gave, so the next pass can skip unchanged files."""
        by_key = {outcome.source_key: outcome for outcome in outcomes}
        existing: dict[tuple[str, str], tuple[str | None, str, str]] = {}
        for chunk in chunks(list(by_key)):
            for key, location, version, parent, stored in self.session.execute(
                select(
                    SourceFileRow.source_key,
                    SourceFileRow.location,
                    SourceFileRow.version,
                    SourceFileRow.parent_location,
                    SourceFileRow.state,
                ).where(SourceFileRow.source_key.in_(chunk))
            ):
                existing[(key, location)] = (version, parent, stored)
        replaced: list[tuple[str, str]] = []
        rows: list[tuple[str, str, str, str | None, str]] = []
        for key, outcome in by_key.items():
            keep = set(outcome.files) | outcome.kept_file_locations
            replaced.extend(
                (stored_key, location)
                for stored_key, location in existing
                if stored_key == key and location not in keep
            )
            for file in outcome.files.values():
                record = (file.version, file.parent_location, file.to_json())
                before = existing.get((key, file.location))
                if before == record:
                    continue
                if before is not None:
                    replaced.append((key, file.location))
                rows.append((key, file.location, file.parent_location, file.version, record[2]))
        for pairs in chunks(replaced):
            self.session.execute(
                delete(SourceFileRow).where(
                    tuple_(SourceFileRow.source_key, SourceFileRow.location).in_(list(pairs))
                )
            )
        bulk_insert(self.session, source_files_table, SOURCE_FILE_COLUMNS, rows)


def delete_entity(session: Session, uid: str) -> str | None:
    """Delete one entity; its file is read again on its source's next pass.

    Returns the entity's source key, or None when no such entity exists.
    """
    row = session.execute(
        select(
            entities_table.c.source_key, entities_table.c.location_key, entities_table.c.entity_ref
        ).where(entities_table.c.uid == uid)
    ).first()
    if row is None:
        return None
    CatalogWriteRepository(session).delete_entities([(uid, str(row[2]))])
    # Forget the file's version so the next pass re-reads it instead of skipping it.
    session.execute(
        delete(SourceFileRow).where(
            SourceFileRow.source_key == row[0], SourceFileRow.location == row[1]
        )
    )
    return str(row[0])


GENERATION = "generation"


def bump_generation(session: Session) -> None:
    """Record that entities changed (after the change is committed, in its own transaction)."""
    updated = session.execute(
        update(CatalogStateRow)
        .where(CatalogStateRow.key == GENERATION)
        .values(value=CatalogStateRow.value + 1)
    )
    if not updated.rowcount:  # type: ignore[attr-defined]
        session.add(CatalogStateRow(key=GENERATION, value=1))


BULK_LOAD_INDEXES = frozenset(
    {
        "ix_catalog_search_key_value",
        "ix_catalog_entities_kind_name",
        "ix_catalog_entities_kind_type",
        "ix_catalog_entities_kind_lifecycle",
        "ix_catalog_entities_kind_owner",
        "ix_catalog_entities_name",
        "ix_catalog_relations_target",
    }
)
"""Query indexes that ingestion does not need. Filling an empty catalog without them
and building them afterwards (one sort each) is much cheaper than growing them one
random insert at a time. Unique and lookup indexes that ingestion uses always stay."""


def _bulk_load_indexes() -> list[Index]:
    return [
        index
        for table in (entities_table, search_table, relations_table)
        for index in table.indexes
        if index.name in BULK_LOAD_INDEXES
    ]


def drop_query_indexes(engine: Engine) -> None:
    """Drop the query indexes before filling an empty catalog (see BULK_LOAD_INDEXES)."""
    with engine.begin() as connection:
        for index in _bulk_load_indexes():
            index.drop(connection, checkfirst=True)
        drop_postgres_indexes(connection)


def create_query_indexes(engine: Engine) -> None:
    """Build any query index that is missing (after a bulk load, or one cut short)."""
    with engine.begin() as connection:
        for index in _bulk_load_indexes():
            index.create(connection, checkfirst=True)
        create_fulltext_index(connection)


def catalog_is_empty(session: Session) -> bool:
    return session.scalar(select(entities_table.c.uid).limit(1)) is None


def refresh_planner_statistics(engine: Engine) -> None:
    """Let the query planner see the catalog's new shape after a large write."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # A bounded sample keeps this to about a second at 100,000 entities.
            connection.execute(text("PRAGMA analysis_limit=2000"))
            connection.execute(text("ANALYZE"))
            connection.commit()
            return
        # PostgreSQL: VACUUM also marks new pages all-visible, which index-only scans
        # (counts, pages) need; it cannot run inside a transaction block.
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.execute(
            text("VACUUM (ANALYZE) catalog_entities, catalog_search, catalog_relations")
        )
