"""Sign-in resolvers: from what a provider says about a person to a catalog User.

By default the e-mail (an ID token's `email` claim, a proxy's header) is matched
against `spec.profile.email`; a company whose e-mails are not unique or not in
the catalog matches a stable claim (`sub`) against an annotation instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from greenroom.catalog.filters import MAX_VALUE_LENGTH
from greenroom.catalog.service import CatalogService
from greenroom.errors import NotAllowedError
from greenroom.settings import SignInResolverSetting


class SignInRefused(NotAllowedError):  # noqa: N818 - reads as what happened
    """The provider vouched for the person, but the catalog does not know them."""

    name = "SignInRefused"


def resolve_user(
    session: Session, resolver: SignInResolverSetting, claims: Mapping[str, Any]
) -> str:
    """The ref of the one catalog User the claims identify; SignInRefused says why not."""
    if resolver.type == "email":
        claim, key = "email", "spec.profile.email"
    else:
        if not resolver.annotation:
            raise SignInRefused("The sign-in resolver names no annotation to match.")
        claim, key = resolver.claim, f"metadata.annotations.{resolver.annotation}"
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        raise SignInRefused(
            f"Your sign-in did not include {claim!r}, which this portal uses to find you "
            "in its catalog. Ask the portal's operators to check the provider's scopes."
        )
    value = value.strip()
    if "," in value or len(value) > MAX_VALUE_LENGTH:
        raise SignInRefused(f"The {claim} {value[:80]!r} cannot identify a catalog User.")
    found = CatalogService(session).query(filters=[f"kind=user,{key}={value}"], limit=2)
    users = found["items"]
    if not users:
        wanted = (
            "that e-mail (spec.profile.email)" if resolver.type == "email" else f"{key} = {value}"
        )
        raise SignInRefused(
            f"You signed in as {value}, but no User in the catalog has {wanted}. "
            "Ask your team to add you to the catalog, then sign in again."
        )
    if len(users) > 1:
        raise SignInRefused(
            f"Several catalog Users match {claim} {value}; the portal cannot tell which is you. "
            "Ask the portal's operators to make it unique."
        )
    metadata = users[0]["metadata"]
    return f"user:{metadata.get('namespace') or 'default'}/{metadata['name']}".lower()
