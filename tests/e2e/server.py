"""A real greenroom serving the Northwind demo organisation, for the browser tests.

`serve_demo()` copies `examples/demo-org` into a scratch folder, loads it into a
fresh SQLite database with the catalog engine, and serves the real app with
uvicorn on a free 127.0.0.1 port in a background thread. The test fixtures and
`tests.e2e.screenshots` both use it.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
import yaml

from greenroom.app import create_app
from greenroom.catalog.engine import catalog_engine
from greenroom.db import migrate
from greenroom.runtime import Runtime
from greenroom.settings import (
    AuthSettings,
    CatalogSettings,
    LocationSetting,
    Settings,
    UiSettings,
)
from greenroom.web.templating import STATIC_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_ORG = REPO_ROOT / "examples" / "demo-org"
DEMO_CONFIG = REPO_ROOT / "examples" / "greenroom.demo.yaml"
HTMX = STATIC_DIR / "vendor" / "htmx.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_SECONDS = 30.0

# A component a careless (or hostile) team could write: markup in its title and
# description, and script URLs in annotations the portal turns into links.
HOSTILE_NAME = "hostile-widget"
HOSTILE_DESCRIPTION = "<img src=x onerror=alert(1)> says hello"
HOSTILE_TITLE = "<script>alert('title')</script>Hostile widget"
HOSTILE_COMPONENT = f"""\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {HOSTILE_NAME}
  title: "{HOSTILE_TITLE}"
  description: "{HOSTILE_DESCRIPTION}"
  annotations:
    backstage.io/view-url: "javascript:alert('view')"
    backstage.io/edit-url: " JaVaScRiPt:alert('edit')"
    backstage.io/source-location: "url:javascript:alert('source')"
  links:
    - url: https://example.com/runbook
      title: "<b onmouseover=alert('link')>Runbook</b>"
spec:
  type: service
  lifecycle: experimental
  owner: northwind
"""


class MissingBrowserError(RuntimeError):
    pass


def require_test_environment() -> None:
    """Fail with what to do when chromium or the vendored htmx is not installed."""
    if not CHROMIUM.is_file():
        raise MissingBrowserError(
            f"Chromium is not installed at {CHROMIUM}, and the end-to-end tests drive "
            "Debian's chromium through Playwright (never Playwright's own browsers). "
            "Run `make test` (or `make e2e`), which installs it with "
            "`scripts/ensure-system-packages --with-browser`."
        )
    if not HTMX.is_file() or HTMX.stat().st_size == 0:
        raise MissingBrowserError(
            f"htmx is not installed at {HTMX}; the UI's partial updates need it. "
            "Run `make test` (or `make assets`), which installs it from the npm registry."
        )


@dataclass
class DemoPortal:
    """A running portal: where it listens, the folder it may register files from."""

    base_url: str
    root: Path
    """The registration root; the demo organisation is in `root / "demo-org"`."""
    runtime: Runtime

    def url(self, path: str) -> str:
        return self.base_url + path


def demo_ui_settings() -> UiSettings:
    """The demo configuration's `ui` section (title, extra catalog columns, support)."""
    config: dict[str, Any] = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8")) or {}
    return UiSettings.model_validate(config.get("ui") or {})


def prepare_org(root: Path, *, hostile: bool) -> Path:
    """Copy the demo organisation under `root`; optionally add the hostile component."""
    org = root / "demo-org"
    shutil.copytree(DEMO_ORG, org)
    if hostile:
        (org / "hostile" / "catalog-info.yaml").parent.mkdir()
        (org / "hostile" / "catalog-info.yaml").write_text(HOSTILE_COMPONENT, encoding="utf-8")
        location = org / "catalog-info.yaml"
        document = yaml.safe_load(location.read_text(encoding="utf-8"))
        document["spec"]["targets"].append("./hostile/catalog-info.yaml")
        location.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return org


def build_runtime(root: Path, *, hostile: bool = True) -> Runtime:
    """Settings and a loaded database for the demo organisation copied under `root`."""
    org = prepare_org(root, hostile=hostile)
    settings = Settings(
        env="test",
        data_dir=root / "data",
        database_url=f"sqlite:///{root / 'greenroom.db'}",
        run_workers=False,
        log_level="WARNING",
        catalog=CatalogSettings(
            locations=[LocationSetting(type="file", target=str(org / "catalog-info.yaml"))],
            processing_workers=0,
            processing_interval_seconds=0,
            registration_file_roots=[root],
        ),
        ui=demo_ui_settings(),
        # As the demo runs: anyone may read, and choosing a catalog user signs in.
        auth=AuthSettings(development_identity=True, public_read=True),
    )
    (root / "data").mkdir(exist_ok=True)
    runtime = Runtime.build(settings)
    migrate.upgrade(runtime.database.engine)
    catalog_engine(runtime).run_until_idle()
    return runtime


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_demo(root: Path, *, hostile: bool = True) -> Iterator[DemoPortal]:
    """Load the demo organisation and serve the real app until the block ends."""
    require_test_environment()
    runtime = build_runtime(root, hostile=hostile)
    app = create_app(runtime=runtime)
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="e2e-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the portal's server stopped while starting; see the log above")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError(f"the portal did not start in {STARTUP_TIMEOUT_SECONDS}s")
        time.sleep(0.02)
    try:
        yield DemoPortal(base_url=f"http://127.0.0.1:{port}", root=root, runtime=runtime)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        runtime.database.dispose()
