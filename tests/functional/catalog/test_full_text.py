"""Full text on names, titles and display names: substring matches, indexed by trigrams.

Terms of three characters or more are looked up in a trigram index (pg_trgm on
PostgreSQL, FTS5 on SQLite); shorter ones are scanned. Both must answer exactly
what a substring match answers, after every kind of change to the entities.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from greenroom.catalog import fulltext
from greenroom.catalog.filters import FullTextFilter
from greenroom.catalog.models import EntityRow
from greenroom.catalog.query_repository import CatalogQueryRepository
from tests.functional.conftest import Portal, PortalFactory, write

NAMES = ("metadata.name,metadata.title,spec.profile.displayName",)

ENTITIES = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payment-gateway, title: "Gateway for 100% of payments"}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: snake_case_service, title: 'The "quoted" one \\ with a backslash'}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger, title: Ledger Service}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada}
spec: {profile: {displayName: Ada Lovelace}, memberOf: []}
"""


@pytest.fixture
def catalog(make_portal: PortalFactory, tmp_path: Path) -> tuple[Portal, Path]:
    path = write(tmp_path / "catalog-info.yaml", ENTITIES)
    portal = make_portal([{"type": "file", "target": str(path)}])
    portal.process()
    return portal, path


def found(portal: Portal, term: str, fields: str = NAMES[0]) -> list[str]:
    page = portal.query(
        fullTextFilterTerm=term, fullTextFilterFields=fields, orderField="metadata.name,asc"
    )
    names = [item["metadata"]["name"] for item in page["items"]]
    assert page["totalItems"] == len(names)
    return names


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("gateway", ["payment-gateway"]),  # in a name and a title
        ("LOVELACE", ["ada"]),  # a display name, any case
        ("ledger serv", ["ledger"]),  # spaces are part of the substring
        ("100%", ["payment-gateway"]),  # LIKE's wildcards are plain characters
        ("0% o", ["payment-gateway"]),
        ("e_c", ["snake_case_service"]),
        ("_%", []),
        ('"quoted"', ["snake_case_service"]),  # FTS5's quotes are plain characters
        ("\\ with", ["snake_case_service"]),
        ("ser", ["ledger", "snake_case_service"]),
        ("se", ["ledger", "snake_case_service"]),  # too short for trigrams: scanned
        ("zzz", []),
    ],
)
def test_terms_match_as_substrings(
    catalog: tuple[Portal, Path], term: str, names: list[str]
) -> None:
    portal, _ = catalog
    assert found(portal, term) == names


def test_only_the_asked_fields_are_searched(catalog: tuple[Portal, Path]) -> None:
    portal, _ = catalog
    assert found(portal, "gateway", "metadata.title") == ["payment-gateway"]
    assert found(portal, "lovelace", "metadata.name,metadata.title") == []
    assert found(portal, "ada", "metadata.name") == ["ada"]


def test_the_index_follows_edits_and_removals(catalog: tuple[Portal, Path]) -> None:
    portal, path = catalog
    edited = path.read_text().replace("title: Ledger Service", "title: General Ledger")
    write(path, edited.replace("name: payment-gateway", "name: payment-router"))
    portal.refresh_all()
    assert found(portal, "general ledger") == ["ledger"]
    assert found(portal, "service") == ["snake_case_service"]  # not the old title
    assert found(portal, "gateway") == ["payment-router"]  # still in its title
    assert found(portal, "router") == ["payment-router"]
    write(path, ENTITIES.split("---\n")[0])
    portal.refresh_all()
    assert found(portal, "ledger") == []
    assert found(portal, "lovelace") == []


def test_a_bulk_load_rebuilds_the_trigram_index(make_portal: PortalFactory, tmp_path: Path) -> None:
    path = write(tmp_path / "catalog-info.yaml", ENTITIES)
    portal = make_portal([{"type": "file", "target": str(path)}], bulk_load_min_sources=1)
    portal.process()
    assert portal.engine.bulk_loading is False
    engine = portal.runtime.database.engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            present = {
                row[0]
                for row in connection.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_entities'")
                )
            }
            assert set(fulltext.POSTGRES_INDEXES.values()) <= present
        else:
            indexed = connection.execute(
                text("SELECT count(*) FROM catalog_fulltext WHERE catalog_fulltext MATCH :q"),
                {"q": '"gateway"'},
            ).scalar()
            assert indexed == 1
    assert found(portal, "gateway") == ["payment-gateway"]


def test_a_term_of_three_characters_is_looked_up_in_the_trigram_index(
    catalog: tuple[Portal, Path],
) -> None:
    """If the query's text and the index's expression drift apart, the index goes unused."""
    portal, _ = catalog
    fields = ("metadata.name", "metadata.title", "spec.profile.displayName")
    with portal.runtime.database.transaction() as session:
        queries = CatalogQueryRepository(session)
        condition = queries.full_text_condition(FullTextFilter("gateway", fields))
        statement = select(func.count()).select_from(EntityRow).where(condition)
        sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        if portal.runtime.database.dialect == "postgresql":
            # PostgreSQL uses an expression index only for the same expression.
            columns = "|".join(fulltext.COLUMNS)
            qualified = re.sub(rf"\b({columns})\b", r"catalog_entities.\1", fulltext.COMBINED_SQL)
            assert qualified in sql, sql
        else:
            plan = " ".join(str(row) for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "catalog_fulltext VIRTUAL TABLE" in plan, plan
        assert session.scalar(statement) == 1
