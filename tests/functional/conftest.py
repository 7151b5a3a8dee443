"""Functional tests: the real app over HTTP, on a real database, processing real files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from greenroom.app import create_app
from greenroom.catalog.engine import CatalogEngine, catalog_engine
from greenroom.db.session import Database
from greenroom.runtime import Runtime
from greenroom.settings import CatalogSettings, Settings


@dataclass
class Portal:
    """A running greenroom: an HTTP client and its catalog engine, driven synchronously."""

    client: TestClient
    runtime: Runtime
    root: Path

    @property
    def engine(self) -> CatalogEngine:
        return catalog_engine(self.runtime)

    def process(self) -> None:
        """Run the processing loop until nothing is due (what the worker does in the background)."""
        self.engine.run_until_idle()

    def refresh_all(self) -> None:
        response = self.client.post("/api/catalog/refresh", json={})
        assert response.status_code == 200, response.text
        self.process()

    def entity(self, kind: str, name: str, namespace: str = "default") -> dict[str, Any]:
        response = self.client.get(f"/api/catalog/entities/by-name/{kind}/{namespace}/{name}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def query(self, **params: Any) -> dict[str, Any]:
        response = self.client.get("/api/catalog/entities/by-query", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def names(self, **params: Any) -> list[str]:
        params.setdefault("limit", 1000)
        return sorted(item["metadata"]["name"] for item in self.query(**params)["items"])


PortalFactory = Callable[..., Portal]


@pytest.fixture
def make_portal(database: Database, tmp_path: Path) -> Iterator[PortalFactory]:
    """Build a portal whose catalog reads the given locations (and any other setting)."""
    clients: list[TestClient] = []

    def build(locations: list[dict[str, str]] | None = None, **catalog: Any) -> Portal:
        catalog.setdefault("registration_file_roots", [tmp_path])
        catalog.setdefault("processing_workers", 0)
        settings = Settings(
            env="test",
            data_dir=tmp_path / "data",
            database_url=database.engine.url.render_as_string(hide_password=False),
            run_workers=False,
            catalog=CatalogSettings(locations=locations or [], **catalog),
        )
        runtime = Runtime.build(settings, database)
        client = TestClient(create_app(runtime=runtime), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return Portal(client=client, runtime=runtime, root=tmp_path)

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
