"""Web protections: security headers, a CSP without inline scripts, safe start-up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from greenroom.app import create_app
from greenroom.errors import ConfigurationError
from greenroom.settings import AuthSettings, Settings
from tests.functional.catalog.org import write_org
from tests.functional.conftest import PortalFactory

PAGES = [
    "/catalog",
    "/catalog/default/component/ledger",
    "/catalog/default/component/ledger/inspect",
    "/catalog/default/group/team-a",
    "/catalog-graph?rootEntityRefs[]=component:default/ledger",
    "/settings",
    "/search?q=ledger",
    "/auth/sign-in",
    "/squads",
    "/no/such/page",
]


def test_every_page_has_the_security_headers_and_no_inline_script(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = make_portal([{"type": "file", "target": str(write_org(tmp_path / "org"))}])
    portal.refresh_all()
    portal.sign_in("user:default/ada")
    for url in PAGES:
        response = portal.page(url)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        html = response.text
        # Scripts only from files; no inline handlers, styles or javascript: URLs.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert "javascript:" not in html.lower(), url
    api = portal.client.get("/api/catalog/entities")
    assert api.headers["x-content-type-options"] == "nosniff"


def test_session_cookies_are_http_only_and_same_site(make_portal: PortalFactory) -> None:
    portal = make_portal()
    response = portal.page("/auth/sign-in")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # http://127.0.0.1 in tests; https base URLs get Secure


def test_https_portals_get_secure_cookies_and_hsts(tmp_path: Path) -> None:
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        base_url="https://portal.example.com",
        run_workers=False,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/auth/sign-in", headers={"Accept": "text/html"})
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize(
    ("secret", "auth", "message"),
    [
        ("development-only-secret", {}, "GREENROOM_SESSION_SECRET must be set"),
        ("short", {}, "at least 32 characters"),
        (
            "x" * 48,
            {"development_identity": True},
            "cannot be enabled with GREENROOM_ENV=production",
        ),
    ],
)
def test_production_refuses_unsafe_settings(
    tmp_path: Path, secret: str, auth: dict[str, object], message: str
) -> None:
    settings = Settings(
        env="production",
        data_dir=tmp_path,
        session_secret=SecretStr(secret),
        auth=AuthSettings(**auth),
    )
    with pytest.raises(ConfigurationError, match=message):
        create_app(settings)
    create_app(
        settings.model_copy(update={"session_secret": SecretStr("s" * 48), "auth": AuthSettings()})
    )
