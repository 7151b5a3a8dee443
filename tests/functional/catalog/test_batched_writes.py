"""Sources processed together are written together; what one does never costs another."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from greenroom.catalog.models import SourceRow
from tests.functional.catalog.test_processing import component, location_errors
from tests.functional.conftest import Portal, PortalFactory, write

POISON_SQLITE = """
CREATE TRIGGER test_poison BEFORE INSERT ON catalog_entities
WHEN new.name = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned entity'); END
"""
POISON_POSTGRES = [
    """
    CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.name = 'poison' THEN RAISE EXCEPTION 'poisoned entity'; END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER test_poison BEFORE INSERT ON catalog_entities "
    "FOR EACH ROW EXECUTE FUNCTION test_poison()",
]
CLEAN_POSTGRES = [
    "DROP TRIGGER IF EXISTS test_poison ON catalog_entities",
    "DROP FUNCTION IF EXISTS test_poison()",
]


def run_sql(portal: Portal, statements: list[str]) -> None:
    with portal.runtime.database.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_a_source_that_cannot_be_written_costs_the_others_nothing(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    good = write(tmp_path / "good.yaml", component("fine") + "---\n" + component("also-fine"))
    bad = write(tmp_path / "bad.yaml", component("poison"))
    portal = make_portal(
        [{"type": "file", "target": str(good)}, {"type": "file", "target": str(bad)}]
    )
    postgres = portal.runtime.database.dialect == "postgresql"
    run_sql(portal, POISON_POSTGRES if postgres else [POISON_SQLITE])
    try:
        portal.process()
        assert portal.names(filter="kind=component") == ["also-fine", "fine"]
        with portal.runtime.database.transaction() as session:
            errors = dict(session.execute(select(SourceRow.target, SourceRow.last_error)).all())
        assert errors[str(good)] is None
        assert "poisoned entity" in (errors[str(bad)] or "")
    finally:
        run_sql(portal, CLEAN_POSTGRES if postgres else ["DROP TRIGGER test_poison"])
    # Once the database takes it, the next pass writes it.
    portal.refresh_all()
    assert portal.names(filter="kind=component") == ["also-fine", "fine", "poison"]


def test_an_entity_moving_between_sources_of_one_batch_ends_up_served_once(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    first = write(tmp_path / "first.yaml", component("wanderer", "in first"))
    second = write(tmp_path / "second.yaml", component("settled"))
    portal = make_portal(
        [{"type": "file", "target": str(first)}, {"type": "file", "target": str(second)}]
    )
    portal.process()
    write(first, component("settled-too"))
    write(second, component("settled") + "---\n" + component("wanderer", "in second"))
    portal.refresh_all()  # whichever source is written first, the move completes by the next
    portal.refresh_all()
    assert portal.entity("component", "wanderer")["metadata"]["description"] == "in second"
    assert portal.names(filter="kind=component") == ["settled", "settled-too", "wanderer"]
    assert location_errors(portal) == []


def test_a_batch_written_again_source_by_source_reports_each_error_once(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    first = write(tmp_path / "first.yaml", component("shared", "first"))
    portal = make_portal([{"type": "file", "target": str(first)}])
    portal.process()
    copy = write(tmp_path / "copy.yaml", component("shared", "copy"))
    bad = write(tmp_path / "bad.yaml", component("poison"))
    postgres = portal.runtime.database.dialect == "postgresql"
    run_sql(portal, POISON_POSTGRES if postgres else [POISON_SQLITE])
    try:
        for target in (copy, bad):  # two new sources, due together; the first one is not
            response = portal.client.post(
                "/api/catalog/locations", json={"type": "file", "target": str(target)}
            )
            assert response.status_code == 201, response.text
        portal.process()
    finally:
        run_sql(portal, CLEAN_POSTGRES if postgres else ["DROP TRIGGER test_poison"])
    assert portal.entity("component", "shared")["metadata"]["description"] == "first"
    conflicts = [m for m in location_errors(portal) if "already provided" in m]
    assert len(conflicts) == 1, conflicts
