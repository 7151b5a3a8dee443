"""A small organisation written as Backstage YAML, used by the catalog's functional tests."""

from __future__ import annotations

from pathlib import Path

from tests.functional.conftest import write

ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments, title: Payments colony}
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
kind: User
metadata: {name: ada}
spec: {profile: {displayName: Ada Lovelace, email: ada@example.com}, memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: checkout}
spec: {owner: team-a}
"""

COMPONENTS = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  title: Ledger Service
  description: Books every payment
  tags: [java, pci]
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: checkout
  providesApis: [ledger-api]
  dependsOn: [resource:ledger-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: checkout-web, tags: [react]}
spec:
  type: website
  lifecycle: production
  owner: team-b
  system: checkout
  consumesApis: [ledger-api]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: money-lib, tags: [java]}
spec: {type: library, lifecycle: experimental, owner: group:default/team-b}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: ledger-api}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  system: checkout
  definition:
    $text: ./ledger.openapi.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: ledger-db}
spec: {type: database, owner: team-a, system: checkout}
"""

OPENAPI = """\
openapi: 3.0.0
info: {title: Ledger, version: 1.0.0}
paths: {}
"""

ROOT = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: company}
spec:
  targets: [./org.yaml, ./services/catalog-info.yaml]
"""


def write_org(root: Path) -> Path:
    """Write the organisation under `root`; returns the root Location file."""
    write(root / "org.yaml", ORG)
    write(root / "services" / "catalog-info.yaml", COMPONENTS)
    write(root / "services" / "ledger.openapi.yaml", OPENAPI)
    return write(root / "catalog-info.yaml", ROOT)
