"""Logs are JSON lines in production and readable lines in development, each with a request id."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from greenroom.ops.logging import configure_logging, request_id_var
from greenroom.settings import Settings


class Captured:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().err


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def captured(capsys: pytest.CaptureFixture[str]) -> Captured:
    """What the handler writes: it is created after pytest has replaced sys.stderr."""
    return Captured(capsys)


def _log_with_request_id(message: str) -> None:
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("greenroom.test").warning(message, extra={})
    finally:
        request_id_var.reset(token)


def test_production_logs_are_json_with_the_request_id(captured: Captured) -> None:
    configure_logging(Settings(env="production", log_format="auto"))
    _log_with_request_id("catalog pass finished")
    record = json.loads(captured.getvalue().strip().splitlines()[-1])
    assert record["message"] == "catalog pass finished"
    assert record["request_id"] == "req-42"
    assert record["level"] == "WARNING"
    assert record["logger"] == "greenroom.test"


def test_development_logs_are_readable_lines(captured: Captured) -> None:
    configure_logging(Settings(env="development"))
    _log_with_request_id("hello")
    line = captured.getvalue().strip().splitlines()[-1]
    assert "[req-42]" in line
    assert "hello" in line
    assert not line.startswith("{")


def test_configuring_twice_keeps_one_handler(captured: Captured) -> None:
    configure_logging(Settings(env="development"))
    configure_logging(Settings(env="development"))
    logging.getLogger("greenroom.test").warning("once")
    assert captured.getvalue().count("once") == 1
