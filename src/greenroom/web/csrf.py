"""CSRF protection for HTML forms: a per-session token every state-changing form carries.

The token lives in the signed session cookie; a form sends it back as the
`csrf_token` field and htmx as the `X-CSRF-Token` header (set once on <body>).
A cross-site page can make the browser send the cookie, but cannot read the token.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from greenroom.errors import NotAllowedError

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


async def require_csrf(request: Request) -> None:
    """A dependency for state-changing HTML routes: refuse a request without the token."""
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(FORM_FIELD)
        sent = field if isinstance(field, str) else None
    if not isinstance(expected, str) or not sent or not secrets.compare_digest(expected, sent):
        raise NotAllowedError(
            "This form has expired or did not come from this portal; reload the page and try again."
        )
