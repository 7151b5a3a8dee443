"""The catalog's HTML pages: the index and its filters, entity pages, inspect, refresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory, write

COLUMNS = {
    "catalog_columns": [
        {"title": "Tier", "field": "metadata.labels.tier", "kinds": ["component"]},
        {"title": "Colony", "field": "spec.parent", "source": "owner", "link": True},
        {"title": "Pager", "field": "metadata.annotations.example.com/pager"},
    ]
}


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    root = write_org(tmp_path / "org")
    write(
        tmp_path / "org" / "extra.yaml",
        """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: risky
  description: "<script>alert('x')</script> & more"
  labels: {tier: "1"}
  annotations:
    example.com/pager: payments-oncall
    backstage.io/view-url: "https://git.example.com/risky"
    backstage.io/edit-url: "javascript:alert(1)"
  links:
    - {url: "https://grafana.example.com/d/risky", title: Dashboard}
spec: {type: service, lifecycle: production, owner: team-a, subcomponentOf: ledger}
""",
    )
    write(
        tmp_path / "org" / "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: company}\n"
        "spec:\n  targets: [./org.yaml, ./services/catalog-info.yaml, ./extra.yaml]\n",
    )
    portal = make_portal([{"type": "file", "target": str(root)}], ui=COLUMNS)
    portal.refresh_all()
    return portal


def rows(html: str) -> list[str]:
    """The entity names in the catalog table, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<input type="checkbox" data-select-row value="[^"]*/([^"/]+)"', body)


def test_the_index_lists_components_with_backstage_columns(portal: Portal) -> None:
    html = portal.page("/catalog").text
    assert rows(html) == ["checkout-web", "ledger", "money-lib", "risky"]
    for header in ("Name", "System", "Owner", "Type", "Lifecycle", "Description", "Tags"):
        assert f">{header}" in html
    assert '<a href="/catalog/default/system/checkout">checkout</a>' in html
    assert '<a href="/catalog/default/group/team-a">team-a</a>' in html
    assert "1\u20134 of 4 component entities" in html  # an en dash, as typeset
    assert '<strong>Ledger Service</strong></a><br><span class="muted">ledger</span>' in html


def test_filters_come_from_the_url(portal: Portal) -> None:
    assert rows(portal.page("/catalog", type="library").text) == ["money-lib"]
    assert rows(portal.page("/catalog", type=["library", "website"]).text) == [
        "checkout-web",
        "money-lib",
    ]
    assert rows(portal.page("/catalog", owner="team-b").text) == ["checkout-web", "money-lib"]
    assert rows(portal.page("/catalog", lifecycle="experimental").text) == ["money-lib"]
    assert rows(portal.page("/catalog", tag="java").text) == ["ledger", "money-lib"]
    assert rows(portal.page("/catalog", q="books every").text) == ["ledger"]
    assert rows(portal.page("/catalog", kind="api").text) == ["ledger-api"]
    assert rows(portal.page("/catalog", namespace="elsewhere").text) == []
    # The filter's options come with counts, and the chosen ones stay selected.
    html = portal.page("/catalog", type="library").text
    assert '<option value="library" selected>library (1)</option>' in html
    assert '<option value="service">service (2)</option>' in html


def test_sorting_and_paging(portal: Portal) -> None:
    by_owner = portal.page("/catalog", sort="owner", dir="desc").text
    assert set(rows(by_owner)[:2]) == {"checkout-web", "money-lib"}  # team-b before team-a
    assert 'aria-sort="descending"' in by_owner
    first = portal.page("/catalog", size=20, page=1).text
    assert 'rel="next"' not in first
    assert rows(portal.page("/catalog", page=2).text) == []
    assert "Page 2 of 1" not in first


def test_bad_filters_are_explained_not_failed(portal: Portal) -> None:
    for params, message in [
        ({"sort": "color"}, "sort must be one of"),
        ({"page": "x"}, "page and size must be whole numbers"),
        ({"size": "7"}, "size must be one of 20, 50, 100"),
        ({"status": "weird"}, "status must be"),
        ({"owner": "group:"}, "owner:"),
    ]:
        response = portal.page("/catalog", **params)
        assert response.status_code == 400, params
        assert message in response.text
        assert "<aside" not in response.text  # the error page, in the frame


def test_owned_is_the_default_for_a_squad_member_and_starred_lists_stars(portal: Portal) -> None:
    portal.sign_in("user:default/ada")  # a member of team-a
    html = portal.page("/catalog").text
    assert rows(html) == ["ledger", "risky"]
    assert re.search(r"Owned</span><span class=\"badge\">2<", html)
    assert re.search(r"All</span><span class=\"badge\">4<", html)
    assert rows(portal.page("/catalog", user="all").text) == [
        "checkout-web",
        "ledger",
        "money-lib",
        "risky",
    ]
    assert rows(portal.page("/catalog", user="starred").text) == []
    portal.form("/stars", {"entity_ref": "component:default/money-lib", "starred": "true"})
    starred = portal.page("/catalog", user="starred").text
    assert rows(starred) == ["money-lib"]
    assert 'aria-pressed="true"' in starred


def test_processing_status_filter_finds_entities_with_errors(
    portal: Portal, tmp_path: Path
) -> None:
    extra = tmp_path / "org" / "extra.yaml"
    extra.write_text(extra.read_text().replace("owner: team-a", "owner: [not, a, ref]"))
    portal.refresh_all()
    html = portal.page("/catalog", status="error").text
    assert rows(html) == ["risky"]  # its last good version is still listed, marked
    assert "errors</span>" in html
    page = portal.page("/catalog/default/component/risky").text
    assert "The last processing of this entity failed" in page


def test_extra_columns_read_labels_annotations_and_the_owners_parent(portal: Portal) -> None:
    html = portal.page("/catalog").text
    assert '<th scope="col">Tier</th>' in html
    assert '<th scope="col">Colony</th>' in html
    risky_row = html.split('value="component:default/risky"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="nowrap">1</td>' in risky_row
    assert '<a href="/catalog/default/group/payments">payments</a>' in risky_row
    assert '<td class="nowrap">payments-oncall</td>' in risky_row
    api_html = portal.page("/catalog", kind="api").text
    assert '<th scope="col">Tier</th>' not in api_html  # configured for components only


def test_an_htmx_filter_change_gets_only_the_view(portal: Portal) -> None:
    partial = portal.client.get(
        "/catalog",
        params={"type": "library"},
        headers={"HX-Request": "true", "HX-Target": "catalog-view"},
    )
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="catalog-view"')
    assert "<html" not in partial.text
    assert rows(partial.text) == ["money-lib"]


def test_api_docs_is_the_table_of_apis(portal: Portal) -> None:
    html = portal.page("/api-docs").text
    assert "<h1>APIs</h1>" in html
    assert rows(html) == ["ledger-api"]
    assert 'id="filter-kind"' not in html


def test_user_written_text_is_escaped_and_unsafe_links_are_inert(portal: Portal) -> None:
    for url in ("/catalog", "/catalog/default/component/risky"):
        html = portal.page(url).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html
        assert "javascript:" not in html
    page = portal.page("/catalog/default/component/risky").text
    assert '<a href="https://git.example.com/risky">' in page  # view source
    assert (
        '<a href="https://grafana.example.com/d/risky" rel="noopener noreferrer">Dashboard</a>'
        in page
    )
    assert "Edit metadata" not in page  # its edit URL was unsafe, so there is no edit link


def test_the_entity_overview_tells_everything_about_a_component(portal: Portal) -> None:
    html = portal.page("/catalog/default/component/ledger").text
    assert "<h1>Ledger Service" in html
    assert "Books every payment" in html
    for tab, url in [
        ("Overview", "/catalog/default/component/ledger"),
        ("Dependencies", "/catalog/default/component/ledger/dependencies"),
        ("APIs", "/catalog/default/component/ledger/api"),
    ]:
        assert f'<a href="{url}"' in html
        assert f">{tab}</a>" in html
    assert 'aria-current="page">Overview</a>' in html
    assert '<a href="/catalog/default/system/checkout">checkout</a>' in html
    assert "<dt>Depends on</dt>" in html
    assert "Subcomponents" in html
    assert "/catalog/default/component/risky" in html
    assert "/catalog-graph/fragment?rootEntityRefs%5B%5D=component%3Adefault/ledger" in html


def test_dependency_and_api_tabs(portal: Portal) -> None:
    dependencies = portal.page("/catalog/default/component/ledger/dependencies").text
    depends_on = dependencies.split("Depends on</h2>", 1)[1].split("</section>", 1)[0]
    assert '<a href="/catalog/default/resource/ledger-db">ledger-db</a>' in depends_on
    apis = portal.page("/catalog/default/component/ledger/api").text
    provided = apis.split("Provided APIs</h2>", 1)[1].split("</section>", 1)[0]
    assert "/catalog/default/api/ledger-api" in provided
    api_page = portal.page("/catalog/default/api/ledger-api/api").text
    assert "/catalog/default/component/checkout-web" in api_page.split("Consumers</h2>", 1)[1]
    definition = portal.page("/catalog/default/api/ledger-api/definition").text
    assert "openapi: 3.0.0" in definition
    assert portal.page("/catalog/default/component/ledger/nope").status_code == 404


def test_system_pages_list_their_parts(portal: Portal) -> None:
    html = portal.page("/catalog/default/system/checkout").text
    parts = html.split("Parts</h2>", 1)[1].split("</section>", 1)[0]
    for ref in (
        "component/ledger",
        "component/checkout-web",
        "api/ledger-api",
        "resource/ledger-db",
    ):
        assert f"/catalog/default/{ref}" in parts


def test_inspect_shows_yaml_json_and_ancestry(portal: Portal) -> None:
    page = portal.page("/catalog/default/component/ledger/inspect").text
    assert "name: ledger" in page
    assert "&#34;name&#34;: &#34;ledger&#34;" in page
    assert '<a href="/catalog/default/location/company">location:default/company</a>' in page
    dialog = portal.client.get(
        "/catalog/default/component/ledger/inspect", headers={"HX-Request": "true"}
    ).text
    assert dialog.lstrip().startswith('<div class="dialog-head">')


def test_refresh_schedules_the_entitys_source(portal: Portal) -> None:
    portal.sign_in("user:default/ada")  # of team-a, which owns ledger
    response = portal.form("/catalog/default/component/ledger/refresh", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/catalog/default/component/ledger?refreshed=1"
    assert "A refresh of this entity" in portal.page(response.headers["location"]).text
    assert portal.form("/catalog/default/component/ghost/refresh", {}).status_code == 404


def test_docs_and_create_pages_list_what_the_catalog_has(portal: Portal) -> None:
    assert "No entity declares documentation yet." in portal.page("/docs").text
    assert "There are no templates in the catalog." in portal.page("/create").text
