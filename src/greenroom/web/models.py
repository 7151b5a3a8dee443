"""The portal shell's tables: what each person starred."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.catalog.models import REF_LENGTH
from greenroom.db.base import Base


class StarredEntityRow(Base):
    """An entity a user starred; kept when the entity disappears, so a star survives a
    refresh that briefly loses it."""

    __tablename__ = "web_starred_entities"

    user_ref: Mapped[str] = mapped_column(String(REF_LENGTH), primary_key=True)
    entity_ref: Mapped[str] = mapped_column(String(REF_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
