"""Sign-in's tables: access tokens, stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.catalog.models import REF_LENGTH
from greenroom.db.base import Base


class AccessTokenRow(Base):
    """A personal or service token. The token itself is shown once and never stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """`personal` (made by its user in Settings) or `service` (made for automation)."""
    name: Mapped[str] = mapped_column(String(200))
    user_ref: Mapped[str] = mapped_column(String(REF_LENGTH), index=True)
    """Whom the token acts as."""
    scopes: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the token: tokens are 256 random bits, so a slow hash adds nothing."""
    prefix: Mapped[str] = mapped_column(String(16))
    """The token's first characters, to recognise it in a list."""
    created_by: Mapped[str] = mapped_column(String(REF_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
