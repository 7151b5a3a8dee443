"""Sign-in through a trusted authenticating proxy (oauth2-proxy, an ingress).

The proxy's header names the person on every request; greenroom believes it
only from the configured proxy addresses. Starlette's TestClient calls itself
`testclient`, which is no address at all, so each test builds its own clients
with the peer address it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.functional.auth.org import SETTINGS, write_permission_org
from tests.functional.conftest import Portal, PortalFactory, write

PROXY_ADDRESS = "10.1.2.3"
HTML = {"Accept": "text/html"}
LEDGER = "component:default/ledger"
PROXY = {
    "enabled": True,
    "header": "X-Forwarded-Email",
    "trusted_addresses": ["10.0.0.0/8", "127.0.0.1"],
}
GRACE = """\
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: grace
  annotations: {example.com/sso-id: "g-1906"}
spec: {profile: {displayName: Grace Hopper}, memberOf: [team-b]}
"""


def proxy_portal(make_portal: PortalFactory, tmp_path: Path, **proxy: Any) -> Portal:
    org = write_permission_org(tmp_path / "org")
    grace = write(tmp_path / "people" / "grace.yaml", GRACE)
    portal = make_portal(
        [{"type": "file", "target": str(org)}, {"type": "file", "target": str(grace)}],
        auth={**SETTINGS["auth"], "proxy": {**PROXY, **proxy}},
    )
    portal.refresh_all()
    return portal


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    return proxy_portal(make_portal, tmp_path)


@contextmanager
def connection_from(portal: Portal, address: str = PROXY_ADDRESS) -> Iterator[TestClient]:
    """A client whose requests reach greenroom from `address` (the proxy, or someone else)."""
    client = TestClient(portal.client.app, client=(address, 50000), raise_server_exceptions=False)
    with closing(client):
        yield client


def as_person(email: str) -> dict[str, str]:
    return {"X-Forwarded-Email": email}


def test_the_header_signs_a_catalog_user_in_on_each_request(portal: Portal) -> None:
    with connection_from(portal) as proxy:
        owner = proxy.get("/api/auth/whoami", headers=as_person("owner@example.com"))
        assert owner.status_code == 200, owner.text
        assert owner.json()["userEntityRef"] == "user:default/owner"
        assert owner.json()["source"] == "proxy"
        assert "group:default/team-a" in owner.json()["ownershipEntityRefs"]
        # Nothing sticks to the connection: the next request is whoever the proxy names.
        lead = proxy.get("/api/auth/whoami", headers=as_person("lead@example.com")).json()
        assert lead["userEntityRef"] == "user:default/lead"
        assert proxy.get("/api/auth/whoami").status_code == 401
        shouted = proxy.get("/api/auth/whoami", headers=as_person(" Owner@EXAMPLE.com ")).json()
        assert shouted["userEntityRef"] == "user:default/owner"  # e-mails match in any case
        page = proxy.get("/catalog", headers={**HTML, **as_person("boss@example.com")})
        assert page.status_code == 200
        assert 'href="/admin/audit"' in page.text  # the boss is an admin, through the header


def test_loopback_is_trusted_when_configured(portal: Portal) -> None:
    with connection_from(portal, "127.0.0.1") as local:
        whoami = local.get("/api/auth/whoami", headers=as_person("other@example.com"))
    assert whoami.json()["userEntityRef"] == "user:default/other"


def test_an_unknown_email_is_refused_with_the_reason(portal: Portal) -> None:
    with connection_from(portal) as proxy:
        api = proxy.get("/api/auth/whoami", headers=as_person("stranger@example.com"))
        page = proxy.get("/catalog", headers={**HTML, **as_person("stranger@example.com")})
    assert api.status_code == 403
    message = api.json()["error"]["message"]
    assert "stranger@example.com" in message
    assert "no User in the catalog has that e-mail" in message
    assert page.status_code == 403
    assert "stranger@example.com" in page.text


@pytest.mark.parametrize("address", ["203.0.113.9", "10.1.2.3.evil", "testclient"])
def test_the_header_from_anyone_but_the_proxy_is_ignored(portal: Portal, address: str) -> None:
    with connection_from(portal, address) as elsewhere:
        whoami = elsewhere.get("/api/auth/whoami", headers=as_person("boss@example.com"))
        audit = elsewhere.get("/api/audit", headers=as_person("boss@example.com"))
    assert whoami.status_code == 401
    assert audit.status_code == 401


def test_changes_behind_the_proxy_need_the_csrf_token_even_without_a_session(
    portal: Portal,
) -> None:
    owner = as_person("owner@example.com")
    with connection_from(portal) as forger:
        # A cross-site page makes the browser post through the proxy, which adds the header.
        forged_api = forger.post("/api/catalog/refresh", json={"entityRef": LEDGER}, headers=owner)
        assert not forger.cookies
        forged_form = forger.post(
            "/catalog/default/component/ledger/refresh",
            data={},
            headers={**HTML, **owner},
            follow_redirects=False,
        )
    assert (forged_api.status_code, forged_form.status_code) == (403, 403)
    assert "CSRF token" in forged_api.json()["error"]["message"]
    assert "did not come from this portal" not in forged_form.text  # there is no session at all
    with connection_from(portal) as proxy:
        # The portal's own page hands out the token; with it, the same change goes through.
        page = proxy.get("/catalog", headers={**HTML, **owner}).text
        match = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
        assert match
        done = proxy.post(
            "/api/catalog/refresh",
            json={"entityRef": LEDGER},
            headers={**owner, "X-CSRF-Token": match.group(1)},
        )
        assert done.status_code == 200, done.text
        audit = portal.client.get("/api/audit", params={"actor": "user:default/owner"}).json()
    [event] = [e for e in audit["items"] if e["outcome"] != "rejected"]
    assert (event["auth_method"], event["outcome"], event["client_address"]) == (
        "proxy",
        "allowed",
        PROXY_ADDRESS,
    )


def test_a_bearer_token_wins_over_the_header(portal: Portal) -> None:
    token = portal.token_for("user:default/other")
    with connection_from(portal) as proxy:
        whoami = proxy.get(
            "/api/auth/whoami",
            headers={**as_person("boss@example.com"), "Authorization": f"Bearer {token}"},
        ).json()
    assert (whoami["userEntityRef"], whoami["source"]) == ("user:default/other", "token")


def test_the_annotation_resolver_matches_the_header_to_a_users_annotation(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = proxy_portal(
        make_portal,
        tmp_path,
        header="X-Auth-Request-User",
        resolver={"type": "annotation", "annotation": "example.com/sso-id"},
    )
    with connection_from(portal) as proxy:
        grace = proxy.get("/api/auth/whoami", headers={"X-Auth-Request-User": "g-1906"})
        unknown = proxy.get("/api/auth/whoami", headers={"X-Auth-Request-User": "g-0000"})
        by_email = proxy.get("/api/auth/whoami", headers=as_person("owner@example.com"))
    assert grace.status_code == 200, grace.text
    assert grace.json()["userEntityRef"] == "user:default/grace"
    assert grace.json()["displayName"] == "Grace Hopper"
    assert unknown.status_code == 403
    refusal = unknown.json()["error"]["message"]
    assert "no User in the catalog has metadata.annotations.example.com/sso-id = g-0000" in refusal
    assert by_email.status_code == 401  # another header than the one configured means nothing
