"""Typed errors that carry an HTTP status and a message a person can act on.

The JSON API turns them into problem documents (RFC 9457 shape plus Backstage's
`error.name`), the CLI prints their message; nothing else should leak to users.
"""

from __future__ import annotations

from typing import Any


class GreenroomError(Exception):
    """Base of every error a user may see."""

    status_code = 500
    name = "GreenroomError"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InputError(GreenroomError):
    """The request or the file is malformed; the message says where."""

    status_code = 400
    name = "InputError"


class NotFoundError(GreenroomError):
    status_code = 404
    name = "NotFoundError"


class ConflictError(GreenroomError):
    status_code = 409
    name = "ConflictError"


class NotAuthenticatedError(GreenroomError):
    """The request's credentials are missing or invalid (a bad or revoked token)."""

    status_code = 401
    name = "NotAuthenticatedError"


class NotAllowedError(GreenroomError):
    status_code = 403
    name = "NotAllowedError"


class UnavailableError(GreenroomError):
    """The server cannot do this now (busy, or not within its time limit); try again later."""

    status_code = 503
    name = "ServiceUnavailableError"


class ConfigurationError(GreenroomError):
    """Settings or greenroom.yaml are invalid; raised at start-up, never per request."""

    status_code = 500
    name = "ConfigurationError"
