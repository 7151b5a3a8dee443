"""All SQL of the portal shell: starred entities."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from greenroom.catalog.repository import now_utc
from greenroom.web.models import StarredEntityRow

stars = cast(Table, StarredEntityRow.__table__)
MAX_STARS = 500
"""More stars than anyone reads; it also bounds the Starred filter's list of refs."""


class StarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def starred(self, user_ref: str) -> list[str]:
        return list(
            self.session.scalars(
                select(stars.c.entity_ref)
                .where(stars.c.user_ref == user_ref)
                .order_by(stars.c.entity_ref)
                .limit(MAX_STARS)
            )
        )

    def is_starred(self, user_ref: str, entity_ref: str) -> bool:
        return (
            self.session.scalar(
                select(stars.c.entity_ref).where(
                    stars.c.user_ref == user_ref, stars.c.entity_ref == entity_ref
                )
            )
            is not None
        )

    def count(self, user_ref: str) -> int:
        return len(self.starred(user_ref))

    def star(self, user_ref: str, entity_ref: str) -> None:
        if not self.is_starred(user_ref, entity_ref):
            self.session.execute(
                stars.insert().values(
                    user_ref=user_ref, entity_ref=entity_ref, created_at=now_utc()
                )
            )

    def unstar(self, user_ref: str, entity_ref: str) -> None:
        self.session.execute(
            delete(stars).where(stars.c.user_ref == user_ref, stars.c.entity_ref == entity_ref)
        )
