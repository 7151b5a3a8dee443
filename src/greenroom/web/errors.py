"""Error pages: a readable message in the portal's frame, never a traceback."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import RedirectResponse, Response

from greenroom.auth.authorization import Authorizer, get_authorizer
from greenroom.errors import GreenroomError
from greenroom.web.page import render_page

log = logging.getLogger(__name__)

TITLES = {
    400: "That request was not understood",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "Conflict",
    500: "Something went wrong",
}


def render_error(request: Request, status: int, message: str) -> Response:
    if status == 401 and request.method in ("GET", "HEAD"):
        # A browser that is not signed in goes to sign in, and comes back afterwards.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/auth/sign-in?{urlencode({'next': target})}", status_code=303)
    return render_page(
        request,
        "web/error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "message": message},
        _authorizer_or_none(request),
        status_code=status,
    )


def _authorizer_or_none(request: Request) -> Authorizer | None:
    # The error may be the database's, or the credentials' own (a revoked token): the
    # page must still render, showing no one signed in.
    try:
        with request.app.state.runtime.database.transaction() as session:
            return get_authorizer(request, session)
    except (SQLAlchemyError, GreenroomError):
        log.info("no identity for an error page", exc_info=True)
        return None
