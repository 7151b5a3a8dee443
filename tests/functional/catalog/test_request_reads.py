"""Dry runs and analyses read while someone waits: they answer in time, a few at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.functional.conftest import PortalFactory

COMPONENT = b"""\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: slowpoke}
spec: {type: service, lifecycle: production, owner: team-a}
"""


class SlowServer:
    """Answers every GET only once `release` is set (a clone that takes its time)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        release = self.release

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                release.wait(timeout=60)
                self.send_response(200)
                self.send_header("Content-Length", str(len(COMPONENT)))
                self.end_headers()
                self.wfile.write(COMPONENT)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/catalog-info.yaml"


@pytest.fixture
def slow_server() -> Iterator[SlowServer]:
    slow = SlowServer()
    thread = threading.Thread(target=slow.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield slow
    finally:
        slow.release.set()
        slow.server.shutdown()
        slow.server.server_close()
        thread.join()


def test_a_slow_dry_run_answers_in_time_and_too_many_are_refused(
    make_portal: PortalFactory, slow_server: SlowServer
) -> None:
    portal = make_portal(
        registration_allowed_hosts=["127.0.0.1"],
        request_read_timeout_seconds=0.5,
        request_read_concurrency=1,
    )
    body = {"type": "url", "target": slow_server.url}

    slow = portal.client.post("/api/catalog/locations", params={"dryRun": "true"}, json=body)
    assert slow.status_code == 503
    message = slow.json()["error"]["message"]
    assert "took longer than 0.5 s" in message
    assert "Register the location without a dry run" in message

    # The first read still holds the only slot: the next one is refused at once.
    busy = portal.client.post(
        "/api/catalog/analyze-location",
        json={"location": {"type": "url", "target": body["target"]}},
    )
    assert busy.status_code == 503
    assert "try again in a moment" in busy.json()["error"]["message"]

    slow_server.release.set()  # the read ends, and frees its slot
    deadline = time.monotonic() + 30
    while True:
        answer = portal.client.post("/api/catalog/locations", params={"dryRun": "true"}, json=body)
        if answer.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert answer.status_code == 201, answer.text
    assert [e["metadata"]["name"] for e in answer.json()["entities"]][-1] == "slowpoke"
