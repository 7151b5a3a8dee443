"""Structured logs: JSON in production, readable lines in development, a request id on each."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from greenroom.settings import Settings

request_id_var: ContextVar[str] = ContextVar("greenroom_request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request (or batch) being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(settings: Settings) -> None:
    """Install one handler on the root logger; safe to call more than once."""
    use_json = settings.log_format == "json" or (
        settings.log_format == "auto" and settings.env == "production"
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if use_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s")
        )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_greenroom", False):
            root.removeHandler(existing)
    handler._greenroom = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # uvicorn's access log duplicates our request log line, which carries the request id.
    logging.getLogger("uvicorn.access").disabled = True
