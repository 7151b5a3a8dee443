"""Personal and service access tokens: created, shown once, checked, revoked.

A token is `grt_` and 256 random bits. Only its SHA-256 is stored; a request's
token is hashed, looked up by that hash and compared in constant time.
Revocation and expiry are read on every request, so a revoked token fails on
its next use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from greenroom.auth.models import AccessTokenRow
from greenroom.auth.repository import TokenRepository
from greenroom.catalog.repository import now_utc
from greenroom.catalog.service import canonical_ref
from greenroom.errors import InputError, NotFoundError

TOKEN_PREFIX = "grt_"  # noqa: S105 - a marker that says what a string is, not a secret
DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=366)
TOUCH_EVERY = timedelta(minutes=1)
"""How stale `last_used_at` may get: writing it on every request would serialise reads."""
KNOWN_SCOPES_HINT = "`*`, `read`, an action name, or a prefix such as `catalog.*`"

TokenKind = Literal["personal", "service"]


@dataclass(frozen=True)
class IssuedToken:
    row: AccessTokenRow
    token: str
    """The token itself: shown once, then only its hash exists."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_lifetime(text: str) -> timedelta:
    """`30d`, `12h`, `90` (days): how long a new token lives."""
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in {"d", "h"} else "d"
    number = value[:-1] if value[-1:] in {"d", "h"} else value
    if not number.isdigit() or int(number) <= 0:
        raise InputError(f"expiry {text!r}: give a number of days (`30d`) or hours (`12h`)")
    lifetime = timedelta(days=int(number)) if unit == "d" else timedelta(hours=int(number))
    if lifetime > MAX_LIFETIME:
        raise InputError(f"expiry {text!r}: tokens live at most {MAX_LIFETIME.days} days")
    return lifetime


class TokenService:
    def __init__(self, session: Session) -> None:
        self.tokens = TokenRepository(session)

    def create(
        self,
        *,
        user_ref: str,
        name: str,
        scopes: list[str],
        lifetime: timedelta = DEFAULT_LIFETIME,
        kind: TokenKind = "personal",
        created_by: str,
    ) -> IssuedToken:
        name = name.strip()
        if not name or len(name) > 200:
            raise InputError("A token needs a name of 1 to 200 characters (what it is for).")
        scopes = sorted({scope.strip() for scope in scopes if scope.strip()}) or ["*"]
        for scope in scopes:
            if len(scope) > 100 or not all(c.isalnum() or c in "._*-" for c in scope):
                raise InputError(f"scope {scope!r} is not valid: use {KNOWN_SCOPES_HINT}")
        if lifetime <= timedelta(0) or lifetime > MAX_LIFETIME:
            raise InputError(f"A token lives between 1 hour and {MAX_LIFETIME.days} days.")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = now_utc()
        row = AccessTokenRow(
            id=str(uuid.uuid4()),
            kind=kind,
            name=name,
            user_ref=canonical_ref(user_ref, default_kind="user"),
            scopes=scopes,
            token_hash=hash_token(token),
            prefix=token[:10],
            created_by=created_by,
            created_at=now,
            expires_at=now + lifetime,
        )
        self.tokens.add(row)
        return IssuedToken(row, token)

    def authenticate(self, token: str) -> AccessTokenRow | None:
        """The live token row for a presented token, or None (unknown, expired, revoked).

        Reads only; `note_use` records the use, in a transaction of its own.
        """
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        presented = hash_token(token)
        row = self.tokens.by_hash(presented)
        if row is None or not hmac.compare_digest(row.token_hash, presented):
            return None
        if row.revoked_at is not None or _aware(row.expires_at) <= now_utc():
            return None
        return row

    @staticmethod
    def stale(row: AccessTokenRow) -> bool:
        """Whether the token's recorded last use is old enough to write again."""
        return row.last_used_at is None or now_utc() - _aware(row.last_used_at) > TOUCH_EVERY

    def note_use(self, row: AccessTokenRow) -> None:
        self.tokens.touch(row.id, now_utc())

    def list(self, user_ref: str | None) -> list[AccessTokenRow]:
        return self.tokens.list(user_ref)

    def get(self, token_id: str) -> AccessTokenRow:
        row = self.tokens.get(token_id)
        if row is None:
            raise NotFoundError(f"No token with id {token_id}")
        return row

    def revoke(self, token_id: str) -> AccessTokenRow:
        row = self.get(token_id)
        self.tokens.revoke(row.id, now_utc())
        return row


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
