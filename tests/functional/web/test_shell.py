"""The portal's frame: sign-in as a development identity, settings, stars, search, errors."""

from __future__ import annotations

from pathlib import Path

from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory


def org_portal(make_portal: PortalFactory, tmp_path: Path, **settings: object) -> Portal:
    root = write_org(tmp_path / "org")
    portal = make_portal([{"type": "file", "target": str(root)}], **settings)
    portal.refresh_all()
    return portal


def test_the_home_page_is_the_catalog(make_portal: PortalFactory) -> None:
    response = make_portal().client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/catalog"


def test_pages_have_the_frame_and_mark_the_current_section(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path)
    html = portal.page("/catalog").text
    assert '<a class="skip-link" href="#main">' in html
    for title in ("Catalog", "Docs", "APIs", "Create…", "Settings", "Feedback &amp; Support"):
        assert f"<span>{title}</span>" in html
    assert '<a href="/catalog" aria-current="page">' in html
    assert 'role="search"' in html
    assert "Development identity." in html


def test_an_unknown_page_is_an_html_404_and_an_unknown_api_route_stays_json(
    make_portal: PortalFactory,
) -> None:
    portal = make_portal()
    page = portal.page("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text
    api = portal.client.get("/api/catalog/nothing-here", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.json()["error"]["name"] == "NotFoundError"


def test_an_unknown_entity_is_a_404_page(make_portal: PortalFactory) -> None:
    page = make_portal().page("/catalog/default/component/ghost")
    assert page.status_code == 404
    assert "No entity named &#39;ghost&#39;" in page.text


def test_choosing_a_development_identity_shows_who_you_are(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path)
    chooser = portal.page("/auth/development").text
    assert "Ada Lovelace" in chooser
    assert "team-a" in chooser  # the groups each user is in
    portal.sign_in("user:default/ada")
    settings = portal.page("/settings").text
    assert "Ada Lovelace" in settings
    assert "<code>user:default/ada</code>" in settings
    assert '<a href="/catalog/default/group/team-a">team-a</a>' in settings
    signed_out = portal.form("/auth/sign-out", {})
    assert signed_out.status_code == 303
    assert "You are not signed in." in portal.page("/settings").text


def test_only_catalog_users_can_be_chosen(make_portal: PortalFactory, tmp_path: Path) -> None:
    portal = org_portal(make_portal, tmp_path)
    refused = portal.form("/auth/development", {"user_ref": "group:default/team-a"})
    assert refused.status_code == 400
    assert "There is no User" in refused.text
    assert "You are not signed in." in portal.page("/settings").text


def test_the_development_identity_can_be_turned_off(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path, auth={"development_identity": False})
    assert portal.page("/auth/development").status_code == 404
    assert portal.form("/auth/development", {"user_ref": "user:default/ada"}).status_code == 404
    assert "Development identity." not in portal.page("/catalog").text


def test_redirects_after_sign_in_never_leave_the_portal(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = portal.form("/auth/development", {"user_ref": "ada", "next": target})
        assert response.headers["location"] == "/"
    kept = portal.form("/auth/development", {"user_ref": "ada", "next": "/settings"})
    assert kept.headers["location"] == "/settings"


def test_forms_without_the_csrf_token_are_refused(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path)
    portal.page("/settings")  # a session exists, but the forged form does not know its token
    for url, data in [
        ("/settings/theme", {"theme": "dark"}),
        ("/auth/development", {"user_ref": "ada"}),
        ("/stars", {"entity_ref": "component:ledger", "starred": "true"}),
        ("/catalog/default/component/ledger/refresh", {}),
        ("/catalog-import/analyze", {"target": str(tmp_path)}),
    ]:
        forged = portal.browser.post(url, data=data, headers={"Accept": "text/html"})
        assert forged.status_code == 403, url
        assert "did not come from this portal" in forged.text
        wrong = portal.browser.post(url, data={**data, "csrf_token": "guess"})
        assert wrong.status_code == 403, url
    assert 'data-theme="auto"' in portal.page("/settings").text


def test_the_theme_is_remembered(make_portal: PortalFactory) -> None:
    portal = make_portal()
    assert portal.form("/settings/theme", {"theme": "dark"}).status_code == 303
    assert '<html lang="en" data-theme="dark">' in portal.page("/catalog").text
    assert portal.form("/settings/theme", {"theme": "neon"}).status_code == 400


def test_stars_need_a_signed_in_person_and_show_in_settings(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path)
    anonymous = portal.form("/stars", {"entity_ref": "component:ledger", "starred": "true"})
    assert anonymous.status_code == 403
    portal.sign_in("user:default/ada")
    starred = portal.form(
        "/stars", {"entity_ref": "component:ledger", "starred": "true", "next": "/catalog"}
    )
    assert starred.status_code == 303
    assert starred.headers["location"] == "/catalog"
    settings = portal.page("/settings").text
    assert 'href="/catalog/default/component/ledger">Ledger Service</a>' in settings
    # htmx swaps just the button, which now offers to unstar.
    swapped = portal.browser.post(
        "/stars",
        data={"entity_ref": "component:default/ledger", "starred": "false"},
        headers={"HX-Request": "true", "X-CSRF-Token": portal.csrf()},
    )
    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith('<form class="star-form"')
    assert 'aria-pressed="false"' in swapped.text
    assert "Nothing starred yet." in portal.page("/settings").text


def test_global_search_finds_names_titles_and_descriptions(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = org_portal(make_portal, tmp_path)
    html = portal.page("/search", q="books every").text
    hit = '<a href="/catalog/default/component/ledger" class="search-title">Ledger Service</a>'
    assert hit in html
    assert "1 result for" in html
    assert "0 results" in portal.page("/search", q="nothing-like-this").text
    assert portal.page("/search", q="x" * 201).status_code == 400


def test_support_page_shows_configured_links_and_neutralises_unsafe_ones(
    make_portal: PortalFactory,
) -> None:
    portal = make_portal(
        ui={
            "support_url": "https://chat.example.com/portal",
            "support_items": [
                {
                    "title": "Runbooks",
                    "links": [
                        {"url": "https://wiki.example.com/run", "title": "Runbook"},
                        {"url": "javascript:alert(1)", "title": "Trap"},
                    ],
                }
            ],
        }
    )
    html = portal.page("/support").text
    assert '<a href="https://chat.example.com/portal">' in html
    assert '<a href="https://wiki.example.com/run">Runbook</a>' in html
    assert '<a href="#">Trap</a>' in html
    assert "javascript:" not in html


def test_static_assets_are_cached_by_content_hash(make_portal: PortalFactory) -> None:
    portal = make_portal()
    html = portal.page("/settings").text
    assert "/static/greenroom.css?v=" in html
    assert "/static/vendor/htmx.min.js?v=" in html
    css = portal.client.get("/static/greenroom.css?v=1")
    assert css.status_code == 200
    assert "immutable" in css.headers["cache-control"]
    htmx = portal.client.get("/static/vendor/htmx.min.js")
    assert htmx.status_code == 200, "run `make assets` to install htmx from the npm registry"
    assert "htmx" in htmx.text[:2000]
    assert portal.client.get("/static/../settings.py").status_code == 404
