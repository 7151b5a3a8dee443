"""An organisation for permission tests: a colony, two squads, an admin group, five people."""

from __future__ import annotations

from pathlib import Path

from tests.functional.conftest import Portal, PortalFactory, write

ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: colony, children: [team-a, team-b]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: squad, parent: payments, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-b}
spec: {type: squad, parent: payments, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: admins}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: owner}
spec: {profile: {email: owner@example.com}, memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: lead}
spec: {profile: {email: lead@example.com}, memberOf: [payments]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: other}
spec: {profile: {email: other@example.com}, memberOf: [team-b]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: boss}
spec: {profile: {email: boss@example.com}, memberOf: [admins]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger}
spec: {type: service, lifecycle: production, owner: team-a}
"""

SERVICE = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {{name: {name}}}
spec: {{type: service, lifecycle: production, owner: {owner}}}
"""

PEOPLE = ("owner", "lead", "other", "boss")
SETTINGS = {"auth": {"admin_groups": ["group:default/admins"], "public_read": False}}


def write_permission_org(root: Path) -> Path:
    return write(root / "org.yaml", ORG)


def write_service(root: Path, name: str, owner: str = "team-a") -> Path:
    return write(root / name / "catalog-info.yaml", SERVICE.format(name=name, owner=owner))


def permission_portal(make_portal: PortalFactory, root: Path) -> Portal:
    """A portal over the permission org, processed, with group admins as admins."""
    org = write_permission_org(root / "org")
    portal = make_portal([{"type": "file", "target": str(org)}], **SETTINGS)
    portal.refresh_all()
    return portal


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
