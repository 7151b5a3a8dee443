"""After a large pass the planner's statistics are refreshed, on both databases."""

from __future__ import annotations

from sqlalchemy import text

from greenroom.catalog.repository import refresh_planner_statistics
from greenroom.db.session import Database


def test_statistics_refresh_runs_and_leaves_statistics(database: Database) -> None:
    refresh_planner_statistics(database.engine)
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            names = connection.execute(text("SELECT name FROM sqlite_master")).scalars().all()
            assert "sqlite_stat1" in names
        else:
            analyzed = connection.execute(
                text(
                    "SELECT last_vacuum IS NOT NULL OR last_autovacuum IS NOT NULL "
                    "FROM pg_stat_user_tables WHERE relname = 'catalog_entities'"
                )
            ).scalar()
            assert analyzed is True
