"""`/api/auth`: who am I, and access tokens for the CLI and automation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from greenroom.auth.authorization import AuthorizerDep, resource_permission
from greenroom.auth.schemas import TokenCreated, TokenCreateRequest, TokenInfo, WhoAmI
from greenroom.auth.token_service import TokenRules
from greenroom.errors import NotAuthenticatedError
from greenroom.request_scope import RuntimeDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.get("/whoami", response_model=WhoAmI)
def whoami(authorizer: AuthorizerDep) -> WhoAmI:
    """The caller's identity, in the shape of Backstage's identity API."""
    identity = authorizer.identity
    if identity is None:
        raise NotAuthenticatedError("Not signed in: send a session cookie or a bearer token.")
    return WhoAmI(
        userEntityRef=identity.user_ref,
        ownershipEntityRefs=list(identity.ownership_refs),
        source=identity.source,
        displayName=identity.display_name,
        scopes=sorted(identity.scopes) if identity.scopes is not None else None,
    )


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(
    authorizer: AuthorizerDep, all_: Annotated[bool, Query(alias="all")] = False
) -> list[TokenInfo]:
    """Your tokens; every token with `all=true` (admins)."""
    return [
        TokenInfo.of(row)
        for row in TokenRules(authorizer.session, authorizer).visible(everyone=all_)
    ]


@router.post(
    "/tokens", status_code=201, response_model=TokenCreated, dependencies=[resource_permission()]
)
def create_token(
    runtime: RuntimeDep, authorizer: AuthorizerDep, body: TokenCreateRequest
) -> TokenCreated:
    """Create a token; the response holds it once, and only its hash is kept."""
    with runtime.database.transaction(write=True) as session:
        issued = TokenRules(session, authorizer).create(
            name=body.name, scopes=body.scopes, days=body.expires_in_days, user_ref=body.user_ref
        )
        info = TokenInfo.of(issued.row)
    return TokenCreated(**info.model_dump(), token=issued.token)


@router.delete("/tokens/{token_id}", status_code=204, dependencies=[resource_permission()])
def revoke_token(runtime: RuntimeDep, authorizer: AuthorizerDep, token_id: str) -> Response:
    """Revoke a token: it stops working on its next request."""
    with runtime.database.transaction(write=True) as session:
        TokenRules(session, authorizer).revoke(token_id)
    return Response(status_code=204)
