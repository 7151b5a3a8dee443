"""The identity of a request: a catalog User and the refs whose entities it owns.

Ownership refs are the user and the groups it is a member of; the catalog's
Owned filter, Your Squads and (later) the permission policy all read them, so
"what is mine" means the same thing on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from greenroom.catalog.service import CatalogService

IdentitySource = Literal["development", "token", "oidc", "proxy"]


@dataclass(frozen=True)
class Identity:
    user_ref: str
    display_name: str
    email: str | None
    picture: str | None
    group_refs: tuple[str, ...]
    """The groups the user is a member of, directly."""
    source: IdentitySource

    @property
    def ownership_refs(self) -> tuple[str, ...]:
        return (self.user_ref, *self.group_refs)


def resolve_identity(session: Session, user_ref: str, source: IdentitySource) -> Identity | None:
    """The identity of a catalog User, or None when no such User exists (any more)."""
    [user] = CatalogService(session).by_refs([user_ref])
    if user is None or user.get("kind", "").lower() != "user":
        return None
    return identity_of(user, source)


def identity_of(user: dict[str, Any], source: IdentitySource) -> Identity:
    metadata = user.get("metadata") or {}
    profile = (user.get("spec") or {}).get("profile") or {}
    groups = sorted(
        {
            relation["targetRef"]
            for relation in user.get("relations") or []
            if relation.get("type") == "memberOf"
        }
    )
    namespace = metadata.get("namespace") or "default"
    return Identity(
        user_ref=f"user:{namespace}/{metadata.get('name', '')}".lower(),
        display_name=str(profile.get("displayName") or metadata.get("title") or metadata["name"]),
        email=profile.get("email"),
        picture=profile.get("picture"),
        group_refs=tuple(groups),
        source=source,
    )
