"""The identity of a request: a principal, and the refs whose entities it owns.

Ownership refs are the user, the groups it is a member of and, as configured,
the groups below those (a colony lead owns what the colony's squads own) or
above them. The catalog's Owned filter, Your Squads and the permission policy
all read them, so "what is mine" means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session

from greenroom.catalog.query_repository import CatalogQueryRepository
from greenroom.catalog.service import CatalogService
from greenroom.settings import AuthSettings

if TYPE_CHECKING:
    from greenroom.auth.identity_cache import IdentityCache

IdentitySource = Literal["development", "token", "oidc", "proxy"]
MAX_GROUP_DEPTH = 10
MAX_OWNERSHIP_REFS = 1000


@dataclass(frozen=True)
class Identity:
    user_ref: str
    display_name: str
    email: str | None
    picture: str | None
    group_refs: tuple[str, ...]
    """The groups the user is a member of, directly."""
    source: IdentitySource
    related_group_refs: tuple[str, ...] = ()
    """Groups below (or above) the user's groups whose entities the user also owns."""
    scopes: frozenset[str] | None = None
    """What a token may do (action patterns); None for a signed-in person."""
    token_id: str | None = None

    @property
    def ownership_refs(self) -> tuple[str, ...]:
        return (self.user_ref, *self.group_refs, *self.related_group_refs)


def resolve_identity(
    session: Session,
    user_ref: str,
    source: IdentitySource,
    auth: AuthSettings | None = None,
    *,
    scopes: frozenset[str] | None = None,
    token_id: str | None = None,
    cache: IdentityCache | None = None,
) -> Identity | None:
    """The identity of a catalog User, or None when no such User exists (any more).

    A token's user need not be in the catalog (a bot account created by an
    operator); it then owns only what names it directly. With a `cache`, an
    identity is resolved once per catalog generation (see identity_cache.py).
    """
    if cache is not None:
        key = (
            user_ref,
            source,
            CatalogQueryRepository(session).generation(),
            auth.ownership_includes_child_groups if auth else None,
            auth.ownership_includes_parent_groups if auth else None,
        )
        found = cache.get_or_resolve(key, lambda: resolve_identity(session, user_ref, source, auth))
        return None if found is None else replace(found, scopes=scopes, token_id=token_id)
    [user] = CatalogService(session).by_refs([user_ref])
    if user is None or str(user.get("kind", "")).lower() != "user":
        if source != "token":
            return None
        name = user_ref.split("/", 1)[-1]
        return Identity(user_ref, name, None, None, (), source, (), scopes, token_id)
    identity = identity_of(user, source)
    related = _related_groups(session, identity.group_refs, auth) if auth else ()
    return replace(identity, related_group_refs=related, scopes=scopes, token_id=token_id)


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


def _related_groups(
    session: Session, groups: tuple[str, ...], auth: AuthSettings
) -> tuple[str, ...]:
    directions = []
    if auth.ownership_includes_child_groups:
        directions.append("parentof")  # a group is the parentOf the groups below it
    if auth.ownership_includes_parent_groups:
        directions.append("childof")
    if not directions or not groups:
        return ()
    repository = CatalogQueryRepository(session)
    found: set[str] = set()
    for direction in directions:
        frontier: set[str] = set(groups)
        seen = set(groups)
        for _ in range(MAX_GROUP_DEPTH):
            next_level = repository.neighbour_groups(sorted(frontier), direction) - seen
            if not next_level or len(found) >= MAX_OWNERSHIP_REFS:
                break
            seen |= next_level
            found |= next_level
            frontier = next_level
    return tuple(sorted(found))[:MAX_OWNERSHIP_REFS]
