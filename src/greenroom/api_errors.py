"""Turns errors into JSON bodies shaped like Backstage's, so its clients read them.

A browser asking for a page (not under `/api/`) gets the portal's HTML error page
instead, from the renderer the web shell puts on `app.state.html_error_renderer`.

Shape: `{"error": {"name", "message"}, "request": {"method", "url"}, "response":
{"statusCode"}}`. No input may produce a traceback: unexpected exceptions are
logged with the request id and answered with a generic 500 body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from greenroom.errors import GreenroomError

log = logging.getLogger(__name__)


def error_body(request: Request, status: int, name: str, message: str, **extra: Any) -> Response:
    renderer = getattr(request.app.state, "html_error_renderer", None)
    if renderer is not None and wants_html(request):
        response: Response = renderer(request, status, message)
        return response
    body: dict[str, Any] = {
        "error": {"name": name, "message": message, **extra},
        "request": {"method": request.method, "url": str(request.url.path)},
        "response": {"statusCode": status},
    }
    return JSONResponse(body, status_code=status)


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in {"/healthz", "/readyz", "/metrics"}:
        return False
    return "text/html" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GreenroomError)
    async def _greenroom_error(request: Request, exc: GreenroomError) -> Response:
        extra = {"details": exc.details} if exc.details is not None else {}
        return error_body(request, exc.status_code, exc.name, exc.message, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for item in exc.errors():
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        return error_body(request, 400, "InputError", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        name = {404: "NotFoundError", 405: "MethodNotAllowed"}.get(exc.status_code, "HttpError")
        return error_body(request, exc.status_code, name, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_body(
            request, 500, "InternalError", "greenroom failed to handle this request; see its logs"
        )
