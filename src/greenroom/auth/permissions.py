"""Named actions, the resources they act on, and the policy that decides.

A domain declares each action once (the `permission_actions` hook) and checks
it in one line; the same decision hides the button in the UI and answers 403
with the reason in the API. A plugin can replace the policy
(`permission_policy` hook).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from greenroom.auth.identity import Identity

ResourceType = Literal["entity", "location"]


@dataclass(frozen=True)
class Action:
    name: str
    """`<domain>.<resource>.<verb>`: `catalog.entity.refresh`, `deadletter.redeliver`."""
    description: str
    resource_type: ResourceType | None = None
    """What the action is checked against; None for an action on the portal as a whole."""
    read: bool = False
    """Reading, not changing: allowed to anyone signed in by the default policy."""


@dataclass(frozen=True)
class Resource:
    """What an action is about, as far as the policy needs to know."""

    type: ResourceType
    ref: str
    """An entity ref, or `location:<id>`."""
    owner_refs: tuple[str, ...]
    """Who owns it: an entity's ownedBy targets; for a location, the owners of what it gave."""
    all_owners: bool = False
    """Whether acting on it needs every owner (removing a location removes all it gave)."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


class Policy(Protocol):
    """Decides whether an identity (None: not signed in) may do an action."""

    def decide(
        self, identity: Identity | None, action: Action, resource: Resource | None
    ) -> Decision: ...


def scope_allows(scopes: frozenset[str] | None, action: Action) -> bool:
    """Whether a token's scopes cover an action: `*`, `read`, a name or a `domain.*` prefix."""
    if scopes is None or "*" in scopes or action.name in scopes:
        return True
    if action.read and "read" in scopes:
        return True
    return any(scope.endswith(".*") and action.name.startswith(scope[:-1]) for scope in scopes)


def covered_by(scope: str, scopes: frozenset[str]) -> bool:
    """Whether a requested scope is no wider than what `scopes` already grant."""
    if "*" in scopes or scope in scopes:
        return True
    if scope == "*":
        return False
    prefix = scope[:-1] if scope.endswith(".*") else scope
    return any(s.endswith(".*") and prefix.startswith(s[:-1]) for s in scopes)
