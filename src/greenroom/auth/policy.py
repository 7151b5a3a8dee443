"""The default permission policy: read when signed in, change what your groups own.

- Anyone signed in may read; requests that are not signed in may read only when
  `auth.public_read` is on, and may never change anything.
- Members of `auth.admin_groups` (and `auth.admin_users`) may do anything.
- A state-changing action on a resource is allowed to its owners, through the
  identity's ownership refs (the user, its groups, and the groups below them).
- A state-changing action on the portal as a whole (register a location) is
  allowed to anyone signed in; the ones marked admin-only need an admin.
- A token never does more than its scopes allow.
"""

from __future__ import annotations

from greenroom.auth.identity import Identity
from greenroom.auth.permissions import Action, Decision, Resource, scope_allows
from greenroom.settings import AuthSettings

ADMIN_ONLY_ACTIONS = frozenset({"catalog.refresh.all", "audit.read", "auth.token.manage"})
"""Actions on everything at once, or on other people's credentials and history."""


class DefaultPolicy:
    def __init__(self, settings: AuthSettings) -> None:
        self.public_read = settings.public_read
        self.admin_groups = frozenset(ref.lower() for ref in settings.admin_groups)
        self.admin_users = frozenset(ref.lower() for ref in settings.admin_users)

    def is_admin(self, identity: Identity | None) -> bool:
        if identity is None:
            return False
        return identity.user_ref in self.admin_users or bool(
            self.admin_groups.intersection(identity.group_refs)
        )

    def decide(
        self, identity: Identity | None, action: Action, resource: Resource | None
    ) -> Decision:
        if identity is None:
            if action.read and self.public_read and action.name not in ADMIN_ONLY_ACTIONS:
                return Decision(True, "public read is on")
            return Decision(False, f"Sign in to {_verb(action)}.")
        if not scope_allows(identity.scopes, action):
            return Decision(False, f"This token's scopes do not include {action.name}.")
        if self.is_admin(identity):
            return Decision(True, "an admin")
        if action.name in ADMIN_ONLY_ACTIONS:
            return Decision(False, f"Only admins may {_verb(action)}.")
        if action.read:
            return Decision(True, "signed in")
        if resource is None:
            return Decision(True, "signed in")
        owners = set(resource.owner_refs)
        if not owners:
            return Decision(False, f"{resource.ref} has no owner; only admins may change it.")
        mine = owners.intersection(identity.ownership_refs)
        if mine == owners or (mine and not resource.all_owners):
            return Decision(True, "an owner")
        return Decision(
            False,
            f"{identity.user_ref} may not {_verb(action)} {resource.ref}: it is owned by "
            f"{', '.join(sorted(owners))}, and only its owners and admins may.",
        )


def _verb(action: Action) -> str:
    return action.description[0].lower() + action.description[1:]
