"""Error pages: a readable message in the portal's frame, never a traceback."""

from __future__ import annotations

import logging

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from greenroom.auth.identity import Identity
from greenroom.web.page import render_page, request_identity

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
    return render_page(
        request,
        "web/error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "message": message},
        _identity_or_none(request),
        status_code=status,
    )


def _identity_or_none(request: Request) -> Identity | None:
    # The error may be the database's own; the page must still render without it.
    try:
        with request.app.state.runtime.database.transaction() as session:
            return request_identity(request, session)
    except SQLAlchemyError:
        log.warning("could not resolve the identity for an error page", exc_info=True)
        return None
