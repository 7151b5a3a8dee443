"""Functional tests: the real app over HTTP, on a real database, processing real files."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from greenroom.app import create_app
from greenroom.auth.tokens import TokenService
from greenroom.catalog.engine import CatalogEngine, catalog_engine
from greenroom.db.session import Database
from greenroom.runtime import Runtime
from greenroom.settings import AuthSettings, CatalogSettings, Settings, UiSettings

ADMIN = "user:default/test-admin"
"""The API client's identity: an admin (through `auth.admin_users`) with a bearer token."""


@dataclass
class Portal:
    """A running greenroom, driven synchronously: `client` calls the API with an admin's
    bearer token; `browser` is a cookie-only client, as a person's browser is."""

    client: TestClient
    browser: TestClient
    runtime: Runtime
    root: Path

    def token_for(self, user_ref: str, scopes: list[str] | None = None) -> str:
        """A fresh bearer token for a user, as `greenroom token create` makes one."""
        with self.runtime.database.transaction(write=True) as session:
            issued = TokenService(session).create(
                user_ref=user_ref, name="test", scopes=scopes or ["*"], created_by="test"
            )
        return issued.token

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

    def page(self, url: str, **params: Any) -> httpx.Response:
        """GET an HTML page as a browser would ask for it."""
        # httpx replaces a URL's own query string with `params` when they are given.
        return self.browser.get(url, params=params or None, headers={"Accept": "text/html"})

    def csrf(self) -> str:
        """The session's CSRF token, read from a rendered form as a browser would."""
        # Every page's <body> hands htmx the token; the sign-in page is open to anyone.
        match = re.search(r'"X-CSRF-Token": "([^"]+)"', self.page("/auth/sign-in").text)
        assert match, "the sign-in page carries no CSRF token"
        return match.group(1)

    def form(self, url: str, data: dict[str, Any]) -> httpx.Response:
        """POST a form with the session's CSRF token, without following the redirect."""
        return self.browser.post(
            url,
            data={"csrf_token": self.csrf(), **data},
            headers={"Accept": "text/html"},
            follow_redirects=False,
        )

    def sign_in(self, user_ref: str) -> None:
        """Act as a catalog User through the development identity."""
        response = self.form("/auth/development", {"user_ref": user_ref})
        assert response.status_code == 303, response.text

    def names(self, **params: Any) -> list[str]:
        params.setdefault("limit", 1000)
        return sorted(item["metadata"]["name"] for item in self.query(**params)["items"])


PortalFactory = Callable[..., Portal]


@pytest.fixture
def make_portal(database: Database, tmp_path: Path) -> Iterator[PortalFactory]:
    """Build a portal whose catalog reads the given locations (and any other setting)."""
    clients: list[TestClient] = []

    def build(
        locations: list[dict[str, str]] | None = None,
        *,
        ui: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
        **catalog: Any,
    ) -> Portal:
        catalog.setdefault("registration_file_roots", [tmp_path])
        catalog.setdefault("processing_workers", 0)
        settings = Settings(
            env="test",
            data_dir=tmp_path / "data",
            database_url=database.engine.url.render_as_string(hide_password=False),
            run_workers=False,
            catalog=CatalogSettings(locations=locations or [], **catalog),
            ui=UiSettings(**(ui or {})),
            # Pages are read anonymously unless a test says otherwise; permission tests do.
            auth=AuthSettings(
                **{
                    "development_identity": True,
                    "public_read": True,
                    "admin_users": [ADMIN],
                    **(auth or {}),
                }
            ),
        )
        runtime = Runtime.build(settings, database)
        app = create_app(runtime=runtime)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()  # runs the lifespan: the embedded database is migrated
        clients.append(client)
        portal = Portal(
            client=client,
            browser=TestClient(app, raise_server_exceptions=False),
            runtime=runtime,
            root=tmp_path,
        )
        client.headers["Authorization"] = f"Bearer {portal.token_for(ADMIN)}"
        return portal

    yield build
    for client in clients:
        client.__exit__(None, None, None)
    # The safety net behind the route test: no request may change state unchecked.
    with database.engine.connect() as connection:
        unchecked = connection.execute(
            text("SELECT method, path FROM audit_events WHERE outcome = 'unchecked'")
        ).all()
    assert not unchecked, f"state changed without a permission check: {unchecked}"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
