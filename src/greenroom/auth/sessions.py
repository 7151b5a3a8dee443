"""Browser sessions: who signed in, how, and when, kept in the signed session cookie.

The cookie is signed (itsdangerous, with `session_secret`), HttpOnly, SameSite=Lax
and Secure under https (see web/shell.py). Signing in starts a new session, so a
session fixed before sign-in (and its CSRF token) never carries over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.requests import Request

from greenroom.auth.identity import IdentitySource

USER_KEY = "identity"
SOURCE_KEY = "auth_source"
SIGNED_IN_KEY = "signed_in_at"


@dataclass(frozen=True)
class SessionUser:
    user_ref: str
    source: IdentitySource
    signed_in_at: float


def start_session(request: Request, user_ref: str, source: IdentitySource) -> None:
    """Sign a person in: a fresh session holding only who they are, how and when."""
    theme = request.session.get("theme")
    request.session.clear()
    request.session.update({USER_KEY: user_ref, SOURCE_KEY: source, SIGNED_IN_KEY: time.time()})
    if theme is not None:  # a preference, not a credential: it may survive
        request.session["theme"] = theme


def end_session(request: Request) -> None:
    theme = request.session.get("theme")
    request.session.clear()
    if theme is not None:
        request.session["theme"] = theme


def session_user(request: Request, max_age_seconds: float) -> SessionUser | None:
    """The person this session signed in, unless the session has expired."""
    session = request.session
    user_ref, source, signed_in_at = (
        session.get(USER_KEY),
        session.get(SOURCE_KEY),
        session.get(SIGNED_IN_KEY),
    )
    if not isinstance(user_ref, str) or source not in ("development", "oidc", "proxy"):
        return None
    if not isinstance(signed_in_at, int | float) or time.time() - signed_in_at > max_age_seconds:
        return None
    return SessionUser(user_ref, source, float(signed_in_at))
