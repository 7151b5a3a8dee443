"""The audit log: what a change leaves behind, what a read does not, who may read it,
and that nobody (not even the database's own users) can rewrite it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.functional.auth.org import bearer, permission_portal
from tests.functional.conftest import Portal, PortalFactory

GREENROOM = Path(sys.executable).with_name("greenroom")
LEDGER = "component:default/ledger"
HTML = {"Accept": "text/html"}


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    return permission_portal(make_portal, tmp_path)


def events(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    """Every audit event matching the filters, newest first, as an admin reads them."""
    response = portal.client.get("/api/audit", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def token_id(portal: Portal, token: str) -> str:
    """The id of a token, as its user sees it in their own token list."""
    [mine] = portal.browser.get("/api/auth/tokens", headers=bearer(token)).json()
    return str(mine["id"])


def refresh_ledger(client: TestClient, token: str | None) -> Any:
    return client.post(
        "/api/catalog/refresh",
        json={"entityRef": LEDGER},
        headers=bearer(token) if token else {},
    )


def test_allowed_and_denied_changes_record_who_how_what_and_from_where(portal: Portal) -> None:
    owner, other = (portal.token_for(f"user:default/{name}") for name in ("owner", "other"))
    with closing(
        TestClient(portal.client.app, client=("203.0.113.7", 41000), raise_server_exceptions=False)
    ) as laptop:
        allowed = refresh_ledger(laptop, owner)
        denied = refresh_ledger(laptop, other)
    assert (allowed.status_code, denied.status_code) == (200, 403)

    [done] = events(portal, actor="user:default/owner")
    assert done | {"id": 0, "occurred_at": ""} == {
        "id": 0,
        "occurred_at": "",
        "actor": "user:default/owner",
        "auth_method": "token",
        "token_id": token_id(portal, owner),
        "action": "catalog.entity.refresh",
        "resource": LEDGER,
        "outcome": "allowed",
        "reason": None,
        "status_code": 200,
        "method": "POST",
        "path": "/api/catalog/refresh",
        "request_id": allowed.headers["X-Request-Id"],
        "client_address": "203.0.113.7",
    }
    [refused] = events(portal, actor="user:default/other")
    assert refused["outcome"] == "denied"
    assert refused["status_code"] == 403
    assert refused["token_id"] == token_id(portal, other)
    assert refused["request_id"] == denied.headers["X-Request-Id"]
    assert refused["resource"] == LEDGER
    assert "owned by group:default/team-a" in refused["reason"]
    assert owner not in json.dumps(done)
    assert other not in json.dumps(refused)


def test_requests_without_a_valid_credential_are_recorded_as_anonymous(portal: Portal) -> None:
    nobody = refresh_ledger(portal.browser, None)
    forged = refresh_ledger(portal.browser, "grt_" + "x" * 43)
    assert (nobody.status_code, forged.status_code) == (401, 401)

    anonymous = {e["request_id"]: e for e in events(portal, actor="anonymous")}
    unsigned = anonymous[nobody.headers["X-Request-Id"]]
    assert (unsigned["outcome"], unsigned["auth_method"], unsigned["token_id"]) == (
        "denied",
        "none",
        None,
    )
    assert unsigned["action"] == "catalog.entity.refresh"
    bad_token = anonymous[forged.headers["X-Request-Id"]]
    assert (bad_token["outcome"], bad_token["status_code"]) == ("rejected", 401)
    assert "grt_xxx" not in json.dumps(bad_token)


def test_a_browser_post_without_its_csrf_token_is_recorded_as_rejected(portal: Portal) -> None:
    portal.sign_in("user:default/owner")
    form = portal.browser.post(
        "/catalog/default/component/ledger/refresh", data={}, headers=HTML, follow_redirects=False
    )
    script = portal.browser.post("/api/catalog/refresh", json={"entityRef": LEDGER})
    assert (form.status_code, script.status_code) == (403, 403)

    rejected = {e["request_id"]: e for e in events(portal, outcome="rejected")}
    assert set(rejected) == {form.headers["X-Request-Id"], script.headers["X-Request-Id"]}
    by_path = {e["path"]: e for e in rejected.values()}
    assert by_path["/catalog/default/component/ledger/refresh"]["status_code"] == 403
    assert by_path["/api/catalog/refresh"]["method"] == "POST"
    # Signing in itself was a change, and is in the log as one, by whom it signed in.
    [signed_in] = events(portal, action="auth.sign_in")
    assert (signed_in["actor"], signed_in["auth_method"], signed_in["outcome"]) == (
        "user:default/owner",
        "development",
        "allowed",
    )


def test_reads_are_not_recorded(portal: Portal) -> None:
    before = events(portal)
    reads = [
        portal.client.get("/api/catalog/entities/by-query", params={"filter": "kind=user"}),
        portal.client.get(f"/api/catalog/entities/by-name/{LEDGER.replace(':', '/')}"),
        portal.client.post("/api/catalog/entities/by-refs", json={"entityRefs": [LEDGER]}),
        portal.client.get("/catalog", headers=HTML),
        portal.client.get("/api/auth/whoami"),
    ]
    assert [r.status_code for r in reads] == [200] * len(reads), [r.text for r in reads]
    assert events(portal) == before


def test_the_table_refuses_update_and_delete_in_the_database(portal: Portal) -> None:
    refresh_ledger(portal.client, None)  # the admin client's own token
    recorded = events(portal)
    assert recorded
    engine = portal.runtime.database.engine
    statements = ["UPDATE audit_events SET actor = 'someone-else'", "DELETE FROM audit_events"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert events(portal) == recorded


def test_the_api_filters_by_actor_action_outcome_and_time(portal: Portal) -> None:
    owner = portal.token_for("user:default/owner")
    refresh_ledger(portal.browser, owner)
    refresh_ledger(portal.browser, portal.token_for("user:default/other"))
    middle = datetime.now(UTC)
    created = portal.browser.post(
        "/api/auth/tokens", json={"name": "ci", "scopes": ["read"]}, headers=bearer(owner)
    )
    assert created.status_code == 201
    refresh_ledger(portal.browser, owner)

    mine = events(portal, actor="user:default/owner")
    assert [e["action"] for e in mine] == [
        "catalog.entity.refresh",
        "auth.token.create",
        "catalog.entity.refresh",
    ]
    catalog = events(portal, action="catalog.")
    assert catalog
    assert all(e["action"].startswith("catalog.") for e in catalog)
    assert "auth.token.create" not in {e["action"] for e in catalog}
    assert [e["actor"] for e in events(portal, outcome="denied")] == ["user:default/other"]

    later = events(portal, since=middle.isoformat())
    earlier = events(portal, until=middle.isoformat())
    assert [e["action"] for e in later] == ["catalog.entity.refresh", "auth.token.create"]
    assert {e["id"] for e in later}.isdisjoint(e["id"] for e in earlier)
    assert len(later) + len(earlier) == len(events(portal))

    refused = portal.client.get("/api/audit", params={"outcome": "maybe"})
    assert refused.status_code == 400
    assert "outcome must be one of" in refused.json()["error"]["message"]
    assert portal.client.get("/api/audit", params={"since": "last week"}).status_code == 400


def test_since_and_until_mean_the_same_moment_in_any_time_zone(portal: Portal) -> None:
    owner = portal.token_for("user:default/owner")
    refresh_ledger(portal.browser, owner)
    middle = datetime.now(UTC)
    refresh_ledger(portal.browser, owner)
    copenhagen = middle.astimezone(timezone(timedelta(hours=2))).isoformat()
    assert len(events(portal, since=middle.isoformat())) == 1
    assert events(portal, since=copenhagen) == events(portal, since=middle.isoformat())
    assert events(portal, until=copenhagen) == events(portal, until=middle.isoformat())


def test_the_api_pages_newest_first(portal: Portal) -> None:
    owner = portal.token_for("user:default/owner")
    for _ in range(4):
        refresh_ledger(portal.browser, owner)
    everything = [e["id"] for e in events(portal)]
    assert everything == sorted(everything, reverse=True)

    seen: list[int] = []
    before: int | None = None
    for _ in range(len(everything)):
        params: dict[str, Any] = {"limit": 2} | ({"before": before} if before else {})
        page = portal.client.get("/api/audit", params=params).json()
        seen.extend(e["id"] for e in page["items"])
        before = page["nextBefore"]
        if before is None:
            break
    assert seen == everything


def test_only_admins_read_the_log_through_the_api(portal: Portal) -> None:
    other = portal.browser.get("/api/audit", headers=bearer(portal.token_for("user:default/other")))
    assert other.status_code == 403
    assert "Only admins may read the audit log" in other.json()["error"]["message"]
    boss = portal.browser.get("/api/audit", headers=bearer(portal.token_for("user:default/boss")))
    assert boss.status_code == 200
    assert portal.browser.get("/api/audit").status_code == 401


def test_public_read_does_not_open_the_log_to_anonymous_readers(
    make_portal: PortalFactory,
) -> None:
    portal = make_portal(auth={"public_read": True})
    refresh_ledger(portal.client, None)
    assert portal.browser.get("/api/catalog/entities").status_code == 200
    assert portal.browser.get("/api/audit").status_code == 401


def test_the_audit_page_and_its_sidebar_entry_are_for_admins(portal: Portal) -> None:
    portal.sign_in("user:default/boss")
    page = portal.page("/admin/audit")
    assert page.status_code == 200
    assert "<h1>Audit log</h1>" in page.text
    assert "auth.sign_in" in page.text  # the boss's own sign-in, just recorded
    assert 'href="/admin/audit"' in portal.page("/catalog").text

    portal.sign_in("user:default/other")
    refused = portal.page("/admin/audit")
    assert refused.status_code == 403
    assert "Only admins may read the audit log" in refused.text
    assert 'href="/admin/audit"' not in portal.page("/catalog").text

    portal.browser.cookies.clear()
    anonymous = portal.browser.get("/admin/audit", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/auth/sign-in")


def test_export_writes_json_lines_oldest_first(portal: Portal, tmp_path: Path) -> None:
    owner = portal.token_for("user:default/owner")
    refresh_ledger(portal.browser, owner)
    since = datetime.now(UTC)
    for _ in range(2):
        refresh_ledger(portal.browser, owner)
    expected = [e["id"] for e in reversed(events(portal, since=since.isoformat()))]
    assert len(expected) == 2

    output = tmp_path / "audit.jsonl"
    env = {key: value for key, value in os.environ.items() if not key.startswith("GREENROOM_")}
    env["GREENROOM_DATABASE_URL"] = portal.runtime.database.engine.url.render_as_string(
        hide_password=False
    )
    env["GREENROOM_DATA_DIR"] = str(tmp_path / "cli-data")
    result = subprocess.run(
        [str(GREENROOM), "audit", "export", "--since", since.isoformat(), "--output", str(output)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "2 events" in result.stderr
    exported = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [e["id"] for e in exported] == expected
    assert {e["actor"] for e in exported} == {"user:default/owner"}
    assert all(e["action"] == "catalog.entity.refresh" for e in exported)


def test_no_token_is_ever_written_to_the_log_or_the_audit_table(
    portal: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    owner = portal.token_for("user:default/owner")
    created = portal.browser.post(
        "/api/auth/tokens",
        json={"name": "ci", "scopes": ["catalog.*"], "expires_in_days": 7},
        headers=bearer(owner),
    )
    assert created.status_code == 201
    made = created.json()
    assert refresh_ledger(portal.browser, made["token"]).status_code == 200
    revoked = portal.browser.delete(f"/api/auth/tokens/{made['id']}", headers=bearer(owner))
    assert revoked.status_code == 204
    assert refresh_ledger(portal.browser, made["token"]).status_code == 401
    assert refresh_ledger(portal.browser, made["token"][:-2]).status_code == 401

    with portal.runtime.database.engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(text("SELECT * FROM audit_events"))]
    assert {r["action"] for r in rows} >= {"auth.token.create", "catalog.entity.refresh"}
    assert made["id"] in {r["token_id"] for r in rows}
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /api/auth/tokens" in logged  # the requests were logged, just not the tokens
    for secret in (owner, made["token"], made["token"][:-2]):
        assert secret not in json.dumps(rows, default=str)
        assert secret not in logged
