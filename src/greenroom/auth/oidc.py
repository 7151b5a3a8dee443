"""OpenID Connect sign-in: the authorization code flow with PKCE, through authlib.

`/auth/oidc/<name>/login` sends the browser to the provider with a fresh state,
nonce and PKCE (S256) verifier, all kept in the signed session cookie; the
provider sends it back to `/auth/oidc/<name>/callback`, where the code is
exchanged, the ID token checked (signature against the provider's JWKS, iss,
aud, exp, nonce) and its claims matched to a catalog User by the provider's
sign-in resolver. Every way this can fail ends on a page that says what to do.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from starlette.concurrency import run_in_threadpool

from greenroom.auth.authlib_client import MismatchingStateError, OAuth, OAuthError
from greenroom.auth.rate_limit import sign_in_limiter
from greenroom.auth.resolvers import SignInRefused, resolve_user
from greenroom.auth.sessions import start_session
from greenroom.errors import GreenroomError, NotFoundError
from greenroom.settings import OidcProviderSetting, Settings
from greenroom.web.page import render_page
from greenroom.web.views import local_path

log = logging.getLogger(__name__)
# authlib logs the PKCE verifier at DEBUG; a portal run with log_level=DEBUG must not.
logging.getLogger("authlib").setLevel(logging.INFO)
router = APIRouter(prefix="/auth/oidc", include_in_schema=False)

NEXT_KEY = "oidc_next"
PROVIDER_TIMEOUT_SECONDS = 10.0
CLOCK_SKEW_SECONDS = 60
"""Leeway on exp/iat/nbf: clocks drift, but an expired token must still be refused."""


class SignInFailed(GreenroomError):  # noqa: N818 - reads as what happened
    """The sign-in could not be completed or trusted; the message says what to do."""

    name = "SignInFailed"

    def __init__(self, message: str, *, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@router.get("/{name}/login")
async def login(
    request: Request,
    name: str,
    next_: Annotated[str, Query(alias="next", max_length=2000)] = "/catalog",
) -> Response:
    """Send the browser to the provider's authorization endpoint."""
    sign_in_limiter(request).check(request)
    provider, client = _provider(request, name)
    settings: Settings = request.app.state.settings
    # The redirect URI comes from the configured base URL, never the Host header,
    # which the client controls and the provider must see exactly as registered.
    redirect_uri = f"{settings.resolved_base_url}/auth/oidc/{provider.name}/callback"
    try:
        await _trusted_metadata(provider, client)
        response: Response = await client.authorize_redirect(request, redirect_uri)
    except SignInFailed as failure:
        return _problem_page(request, provider, failure)
    except (httpx.HTTPError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        return _problem_page(request, provider, _unreachable(provider, exc))
    request.session[NEXT_KEY] = local_path(next_)
    return response


@router.get("/{name}/callback")
async def callback(request: Request, name: str) -> Response:
    """Finish the sign-in: exchange the code, verify the ID token, find the User."""
    sign_in_limiter(request).check(request)
    provider, client = _provider(request, name)
    next_path = local_path(str(request.session.pop(NEXT_KEY, "/catalog")))
    try:
        claims = await _verified_claims(request, provider, client)
        user_ref = await run_in_threadpool(_resolve, request, provider, claims)
    except (SignInFailed, SignInRefused) as problem:
        return _problem_page(request, provider, problem)
    start_session(request, user_ref, "oidc")
    log.info("signed in %s with OpenID Connect provider %s", user_ref, provider.name)
    return RedirectResponse(next_path, status_code=303)


def _provider(request: Request, name: str) -> tuple[OidcProviderSetting, Any]:
    settings: Settings = request.app.state.settings
    for provider in settings.auth.oidc:
        if provider.name == name:
            return provider, _registry(request).create_client(name)
    raise NotFoundError(f"This portal has no sign-in provider named {name!r}.")


def _registry(request: Request) -> Any:
    """The process's authlib registry; it caches each provider's metadata and keys."""
    runtime = request.app.state.runtime
    return runtime.service("auth.oidc", lambda rt: _register(rt.settings))


def _register(settings: Settings) -> Any:
    oauth = OAuth()
    for provider in settings.auth.oidc:
        # Without `openid` there is no ID token (and authlib sends no nonce).
        scopes = provider.scopes if "openid" in provider.scopes else ["openid", *provider.scopes]
        oauth.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret.get_secret_value(),
            server_metadata_url=f"{provider.issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={
                "scope": " ".join(scopes),
                "code_challenge_method": "S256",
                "timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
    return oauth


async def _trusted_metadata(provider: OidcProviderSetting, client: Any) -> dict[str, Any]:
    """The provider's discovery document, refused unless it names the configured issuer."""
    metadata: dict[str, Any] = await client.load_server_metadata()
    # OpenID Connect Discovery 4.3: a document for another issuer could carry its keys.
    issuer = metadata.get("issuer")
    if not isinstance(issuer, str) or issuer.rstrip("/") != provider.issuer.rstrip("/"):
        raise SignInFailed(
            f"The sign-in provider at {provider.issuer} says its issuer is {issuer!r}. "
            "Ask the portal's operators to set the provider's issuer exactly.",
            status_code=502,
        )
    return metadata


async def _verified_claims(
    request: Request, provider: OidcProviderSetting, client: Any
) -> dict[str, Any]:
    title = provider.title or provider.name
    try:
        metadata = await _trusted_metadata(provider, client)
        token = await client.authorize_access_token(
            request,
            leeway=CLOCK_SKEW_SECONDS,
            # authlib checks aud only through azp; OpenID Connect requires our client id in it.
            claims_options={
                "iss": {"essential": True, "value": metadata["issuer"]},
                "aud": {"essential": True, "value": provider.client_id},
            },
        )
    except MismatchingStateError as exc:
        raise SignInFailed(
            "This sign-in did not start in this browser, or it was already used. "
            "Start again from the sign-in link."
        ) from exc
    except OAuthError as exc:
        said = f"{exc.error}: {exc.description}" if exc.description else str(exc.error)
        raise SignInFailed(f"{title} did not sign you in ({said}).") from exc
    except ExpiredTokenError as exc:
        raise SignInFailed(
            f"The ID token from {title} had already expired. Sign in again; if this keeps "
            "happening, the clocks of the portal and the provider disagree."
        ) from exc
    except ClaimError as exc:
        if exc.claim == "nonce":
            raise SignInFailed(
                f"The ID token from {title} was not issued for this sign-in (its nonce does "
                "not match), so it may be replayed. Start again from the sign-in link."
            ) from exc
        raise SignInFailed(
            f"The ID token from {title} has a missing or wrong {exc.claim!r} claim; "
            "ask the portal's operators to check the provider's client settings."
        ) from exc
    except JoseError as exc:
        raise SignInFailed(
            f"The ID token from {title} could not be verified against its published keys "
            f"({exc.error})."
        ) from exc
    except (httpx.HTTPError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise _unreachable(provider, exc) from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailed(
            f"{title} returned no ID token; check its `openid` scope.", status_code=502
        )
    return dict(claims)


def _resolve(request: Request, provider: OidcProviderSetting, claims: dict[str, Any]) -> str:
    """The catalog User the claims name (runs in a worker thread: the database is sync)."""
    if provider.resolver.type == "email" and claims.get("email_verified") in (False, "false"):
        # Anyone could otherwise type a colleague's address into their profile.
        raise SignInRefused(
            f"{provider.title or provider.name} has not verified your e-mail "
            f"{claims.get('email')}; verify it there, then sign in again."
        )
    with request.app.state.runtime.database.transaction() as session:
        return resolve_user(session, provider.resolver, claims)


def _unreachable(provider: OidcProviderSetting, exc: Exception) -> SignInFailed:
    # The exception says which URL failed and how; request bodies (codes) are not in it.
    log.warning(
        "OpenID Connect provider %s at %s failed: %s: %s",
        provider.name,
        provider.issuer,
        type(exc).__name__,
        exc,
    )
    return SignInFailed(
        f"The sign-in provider {provider.title or provider.name} could not be reached or "
        "gave an answer greenroom cannot use. Try again in a minute; if it persists, "
        "tell the portal's operators.",
        status_code=502,
    )


def _problem_page(
    request: Request, provider: OidcProviderSetting, problem: GreenroomError
) -> HTMLResponse:
    log.warning(
        "sign-in with OpenID Connect provider %s refused (%d): %s",
        provider.name,
        problem.status_code,
        problem.message,
    )
    refused = isinstance(problem, SignInRefused)
    return render_page(
        request,
        "auth/sign_in_refused.html" if refused else "auth/sign_in_failed.html",
        {
            "status": problem.status_code,
            "message": problem.message,
            "provider_title": provider.title or provider.name,
            "login_url": f"/auth/oidc/{provider.name}/login",
        },
        None,
        status_code=problem.status_code,
    )
