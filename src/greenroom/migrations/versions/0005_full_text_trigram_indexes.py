"""trigram indexes for full text on names, titles and display names

pg_trgm GIN indexes on PostgreSQL (when the extension can be installed), an
FTS5 trigram table kept by triggers on SQLite; see greenroom/catalog/fulltext.py.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from alembic import op

from greenroom.catalog.fulltext import (
    create_fulltext_index,
    drop_fulltext_index,
    install_trigram_extension,
)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        install_trigram_extension(connection)
    create_fulltext_index(connection)


def downgrade() -> None:
    # The extension stays: other schemas of the database may use it.
    drop_fulltext_index(op.get_bind())
