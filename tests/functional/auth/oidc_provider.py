"""A minimal OpenID Connect provider, served over real HTTP for the sign-in tests.

It speaks the authorization code flow with PKCE as the big providers do:
discovery, a JWKS with one RSA key, `/authorize` (which signs in whoever the
test put in `next_login` without asking, and redirects back with a code) and
`/token` (which checks the client's secret, the redirect URI and the PKCE
verifier before returning an RS256 ID token). A test changes `next_login` to
make the next ID token lie: another nonce, an `exp` in the past, another key.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "greenroom-portal"
CLIENT_SECRET = "provider-test-secret"
STARTUP_TIMEOUT_SECONDS = 10.0


@dataclass
class Login:
    """Who the provider signs in next, and how the ID token it issues is made."""

    sub: str = "ada-subject"
    email: str | None = "ada@example.com"
    email_verified: bool | None = True
    nonce: str | None = None
    """The ID token's nonce; None echoes the one the authorization request sent."""
    expires_in: int = 300
    """Seconds until the ID token expires; negative for one that already has."""
    audience: str = CLIENT_ID
    foreign_key: bool = False
    """Sign with a key that is not in the JWKS (a forged token)."""


@dataclass
class Grant:
    login: Login
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str


@dataclass
class OidcProvider:
    key: RSAKey
    foreign_key: RSAKey
    issuer: str = ""
    next_login: Login = field(default_factory=Login)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_refusals: list[str] = field(default_factory=list)
    """Why `/token` refused each request it refused, for the test to show."""
    grants: dict[str, Grant] = field(default_factory=dict)

    def reset(self) -> None:
        self.next_login = Login()
        self.authorize_requests.clear()
        self.token_requests.clear()
        self.token_refusals.clear()
        self.grants.clear()

    def setting(self, name: str = "test", **overrides: Any) -> dict[str, Any]:
        """An `auth.oidc` entry for a portal that signs in with this provider."""
        return {
            "name": name,
            "title": "Test Identity",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            **overrides,
        }

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks", self._jwks),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
            ]
        )

    async def _discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def _authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        redirect_uri = params.get("redirect_uri", "")
        problem = None
        if params.get("client_id") != CLIENT_ID or not redirect_uri:
            return JSONResponse({"error": "invalid_client"}, status_code=400)
        if params.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            problem = "invalid_request"  # this provider insists on PKCE, as OAuth 2.1 does
        if problem:
            query = {"error": problem, "state": params.get("state", "")}
            return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            login=self.next_login,
            client_id=params["client_id"],
            redirect_uri=redirect_uri,
            nonce=params.get("nonce"),
            code_challenge=params["code_challenge"],
            code_challenge_method=params["code_challenge_method"],
        )
        query = {"code": code, "state": params.get("state", "")}
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    async def _token(self, request: Request) -> Response:
        form = {key: str(value) for key, value in (await request.form()).items()}
        self.token_requests.append(form)
        client_id, client_secret = _client_credentials(request, form)
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return self._refuse("invalid_client", "wrong client credentials", 401)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._refuse("invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._refuse("invalid_grant", "redirect_uri differs from /authorize's")
        if pkce_challenge(form.get("code_verifier", "")) != grant.code_challenge:
            return self._refuse("invalid_grant", "the PKCE code_verifier does not match")
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            }
        )

    def _refuse(self, error: str, why: str, status: int = 400) -> Response:
        self.token_refusals.append(why)
        return JSONResponse({"error": error, "error_description": why}, status_code=status)

    def _id_token(self, grant: Grant) -> str:
        login = grant.login
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": login.sub,
            "aud": login.audience,
            "iat": min(now, now + login.expires_in - 60),
            "exp": now + login.expires_in,
            "nonce": login.nonce if login.nonce is not None else grant.nonce,
            "name": "Signed-in Person",
        }
        if login.email is not None:
            claims["email"] = login.email
        if login.email_verified is not None:
            claims["email_verified"] = login.email_verified
        key = self.foreign_key if login.foreign_key else self.key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)


def pkce_challenge(verifier: str) -> str:
    """RFC 7636's S256: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        decoded = base64.b64decode(header[6:]).decode("utf-8")
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True
    )


@contextmanager
def serve_provider() -> Iterator[OidcProvider]:
    """A provider listening on a free 127.0.0.1 port until the block ends."""
    provider = OidcProvider(key=_signing_key("test-key"), foreign_key=_signing_key("test-key"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    provider.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(provider.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="oidc-provider", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the test OpenID Connect provider did not start")
        time.sleep(0.01)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
