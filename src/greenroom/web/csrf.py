"""CSRF protection: every state-changing request not made with a bearer token carries
the session's token.

The token lives in the signed session cookie; a form sends it back as the
`csrf_token` field, htmx and scripts as the `X-CSRF-Token` header (set once on
<body>). A cross-site page can make the browser send cookies (or pass through
an authenticating proxy), but cannot read the token. A request with
`Authorization: Bearer` carries its credential explicitly, so it needs none.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from greenroom.errors import NotAllowedError
from greenroom.web.session_cookie import SESSION_COOKIE

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def csrf_guard(request: Request) -> None:
    """Applied to every route: state-changing requests without a bearer token need the token.

    A request with neither a bearer token nor the session cookie carries no ambient
    credential a forger could borrow, so it goes on (as nobody) to the permission
    check, which answers 401. Behind an authenticating proxy every request carries
    one (the proxy adds it), so there the token is always required.
    """
    if request.method not in STATE_CHANGING or "authorization" in request.headers:
        return
    proxied = request.app.state.settings.auth.proxy.enabled
    if SESSION_COOKIE not in request.cookies and not proxied:
        return
    await require_csrf(request)


async def require_csrf(request: Request) -> None:
    """A dependency for state-changing HTML routes: refuse a request without the token."""
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        field = form.get(FORM_FIELD)
        sent = field if isinstance(field, str) else None
    if not isinstance(expected, str):
        raise NotAllowedError(
            "A state-changing request needs `Authorization: Bearer <token>`, or a signed-in "
            "browser session and its CSRF token; reload the page and try again."
        )
    if not sent or not secrets.compare_digest(expected, sent):
        raise NotAllowedError(
            "This form has expired or did not come from this portal; reload the page and try again."
        )
