"""All SQL of sign-in: access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from greenroom.auth.models import AccessTokenRow

tokens = cast(Table, AccessTokenRow.__table__)


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: AccessTokenRow) -> None:
        self.session.add(row)
        self.session.flush()

    def by_hash(self, token_hash: str) -> AccessTokenRow | None:
        return self.session.scalars(
            select(AccessTokenRow).where(AccessTokenRow.token_hash == token_hash)
        ).first()

    def get(self, token_id: str) -> AccessTokenRow | None:
        return self.session.get(AccessTokenRow, token_id)

    def list(self, user_ref: str | None = None, *, limit: int = 500) -> list[AccessTokenRow]:
        statement = select(AccessTokenRow).order_by(AccessTokenRow.created_at.desc()).limit(limit)
        if user_ref is not None:
            statement = statement.where(AccessTokenRow.user_ref == user_ref)
        return list(self.session.scalars(statement))

    def revoke(self, token_id: str, when: datetime) -> None:
        self.session.execute(
            update(tokens)
            .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=when)
        )

    def touch(self, token_id: str, when: datetime) -> None:
        self.session.execute(
            update(tokens).where(tokens.c.id == token_id).values(last_used_at=when)
        )
