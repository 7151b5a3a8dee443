"""A small organisation for the squad pages: a colony, two squads, people, what they own."""

from __future__ import annotations

# A colony with two squads, and a group outside it. The colony's description and
# picture are hostile; cleo's picture is a real one.
ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  description: 'Moves money <script>alert("owned")</script>'
  links: [{url: "https://chat.example/payments", title: Payments chat}]
spec:
  type: colony
  profile:
    displayName: Payments Colony
    email: payments@example.com
    picture: "javascript:alert(1)"
  children: [team-a, team-b]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a, description: Ledgers}
spec: {type: squad, parent: payments, profile: {displayName: Team A}, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-b}
spec: {type: squad, parent: payments, profile: {displayName: Team B}, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: elsewhere}
spec: {type: squad, profile: {displayName: Elsewhere}, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada, description: Squad lead}
spec:
  profile: {displayName: Ada Lovelace, email: ada@example.com}
  memberOf: [team-a]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bob}
spec: {profile: {displayName: Bob Builder}, memberOf: [team-b]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: cleo, description: Colony lead}
spec:
  profile: {displayName: Cleo Colony, picture: "https://img.example/cleo.png"}
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: dan}
spec: {profile: {displayName: Dan Nobody}, memberOf: []}
"""

OWNED = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: ledger-api}
spec: {type: openapi, lifecycle: production, owner: team-a, definition: "{}"}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: checkout-web}
spec: {type: website, lifecycle: production, owner: team-b}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: money-lib}
spec: {type: library, lifecycle: production, owner: group:default/team-b}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: platform-lib}
spec: {type: library, lifecycle: production, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: payments-db}
spec: {type: database, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: other-svc}
spec: {type: service, lifecycle: production, owner: elsewhere}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ada-tool}
spec: {type: tool, lifecycle: experimental, owner: user:ada}
"""
