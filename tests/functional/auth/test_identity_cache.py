"""A resolved identity is reused while the catalog is unchanged, and follows every change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from tests.functional.auth.org import ORG, bearer, permission_portal
from tests.functional.conftest import Portal, PortalFactory, write


def ownership(portal: Portal, token: str) -> list[str]:
    response = portal.client.get("/api/auth/whoami", headers=bearer(token))
    assert response.status_code == 200, response.text
    refs: list[str] = response.json()["ownershipEntityRefs"]
    return refs


def test_an_identity_follows_the_catalog_and_a_token_its_revocation(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = permission_portal(make_portal, tmp_path)
    token = portal.token_for("user:default/other")
    assert ownership(portal, token) == ["user:default/other", "group:default/team-b"]
    assert ownership(portal, token) == ["user:default/other", "group:default/team-b"]

    # other moves to team-a: the next request knows, without a restart.
    org = tmp_path / "org" / "org.yaml"
    moved = ORG.replace(
        "metadata: {name: other}\nspec: {profile: {email: other@example.com}, memberOf: [team-b]}",
        "metadata: {name: other}\nspec: {profile: {email: other@example.com}, memberOf: [team-a]}",
    )
    assert moved != ORG
    write(org, moved)
    portal.refresh_all()
    assert ownership(portal, token) == ["user:default/other", "group:default/team-a"]

    # Revoking the token ends it at once, however recently its identity was resolved.
    token_id = portal.client.get("/api/auth/tokens", headers=bearer(token)).json()[0]["id"]
    revoked = portal.client.delete(f"/api/auth/tokens/{token_id}", headers=bearer(token))
    assert revoked.status_code == 204, revoked.text
    assert portal.client.get("/api/auth/whoami", headers=bearer(token)).status_code == 401


def test_a_repeated_request_does_not_resolve_its_identity_again(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = permission_portal(make_portal, tmp_path)
    token = portal.token_for("user:default/lead")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = portal.runtime.database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        ownership(portal, token)
        first = len(statements)
        statements.clear()
        ownership(portal, token)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The user's entity, its relations and its groups' hierarchy are not read again.
    assert not any("catalog_relations" in statement for statement in statements), statements
    assert len(statements) < first
