"""Who is asking: a bearer token, a trusted proxy's header, or a browser session.

Every route, HTML or JSON, accepts either a session cookie or
`Authorization: Bearer <token>`. The answer is kept on `request.state` so the
permission checks, the pages and the audit log all see the same identity.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from sqlalchemy.orm import Session
from starlette.requests import Request

from greenroom.auth.identity import Identity, resolve_identity
from greenroom.auth.identity_cache import identity_cache
from greenroom.auth.rate_limit import sign_in_limiter
from greenroom.auth.resolvers import resolve_user
from greenroom.auth.sessions import session_user
from greenroom.auth.tokens import TokenService
from greenroom.errors import NotAuthenticatedError
from greenroom.settings import ProxyAuthSetting, Settings

STATE_KEY = "identity"


def request_identity(request: Request, session: Session) -> Identity | None:
    """The request's identity (None: not signed in), resolved once per request."""
    if hasattr(request.state, STATE_KEY):
        cached: Identity | None = getattr(request.state, STATE_KEY)
        return cached
    identity = _identify(request, session)
    setattr(request.state, STATE_KEY, identity)
    return identity


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise NotAuthenticatedError("Send a token as `Authorization: Bearer <token>`.")
    return credentials.strip()


def _identify(request: Request, session: Session) -> Identity | None:
    settings: Settings = request.app.state.settings
    cache = identity_cache(request.app.state.runtime)
    token = bearer_token(request)
    if token is not None:
        row = TokenService(session).authenticate(token)
        if row is None:
            sign_in_limiter(request).check(request)  # guessing tokens counts as signing in
            raise NotAuthenticatedError("The token is not valid: unknown, expired or revoked.")
        if TokenService.stale(row):
            # Its own short write: the request's session only reads, and on SQLite a
            # write there would hold the lock the route's own writes then wait for.
            with request.app.state.runtime.database.transaction(write=True) as writer:
                TokenService(writer).note_use(row)
        return resolve_identity(
            session,
            row.user_ref,
            "token",
            settings.auth,
            scopes=frozenset(row.scopes),
            token_id=row.id,
            cache=cache,
        )
    proxy = settings.auth.proxy
    if proxy.enabled and _from_trusted_proxy(request, proxy):
        value = request.headers.get(proxy.header)
        if value:
            return resolve_identity(
                session, _proxy_user(session, proxy, value), "proxy", settings.auth, cache=cache
            )
    signed_in = session_user(request, settings.auth.session_hours * 3600)
    if signed_in is None:
        return None
    if signed_in.source == "development" and not settings.development_identity_enabled:
        return None
    return resolve_identity(
        session, signed_in.user_ref, signed_in.source, settings.auth, cache=cache
    )


def _proxy_user(session: Session, proxy: ProxyAuthSetting, value: str) -> str:
    resolver = proxy.resolver
    if resolver.type == "annotation":
        # The header is the claim (the setting's `claim` is ignored); naming it after the
        # header makes a refusal name the annotation, not an e-mail nobody sent.
        resolver = resolver.model_copy(update={"claim": proxy.header})
    return resolve_user(session, resolver, {resolver.claim: value})


def _from_trusted_proxy(request: Request, proxy: ProxyAuthSetting) -> bool:
    if request.client is None:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(proxy.trusted_addresses)))


@cache
def _networks(
    addresses: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)
