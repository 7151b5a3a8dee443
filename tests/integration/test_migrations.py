"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, and undo cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from greenroom.db import migrate
from greenroom.db.base import Base
from greenroom.db.models import import_all_models
from greenroom.db.session import Database


def test_migrations_match_the_models(database: Database) -> None:
    import_all_models()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": migrate.include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert migrate.is_current(database.engine)


def test_downgrade_removes_everything_and_upgrade_restores_it(database: Database) -> None:
    migrate.downgrade(database.engine, "base")
    tables = set(inspect(database.engine).get_table_names())
    assert not {t for t in tables if t.startswith("catalog_")}
    migrate.upgrade(database.engine)
    tables = set(inspect(database.engine).get_table_names())
    assert {"catalog_entities", "catalog_relations", "catalog_search"} <= tables
    if database.dialect == "sqlite":
        assert "catalog_fulltext" in tables
