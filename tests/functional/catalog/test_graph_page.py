"""`/catalog-graph`: Backstage's parameters in, an SVG of linked entities out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    portal = make_portal([{"type": "file", "target": str(write_org(tmp_path / "org"))}])
    portal.refresh_all()
    return portal


def test_the_graph_page_draws_linked_nodes(portal: Portal) -> None:
    html = portal.page(
        "/catalog-graph",
        **{"rootEntityRefs[]": "component:default/ledger", "maxDepth": "1", "direction": "TB"},
    ).text
    assert "<svg" in html
    links = set(re.findall(r'<a href="(/catalog/default/[^"]+)">\s*<title>', html))
    assert {
        "/catalog/default/component/ledger",
        "/catalog/default/group/team-a",
        "/catalog/default/system/checkout",
        "/catalog/default/api/ledger-api",
        "/catalog/default/resource/ledger-db",
    } <= links
    assert "ownerOf / ownedBy" in html
    assert '<option value="TB" selected>' in html
    assert '<option value="1" selected>1</option>' in html


def test_controls_narrow_the_graph(portal: Portal) -> None:
    html = portal.page(
        "/catalog-graph",
        **{"rootEntityRefs": "component:default/ledger", "selectedKinds[]": ["component", "api"]},
    ).text
    assert "/catalog/default/api/ledger-api" in html
    assert "/catalog/default/group/team-a" not in html
    assert 'value="api" checked' in html


def test_the_fragment_is_the_svg_alone_and_bad_parameters_are_explained(portal: Portal) -> None:
    fragment = portal.client.get(
        "/catalog-graph/fragment", params={"rootEntityRefs[]": "system:checkout"}
    ).text
    assert fragment.lstrip().startswith('<figure class="graph-canvas">')
    bad = portal.page("/catalog-graph", maxDepth="deep")
    assert bad.status_code == 400
    assert "maxDepth" in bad.text
    empty = portal.page("/catalog-graph").text
    assert "Choose root entities above" in empty


def test_titles_in_the_graph_are_escaped(make_portal: PortalFactory, tmp_path: Path) -> None:
    component = tmp_path / "c.yaml"
    component.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata: {name: evil, title: '<script>alert(1)</script>'}\n"
        "spec: {type: service, lifecycle: production, owner: team-a}\n"
    )
    portal = make_portal([{"type": "file", "target": str(component)}])
    portal.refresh_all()
    html = portal.page("/catalog-graph", rootEntityRefs="component:evil").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
