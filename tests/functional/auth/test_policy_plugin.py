"""A plugin replaces the default policy through the `permission_policy` hook."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from greenroom.app import create_app
from greenroom.auth.identity import Identity
from greenroom.auth.permissions import Action, Decision, Resource
from greenroom.auth.policy import DefaultPolicy
from greenroom.auth.tokens import TokenService
from greenroom.catalog.engine import catalog_engine
from greenroom.db.session import Database
from greenroom.hookspecs import hookimpl
from greenroom.plugins import build_plugin_manager
from greenroom.runtime import Runtime
from greenroom.settings import AuthSettings, CatalogSettings, Settings
from tests.functional.auth.org import write_permission_org


class ChangeFreeze:
    """Only admins change anything; everything else as the default policy says."""

    def __init__(self, settings: Settings) -> None:
        self.default = DefaultPolicy(settings.auth)

    def decide(
        self, identity: Identity | None, action: Action, resource: Resource | None
    ) -> Decision:
        if not action.read and not self.default.is_admin(identity):
            return Decision(False, "Changes are frozen until Monday.")
        return self.default.decide(identity, action, resource)


class FreezePlugin:
    @hookimpl
    def permission_policy(self, settings: Settings) -> ChangeFreeze:
        return ChangeFreeze(settings)


def test_a_policy_plugin_decides_instead_of_the_default(database: Database, tmp_path: Path) -> None:
    org = write_permission_org(tmp_path / "org")
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        database_url=database.engine.url.render_as_string(hide_password=False),
        run_workers=False,
        catalog=CatalogSettings(
            locations=[{"type": "file", "target": str(org)}], processing_workers=0
        ),
        auth=AuthSettings(admin_groups=["group:default/admins"]),
    )
    plugins = build_plugin_manager(load_entry_points=False)
    plugins.register(FreezePlugin(), name="change-freeze")
    runtime = Runtime(settings=settings, database=database, plugins=plugins)
    with TestClient(create_app(runtime=runtime)) as client:
        catalog_engine(runtime).run_until_idle()  # the org: owner in team-a, boss an admin
        with database.transaction(write=True) as session:
            owner = (
                TokenService(session)
                .create(user_ref="user:default/owner", name="t", scopes=["*"], created_by="test")
                .token
            )
            boss = (
                TokenService(session)
                .create(user_ref="user:default/boss", name="t", scopes=["*"], created_by="test")
                .token
            )
        refused = client.post(
            "/api/catalog/refresh",
            json={"entityRef": "component:default/ledger"},
            headers={"Authorization": f"Bearer {owner}"},
        )
        assert refused.status_code == 403  # the default policy would allow its owner
        assert refused.json()["error"]["message"] == "Changes are frozen until Monday."
        allowed = client.post(
            "/api/catalog/refresh",
            json={"entityRef": "component:default/ledger"},
            headers={"Authorization": f"Bearer {boss}"},
        )
        assert allowed.status_code == 200
