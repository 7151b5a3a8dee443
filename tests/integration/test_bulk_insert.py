"""`bulk_insert`: COPY on PostgreSQL, executemany on SQLite, values converted per column type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, func, select

from greenroom.catalog.models import EntityRow, SearchRow
from greenroom.catalog.repository import ENTITY_COLUMNS, CatalogWriteRepository
from greenroom.db.bulk import bulk_insert, time_ordered_uids
from greenroom.db.session import Database

entities = cast(Table, EntityRow.__table__)
search = cast(Table, SearchRow.__table__)


def entity_row(uid: str, name: str, when: datetime) -> tuple[object, ...]:
    values = {
        "uid": uid,
        "entity_ref": f"component:default/{name}",
        "kind": "component",
        "namespace": "default",
        "name": name,
        "spec_type": "service",
        "lifecycle": None,
        "owner_ref": "group:default/team-a",
        "title": "Tab\tand \\ back\nslash",
        "display_name": None,
        "source_key": "config:file:/x.yaml",
        "location_key": "file:/x.yaml",
        "parent_ref": None,
        "hash": "0" * 64,
        "body": '{"kind":"Component"}',
        "errors": None,
        "orphan": True,
        "created_at": when,
        "updated_at": when,
    }
    return tuple(values[name] for name in ENTITY_COLUMNS)


def insert_two(database: Database, when: datetime) -> tuple[str, str]:
    """Bulk-insert the entities `ledger` and `wallet`; returns their uids."""
    uid, other = time_ordered_uids(2)
    with database.transaction(write=True) as session:
        bulk_insert(
            session,
            entities,
            ENTITY_COLUMNS,
            [entity_row(uid, "ledger", when), entity_row(other, "wallet", when)],
        )
    return uid, other


def test_datetimes_booleans_and_control_characters_read_back_as_written(
    database: Database,
) -> None:
    when = datetime(2026, 12, 6, 5, 30, 15, 123456, tzinfo=UTC)
    uid, _ = insert_two(database, when)
    with database.transaction() as session:
        row = session.get(EntityRow, uid)
        assert row is not None
        assert row.orphan is True
        assert row.created_at.replace(tzinfo=UTC) == when
        assert row.title == "Tab\tand \\ back\nslash"
        assert row.lifecycle is None
        assert session.scalar(select(func.count()).select_from(entities)) == 2


def test_deleting_entities_deletes_their_search_rows(database: Database) -> None:
    uid, other = insert_two(database, datetime(2026, 12, 6, tzinfo=UTC))
    rows = [(u, "spec.type", "service", None, "component") for u in (uid, other)]
    with database.transaction(write=True) as session:
        bulk_insert(session, search, ("entity_uid", "key", "value", "original_value", "kind"), rows)
    with database.transaction(write=True) as session:
        CatalogWriteRepository(session).delete_entities([(uid, "component:default/ledger")])
    with database.transaction() as session:
        left = session.scalars(select(SearchRow.entity_uid)).all()
    assert left == [other]
