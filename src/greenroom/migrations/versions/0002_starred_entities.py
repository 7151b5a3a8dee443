"""starred entities

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_starred_entities",
        sa.Column("user_ref", sa.String(length=512), nullable=False),
        sa.Column("entity_ref", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_ref", "entity_ref"),
    )


def downgrade() -> None:
    op.drop_table("web_starred_entities")
