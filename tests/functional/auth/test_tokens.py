"""Access tokens: made in Settings, through the API or by an operator; shown once; hashed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.functional.auth.org import bearer, permission_portal
from tests.functional.conftest import Portal, PortalFactory


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    return permission_portal(make_portal, tmp_path)


def test_a_token_made_through_the_api_works_until_revoked(portal: Portal) -> None:
    owner = bearer(portal.token_for("user:default/owner"))
    created = portal.browser.post(
        "/api/auth/tokens", json={"name": "ci", "scopes": ["read"]}, headers=owner
    )
    assert created.status_code == 201
    body = created.json()
    token = body["token"]
    assert token.startswith("grt_")
    assert len(token) > 40
    assert body["kind"] == "personal"
    assert body["scopes"] == ["read"]
    whoami = portal.browser.get("/api/auth/whoami", headers=bearer(token)).json()
    assert whoami["userEntityRef"] == "user:default/owner"
    assert "group:default/team-a" in whoami["ownershipEntityRefs"]
    assert whoami["scopes"] == ["read"]
    listed = portal.browser.get("/api/auth/tokens", headers=owner).json()
    assert {item["name"] for item in listed} >= {"ci"}
    assert all("token" not in item for item in listed)  # shown once, never again

    revoked = portal.browser.delete(f"/api/auth/tokens/{body['id']}", headers=owner)
    assert revoked.status_code == 204
    refused = portal.browser.get("/api/auth/whoami", headers=bearer(token))
    assert refused.status_code == 401
    assert "unknown, expired or revoked" in refused.json()["error"]["message"]


def test_only_the_hash_is_stored(portal: Portal) -> None:
    token = portal.token_for("user:default/owner")
    with portal.runtime.database.engine.connect() as connection:
        rows = connection.execute(text("SELECT token_hash, prefix FROM auth_tokens")).all()
    assert all(token not in (hashed, prefix) for hashed, prefix in rows)
    assert any(len(hashed) == 64 and token.startswith(prefix) for hashed, prefix in rows)


def test_tokens_work_on_html_pages_too(portal: Portal) -> None:
    page = portal.browser.get(
        "/settings",
        headers={"Accept": "text/html", **bearer(portal.token_for("user:default/lead"))},
    )
    assert page.status_code == 200
    assert "<code>user:default/lead</code>" in page.text
    assert "an access token" in page.text


def test_people_manage_only_their_own_tokens(portal: Portal) -> None:
    owner = bearer(portal.token_for("user:default/owner"))
    other = bearer(portal.token_for("user:default/other"))
    mine = portal.browser.post("/api/auth/tokens", json={"name": "mine"}, headers=owner).json()
    assert portal.browser.delete(f"/api/auth/tokens/{mine['id']}", headers=other).status_code == 404
    for_someone = portal.browser.post(
        "/api/auth/tokens", json={"name": "x", "user_ref": "user:default/owner"}, headers=other
    )
    assert for_someone.status_code == 403
    everyone = portal.browser.get("/api/auth/tokens", params={"all": "true"}, headers=other)
    assert everyone.status_code == 403
    admin = bearer(portal.token_for("user:default/boss"))
    service = portal.browser.post(
        "/api/auth/tokens",
        json={"name": "deploy bot", "user_ref": "user:default/deploy-bot", "scopes": ["catalog.*"]},
        headers=admin,
    )
    assert service.status_code == 201
    assert service.json()["kind"] == "service"
    assert portal.browser.delete(f"/api/auth/tokens/{mine['id']}", headers=admin).status_code == 204


def test_a_token_cannot_mint_wider_scopes(portal: Portal) -> None:
    reader = bearer(portal.token_for("user:default/owner", ["read"]))
    wider = portal.browser.post(
        "/api/auth/tokens", json={"name": "x", "scopes": ["*"]}, headers=reader
    )
    assert wider.status_code == 403


def test_bad_tokens_are_401_and_rate_limited(make_portal: PortalFactory) -> None:
    portal = make_portal(auth={"sign_in_attempts_per_minute": 3, "public_read": False})
    statuses = [
        portal.browser.get("/api/catalog/entities", headers=bearer("grt_guess")).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429, 429]
    malformed = portal.browser.get("/api/catalog/entities", headers={"Authorization": "Basic x"})
    assert malformed.status_code == 401


def test_settings_page_creates_shows_once_and_revokes(portal: Portal) -> None:
    portal.sign_in("user:default/owner")
    created = portal.form("/settings/tokens", {"name": "laptop", "scope": "read", "days": "30"})
    assert created.status_code == 200
    match = re.search(r'<code id="new-token">(grt_[^<]+)</code>', created.text)
    assert match, "the new token is shown once"
    token = match.group(1)
    listing = portal.page("/settings/tokens").text
    assert "laptop" in listing
    assert token not in listing
    token_id = re.search(r'action="/settings/tokens/([^/"]+)/revoke"', listing).group(1)
    assert portal.form(f"/settings/tokens/{token_id}/revoke", {}).status_code == 303
    assert portal.browser.get("/api/auth/whoami", headers=bearer(token)).status_code == 401
    bad = portal.form("/settings/tokens", {"name": "", "scope": "read", "days": "30"})
    assert bad.status_code in (400, 422)


def test_the_operator_bootstraps_the_first_admin_from_the_command_line(
    portal: Portal, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "GREENROOM_DATABASE_URL": portal.runtime.settings.resolved_database_url,
        "GREENROOM_DATA_DIR": str(tmp_path / "cli"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenroom",
            "token",
            "create",
            "--user",
            "user:default/first-admin",
            "--scope",
            "*",
            "--expires",
            "7d",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("grt_")
    assert token not in result.stderr
    whoami = portal.browser.get("/api/auth/whoami", headers=bearer(token)).json()
    assert whoami["userEntityRef"] == "user:default/first-admin"
    listed = subprocess.run(
        [sys.executable, "-m", "greenroom", "token", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "first-admin" in listed.stdout
    assert token not in listed.stdout
    too_long = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenroom",
            "token",
            "create",
            "--user",
            "user:default/x",
            "--expires",
            "999d",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert too_long.returncode != 0
    assert "at most 366 days" in too_long.stderr
