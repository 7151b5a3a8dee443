"""catalog_search without a foreign key to catalog_entities

Checking the key cost PostgreSQL more than storing the row during ingestion;
the write repository deletes an entity's search rows with the entity.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_catalog_search_entity_uid_catalog_entities"
COLUMNS = "entity_uid, key, value, original_value, kind"


def _search_table(name: str, *, foreign_key: bool) -> None:
    constraints: list[sa.Constraint] = [
        sa.PrimaryKeyConstraint("entity_uid", "key", "value", name="pk_catalog_search")
    ]
    if foreign_key:
        constraints.append(
            sa.ForeignKeyConstraint(
                ["entity_uid"], ["catalog_entities.uid"], name=FOREIGN_KEY, ondelete="CASCADE"
            )
        )
    op.create_table(
        name,
        sa.Column("entity_uid", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("original_value", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=63), nullable=False),
        *constraints,
        sqlite_with_rowid=False,
    )


def _rebuild_on_sqlite(*, foreign_key: bool) -> None:
    # SQLite cannot drop or add a constraint: copy into a new table (keeping WITHOUT
    # ROWID, which a batch-mode rebuild would not) and put it in the old one's place.
    op.drop_index("ix_catalog_search_key_value", table_name="catalog_search")
    _search_table("catalog_search_rebuilt", foreign_key=foreign_key)
    op.execute(
        f"INSERT INTO catalog_search_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM catalog_search"  # noqa: S608 - constant
    )
    op.drop_table("catalog_search")
    op.rename_table("catalog_search_rebuilt", "catalog_search")
    op.execute(
        "CREATE INDEX ix_catalog_search_key_value ON catalog_search (key, value, kind, entity_uid)"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(foreign_key=False)
    else:
        op.drop_constraint(FOREIGN_KEY, "catalog_search", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(foreign_key=True)
    else:
        op.create_foreign_key(
            FOREIGN_KEY,
            "catalog_search",
            "catalog_entities",
            ["entity_uid"],
            ["uid"],
            ondelete="CASCADE",
        )
