"""Who may change what: the default policy over the catalog's state-changing endpoints.

owner: a member of the owning squad; lead: a member of its parent colony; boss: a
member of an admin group; other: a member of another squad; anonymous: nothing;
revoked: the owner's token after it was revoked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.functional.auth.org import (
    SETTINGS,
    permission_portal,
    write_permission_org,
    write_service,
)
from tests.functional.conftest import Portal, PortalFactory

Caller = Callable[..., httpx.Response]
IDENTITIES = ("owner", "lead", "boss", "other", "anonymous", "revoked")
ALLOWED_ON_TEAM_A = {"owner": True, "lead": True, "boss": True, "other": False}


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    return permission_portal(make_portal, tmp_path)


def headers_for(portal: Portal, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    if who == "revoked":
        token = portal.token_for("user:default/owner")
        listed = portal.browser.get(
            "/api/auth/tokens", headers={"Authorization": f"Bearer {token}"}
        ).json()
        response = portal.browser.delete(
            f"/api/auth/tokens/{listed[0]['id']}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 204
        return {"Authorization": f"Bearer {token}"}
    return {"Authorization": f"Bearer {portal.token_for(f'user:default/{who}')}"}


def expected_status(who: str, allowed_signed_in: bool) -> int:
    if who in ("anonymous", "revoked"):
        return 401
    return 200 if allowed_signed_in else 403


@pytest.mark.parametrize("who", IDENTITIES)
def test_refreshing_an_entity(portal: Portal, who: str) -> None:
    response = portal.browser.post(
        "/api/catalog/refresh",
        json={"entityRef": "component:default/ledger"},
        headers=headers_for(portal, who),
    )
    assert response.status_code == expected_status(who, ALLOWED_ON_TEAM_A.get(who, False))
    if response.status_code == 403:
        reason = response.json()["error"]["message"]
        assert "owned by group:default/team-a" in reason


@pytest.mark.parametrize("who", IDENTITIES)
def test_refreshing_everything_is_for_admins(portal: Portal, who: str) -> None:
    response = portal.browser.post(
        "/api/catalog/refresh", json={}, headers=headers_for(portal, who)
    )
    assert response.status_code == expected_status(who, who == "boss")


@pytest.mark.parametrize("who", IDENTITIES)
def test_deleting_an_entity(portal: Portal, who: str) -> None:
    uid = portal.entity("component", "ledger")["metadata"]["uid"]
    response = portal.browser.delete(
        f"/api/catalog/entities/by-uid/{uid}", headers=headers_for(portal, who)
    )
    allowed = ALLOWED_ON_TEAM_A.get(who, False)
    assert response.status_code == (204 if allowed else expected_status(who, False))
    still_there = portal.client.get("/api/catalog/entities/by-name/component/default/ledger")
    assert still_there.status_code == (404 if allowed else 200)


@pytest.mark.parametrize("who", IDENTITIES)
def test_registering_a_location(portal: Portal, tmp_path: Path, who: str) -> None:
    target = write_service(tmp_path / "repos", f"svc-{who}")
    response = portal.browser.post(
        "/api/catalog/locations",
        json={"type": "file", "target": str(target)},
        headers=headers_for(portal, who),
    )
    signed_in = who not in ("anonymous", "revoked")
    assert response.status_code == (201 if signed_in else 401)


@pytest.mark.parametrize("who", IDENTITIES)
def test_unregistering_a_location(portal: Portal, tmp_path: Path, who: str) -> None:
    target = write_service(tmp_path / "repos", "payments-svc")
    created = portal.client.post(
        "/api/catalog/locations", json={"type": "file", "target": str(target)}
    )
    portal.process()
    location_id = created.json()["location"]["id"]
    response = portal.browser.delete(
        f"/api/catalog/locations/{location_id}", headers=headers_for(portal, who)
    )
    allowed = ALLOWED_ON_TEAM_A.get(who, False)
    assert response.status_code == (204 if allowed else expected_status(who, False))
    after = portal.client.get(f"/api/catalog/locations/{location_id}")
    assert after.status_code == (404 if allowed else 200)


def test_a_location_with_entities_of_several_owners_needs_all_of_them(
    portal: Portal, tmp_path: Path
) -> None:
    root = tmp_path / "mixed"
    write_service(root, "a-svc", owner="team-a")
    write_service(root, "b-svc", owner="team-b")
    created = portal.client.post(
        "/api/catalog/locations", json={"type": "file", "target": str(root)}
    )
    portal.process()
    location_id = created.json()["location"]["id"]
    owner = portal.browser.delete(
        f"/api/catalog/locations/{location_id}", headers=headers_for(portal, "owner")
    )
    assert owner.status_code == 403  # team-a alone cannot remove team-b's service
    lead = portal.browser.delete(
        f"/api/catalog/locations/{location_id}", headers=headers_for(portal, "lead")
    )
    assert lead.status_code == 204  # the colony owns what both squads own


def test_reading_needs_sign_in_unless_public_read_is_on(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    org = write_permission_org(tmp_path / "org")
    closed = make_portal([{"type": "file", "target": str(org)}], **SETTINGS)
    closed.refresh_all()
    assert closed.browser.get("/api/catalog/entities").status_code == 401
    page = closed.browser.get("/catalog", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/auth/sign-in?next=%2Fcatalog"
    assert closed.browser.get("/healthz").status_code == 200
    assert closed.browser.get("/auth/sign-in").status_code == 200
    reader = headers_for(closed, "other")
    assert closed.browser.get("/api/catalog/entities", headers=reader).status_code == 200

    open_portal = make_portal([{"type": "file", "target": str(org)}], auth={"public_read": True})
    open_portal.refresh_all()
    assert open_portal.browser.get("/api/catalog/entities").status_code == 200
    refresh = open_portal.browser.post(
        "/api/catalog/refresh", json={"entityRef": "component:default/ledger"}
    )
    assert refresh.status_code == 401  # public read never means public write


def test_a_tokens_scopes_limit_what_it_may_do(portal: Portal) -> None:
    read_only = {"Authorization": f"Bearer {portal.token_for('user:default/owner', ['read'])}"}
    assert portal.browser.get("/api/catalog/entities", headers=read_only).status_code == 200
    refused = portal.browser.post(
        "/api/catalog/refresh", json={"entityRef": "component:default/ledger"}, headers=read_only
    )
    assert refused.status_code == 403
    assert "scopes do not include catalog.entity.refresh" in refused.json()["error"]["message"]
    catalog_only = portal.token_for("user:default/owner", ["catalog.*"])
    allowed = portal.browser.post(
        "/api/catalog/refresh",
        json={"entityRef": "component:default/ledger"},
        headers={"Authorization": f"Bearer {catalog_only}"},
    )
    assert allowed.status_code == 200


def test_the_ui_offers_only_what_the_person_may_do(portal: Portal) -> None:
    portal.sign_in("user:default/other")
    page = portal.page("/catalog/default/component/ledger").text
    assert "> Refresh</button>" not in page
    forged = portal.form("/catalog/default/component/ledger/refresh", {})
    assert forged.status_code == 403
    assert "only its owners and admins may" in forged.text
    portal.sign_in("user:default/lead")
    page = portal.page("/catalog/default/component/ledger").text
    assert "Refresh</button>" in page
    assert portal.form("/catalog/default/component/ledger/refresh", {}).status_code == 303


def test_denials_are_in_the_audit_log_with_their_reason(portal: Portal) -> None:
    portal.browser.post(
        "/api/catalog/refresh",
        json={"entityRef": "component:default/ledger"},
        headers=headers_for(portal, "other"),
    )
    events = portal.client.get("/api/audit", params={"outcome": "denied"}).json()["items"]
    [event] = [e for e in events if e["actor"] == "user:default/other"]
    assert event["action"] == "catalog.entity.refresh"
    assert event["resource"] == "component:default/ledger"
    assert event["auth_method"] == "token"
    assert "only its owners and admins may" in event["reason"]
    assert event["status_code"] == 403
