"""OpenID Connect sign-in against a real provider served over HTTP in the test.

The browser is played by hand: the portal's cookie-only `browser` client for the
portal, httpx for the provider, following each redirect ourselves so every hop is visible.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.functional.auth.oidc_provider import (
    CLIENT_SECRET,
    Login,
    OidcProvider,
    pkce_challenge,
    serve_provider,
)
from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory, write

HTML = {"Accept": "text/html"}
GRACE = """\
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: grace
  annotations: {example.com/oidc-subject: grace-subject}
spec: {profile: {displayName: Grace Hopper}, memberOf: []}
"""
SUBJECT_RESOLVER = {"type": "annotation", "claim": "sub", "annotation": "example.com/oidc-subject"}


@pytest.fixture(scope="module")
def running_provider() -> Iterator[OidcProvider]:
    with serve_provider() as provider:
        yield provider


@pytest.fixture
def provider(running_provider: OidcProvider) -> OidcProvider:
    running_provider.reset()
    return running_provider


def people_portal(
    make_portal: PortalFactory,
    tmp_path: Path,
    provider: OidcProvider,
    setting: dict[str, Any] | None = None,
    **auth: Any,
) -> Portal:
    """A portal whose catalog has Ada (by e-mail) and Grace (by annotation)."""
    org = write_org(tmp_path / "org")
    people = write(tmp_path / "people" / "grace.yaml", GRACE)
    portal = make_portal(
        [{"type": "file", "target": str(org)}, {"type": "file", "target": str(people)}],
        auth={"oidc": [setting or provider.setting()], **auth},
    )
    portal.refresh_all()
    return portal


def start(portal: Portal, next_: str = "/settings", name: str = "test") -> httpx.Response:
    return portal.browser.get(
        f"/auth/oidc/{name}/login", params={"next": next_}, headers=HTML, follow_redirects=False
    )


def at_provider(login: httpx.Response) -> httpx.URL:
    """The browser at the provider: where its redirect back to the portal points."""
    assert login.status_code == 302, login.text
    answer = httpx.get(login.headers["location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return httpx.URL(answer.headers["location"])


def back_at_portal(portal: Portal, url: httpx.URL) -> httpx.Response:
    return portal.browser.get(url.raw_path.decode(), headers=HTML, follow_redirects=False)


def sign_in(portal: Portal, next_: str = "/settings") -> httpx.Response:
    return back_at_portal(portal, at_provider(start(portal, next_)))


def signed_in_as(portal: Portal) -> str | None:
    html = portal.page("/settings").text
    if "You are not signed in." in html:
        return None
    assert "Signed in as" in html
    return html


def test_a_person_in_the_catalog_signs_in_by_e_mail(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    token_before = portal.csrf()
    done = sign_in(portal, next_="/settings")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/settings"
    settings = signed_in_as(portal)
    assert settings is not None
    assert "Ada Lovelace" in settings
    assert "<code>user:default/ada</code>" in settings
    # A session (and its CSRF token) from before sign-in never carries over.
    assert portal.csrf() != token_before


def test_the_flow_uses_pkce_s256_a_nonce_and_the_configured_redirect_uri(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    assert sign_in(portal).status_code == 303
    [asked] = provider.authorize_requests
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    assert "openid" in asked["scope"].split()
    assert asked["nonce"]
    assert asked["state"]
    base_url = portal.runtime.settings.resolved_base_url
    assert asked["redirect_uri"] == f"{base_url}/auth/oidc/test/callback"
    [exchanged] = provider.token_requests
    verifier = exchanged["code_verifier"]
    assert pkce_challenge(verifier) == asked["code_challenge"]
    assert verifier not in str(asked)  # only its hash travels through the browser
    assert exchanged["redirect_uri"] == asked["redirect_uri"]
    assert provider.token_refusals == []


def test_the_redirect_uri_ignores_the_host_header(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    login = portal.browser.get(
        "/auth/oidc/test/login", headers={**HTML, "Host": "evil.example"}, follow_redirects=False
    )
    assert login.status_code == 302
    redirect_uri = httpx.URL(login.headers["location"]).params["redirect_uri"]
    assert redirect_uri.startswith(portal.runtime.settings.resolved_base_url + "/")


def test_a_person_missing_from_the_catalog_gets_a_page_saying_why(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    provider.next_login = Login(sub="nobody-subject", email="nobody@example.com")
    refused = sign_in(portal)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "nobody@example.com" in refused.text
    assert "no User in the catalog" in refused.text
    assert "Ask your team to add" in refused.text
    assert 'href="/auth/oidc/test/login"' in refused.text
    assert signed_in_as(portal) is None


def test_an_unverified_e_mail_is_not_trusted(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    provider.next_login = Login(email_verified=False)
    refused = sign_in(portal)
    assert refused.status_code == 403
    assert "has not verified your e-mail ada@example.com" in refused.text
    assert signed_in_as(portal) is None


def test_the_annotation_resolver_matches_a_claim_to_an_annotation(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    setting = provider.setting(resolver=SUBJECT_RESOLVER)
    portal = people_portal(make_portal, tmp_path, provider, setting)
    provider.next_login = Login(sub="grace-subject", email=None)
    assert sign_in(portal).status_code == 303
    settings = signed_in_as(portal)
    assert settings is not None
    assert "Grace Hopper" in settings
    # Ada's e-mail means nothing to this resolver: only the subject counts.
    provider.next_login = Login(sub="ada-subject", email="ada@example.com")
    refused = sign_in(portal)
    assert refused.status_code == 403
    assert "metadata.annotations.example.com/oidc-subject = ada-subject" in refused.text


@pytest.mark.parametrize("tamper", ["forged", "missing", "other browser"])
def test_a_callback_whose_state_this_browser_did_not_start_is_refused(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider, tamper: str
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    back = at_provider(start(portal))
    if tamper == "forged":
        back = back.copy_set_param("state", "forged-state")
    elif tamper == "missing":
        back = back.copy_remove_param("state")
    else:
        portal.browser.cookies.clear()  # login CSRF: an attacker's code in a victim's browser
    refused = back_at_portal(portal, back)
    assert refused.status_code == 400
    assert "did not start in this browser" in refused.text
    assert provider.token_requests == []  # the code was never redeemed
    assert signed_in_as(portal) is None


def test_a_callback_cannot_be_replayed(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    back = at_provider(start(portal))
    assert back_at_portal(portal, back).status_code == 303
    replayed = back_at_portal(portal, back)
    assert replayed.status_code == 400
    assert "already used" in replayed.text


def test_an_id_token_with_another_nonce_is_refused(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    provider.next_login = Login(nonce="a-nonce-from-another-sign-in")
    refused = sign_in(portal)
    assert refused.status_code == 400
    assert "nonce does not match" in refused.text
    assert signed_in_as(portal) is None


def test_an_expired_id_token_is_refused(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    provider.next_login = Login(expires_in=-3600)
    refused = sign_in(portal)
    assert refused.status_code == 400
    assert "had already expired" in refused.text
    assert signed_in_as(portal) is None


@pytest.mark.parametrize(
    ("login", "says"),
    [
        (Login(foreign_key=True), "could not be verified against its published keys"),
        (Login(audience="another-client"), "wrong &#39;aud&#39; claim"),
    ],
)
def test_an_id_token_that_is_forged_or_for_another_client_is_refused(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider, login: Login, says: str
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    provider.next_login = login
    refused = sign_in(portal)
    assert refused.status_code == 400
    assert says in refused.text
    assert signed_in_as(portal) is None


def test_the_provider_refusing_the_code_or_the_person_gives_a_page(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    back = at_provider(start(portal))
    provider.grants.clear()  # the code expired at the provider before the browser came back
    refused = back_at_portal(portal, back)
    assert refused.status_code == 400
    assert "did not sign you in (invalid_grant" in refused.text
    denied_url = at_provider(start(portal)).copy_remove_param("code")
    denied_url = denied_url.copy_merge_params({"error": "access_denied"})
    denied = back_at_portal(portal, denied_url)
    assert denied.status_code == 400
    assert "did not sign you in (access_denied)" in denied.text
    assert signed_in_as(portal) is None


def test_next_never_leaves_the_portal(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        done = sign_in(portal, next_=target)
        assert done.status_code == 303
        assert done.headers["location"] == "/"
    assert sign_in(portal, next_="/catalog?kind=api").headers["location"] == "/catalog?kind=api"


def test_an_unknown_provider_is_not_found(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    for url in ("/auth/oidc/nope/login", "/auth/oidc/nope/callback?code=x&state=y"):
        missing = portal.page(url)
        assert missing.status_code == 404
        assert "no sign-in provider named &#39;nope&#39;" in missing.text


def test_an_unreachable_provider_gives_a_page_not_a_500(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    with socket.socket() as sock:  # a port nobody listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    portal = people_portal(make_portal, tmp_path, provider, provider.setting(issuer=closed))
    failed = start(portal)
    assert failed.status_code == 502
    assert "could not be reached" in failed.text
    assert 'href="/auth/oidc/test/login"' in failed.text


def test_a_discovery_document_for_another_issuer_is_refused(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    # The same server under another name: its document names 127.0.0.1, not localhost.
    other_name = provider.issuer.replace("127.0.0.1", "localhost")
    portal = people_portal(make_portal, tmp_path, provider, provider.setting(issuer=other_name))
    failed = start(portal)
    assert failed.status_code == 502
    assert f"says its issuer is &#39;{provider.issuer}&#39;" in failed.text


def test_sign_in_attempts_are_rate_limited(
    make_portal: PortalFactory, tmp_path: Path, provider: OidcProvider
) -> None:
    portal = people_portal(make_portal, tmp_path, provider, sign_in_attempts_per_minute=3)
    for _ in range(3):
        assert start(portal).status_code == 302
    limited = start(portal)
    assert limited.status_code == 429
    assert "Too many sign-in attempts" in limited.text
    assert portal.page("/auth/oidc/test/callback?code=x&state=y").status_code == 429


def test_logs_never_carry_codes_or_tokens(
    make_portal: PortalFactory,
    tmp_path: Path,
    provider: OidcProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    portal = people_portal(make_portal, tmp_path, provider)
    caplog.set_level(logging.DEBUG)
    assert sign_in(portal).status_code == 303
    provider.next_login = Login(expires_in=-3600)
    assert sign_in(portal).status_code == 400
    # The test's own HTTP clients log the callback URLs they fetch; the portal must not.
    portal_log = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("greenroom", "authlib"))
    )
    assert "had already expired" in portal_log  # the refusal is logged...
    secrets = [CLIENT_SECRET]
    for exchange in provider.token_requests:
        secrets += [exchange["code"], exchange["code_verifier"]]
    for secret in secrets:  # ...but nothing that could sign anyone in
        assert secret not in portal_log
