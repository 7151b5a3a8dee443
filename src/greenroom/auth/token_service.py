"""Who may create, list and revoke which tokens (the rules behind the API and Settings)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from greenroom.auth.authorization import Authorizer
from greenroom.auth.models import AccessTokenRow
from greenroom.auth.permissions import covered_by
from greenroom.auth.tokens import IssuedToken, TokenKind, TokenService
from greenroom.catalog.service import canonical_ref
from greenroom.errors import NotAllowedError, NotFoundError


class TokenRules:
    def __init__(self, session: Session, authorizer: Authorizer) -> None:
        self.tokens = TokenService(session)
        self.authorizer = authorizer

    def create(
        self, *, name: str, scopes: list[str], days: int, user_ref: str | None
    ) -> IssuedToken:
        me = self._me()
        target = canonical_ref(user_ref, default_kind="user") if user_ref else me
        if target != me:
            self.authorizer.check("auth.token.manage")
        else:
            self.authorizer.check("auth.token.create")
        kind: TokenKind = "service"
        if target == me and self.authorizer.identity is not None:
            # A token made with a token cannot outgrow the scopes it was made with.
            parent = self.authorizer.identity.scopes
            if parent is not None and not all(
                covered_by(scope, parent) for scope in (scopes or ["*"])
            ):
                raise NotAllowedError("A token cannot create a token with wider scopes.")
            kind = "personal"
        return self.tokens.create(
            user_ref=target,
            name=name,
            scopes=scopes,
            lifetime=timedelta(days=days),
            kind=kind,
            created_by=me,
        )

    def visible(self, *, everyone: bool) -> list[AccessTokenRow]:
        if everyone:
            self.authorizer.check("auth.token.manage")
            return self.tokens.list(None)
        return self.tokens.list(self._me())

    def revoke(self, token_id: str) -> AccessTokenRow:
        row = self.tokens.get(token_id)
        if row.user_ref == self._me():
            self.authorizer.check("auth.token.create")
        else:
            if not self.authorizer.can("auth.token.manage"):
                raise NotFoundError(f"No token with id {token_id}")  # others' ids stay hidden
            self.authorizer.check("auth.token.manage")
        return self.tokens.revoke(row.id)

    def _me(self) -> str:
        if self.authorizer.identity is None:
            self.authorizer.check("auth.token.create")  # refuses: sign in first
            raise AssertionError("unreachable")  # pragma: no cover
        return self.authorizer.identity.user_ref
