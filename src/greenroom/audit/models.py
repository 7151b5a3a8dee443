"""The audit table. Rows are only ever added: triggers refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.catalog.models import REF_LENGTH
from greenroom.db.base import Base


class AuditEventRow(Base):
    __tablename__ = "audit_events"

    # BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(REF_LENGTH))
    """The user ref, or `anonymous`."""
    auth_method: Mapped[str] = mapped_column(String(32))
    """How the actor proved who they are: `oidc`, `proxy`, `token`, `development`, `none`."""
    token_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    """The token used (its id, never the token)."""
    action: Mapped[str] = mapped_column(String(200))
    resource: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    """`allowed` (and done), `denied` (by the policy), `failed` (allowed, then an error),
    `rejected` (refused before any permission decision: bad token, CSRF)."""
    reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    status_code: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(2048))
    request_id: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_actor", "actor", "id"),
        Index("ix_audit_events_action", "action", "id"),
    )
