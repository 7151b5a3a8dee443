"""Registering an existing component from the UI: analyze, import, unregister."""

from __future__ import annotations

from pathlib import Path

from tests.functional.conftest import Portal, PortalFactory, write

ADA = """\
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada}
spec: {profile: {email: ada@example.com}, memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: squad, children: []}
"""


def signed_in_portal(make_portal: PortalFactory, tmp_path: Path, **settings: object) -> Portal:
    """A portal whose catalog knows ada (of team-a), signed in as her in the browser."""
    people = write(tmp_path / "people.yaml", ADA)
    portal = make_portal([{"type": "file", "target": str(people)}], **settings)
    portal.refresh_all()
    portal.sign_in("user:default/ada")
    return portal


COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: fresh-service, title: Fresh Service, description: Brand new}
spec: {type: service, lifecycle: experimental, owner: team-a}
"""


def test_analyze_lists_what_import_then_creates_at_once(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = signed_in_portal(make_portal, tmp_path)
    target = write(tmp_path / "repo" / "catalog-info.yaml", COMPONENT)
    analysis = portal.form("/catalog-import/analyze", {"target": str(target)})
    assert analysis.status_code == 200
    assert "2 entities would be created" in analysis.text  # the component and its Location
    assert "default/fresh-service" in analysis.text
    assert portal.names(filter="kind=component") == []  # analyzing stores nothing

    imported = portal.form("/catalog-import/import", {"target": str(target)})
    assert imported.status_code == 200
    assert '<a href="/catalog/default/component/fresh-service">Fresh Service</a>' in imported.text
    # In the catalog as the page answers: no processing pass was needed.
    assert portal.entity("component", "fresh-service")["metadata"]["title"] == "Fresh Service"
    page = portal.page("/catalog/default/component/fresh-service").text
    assert "Unregister" in page

    again = portal.form("/catalog-import/analyze", {"target": str(target)})
    assert "already registered" in again.text
    assert ">Import</button>" not in again.text


def test_problems_are_shown_on_the_form(make_portal: PortalFactory, tmp_path: Path) -> None:
    portal = signed_in_portal(make_portal, tmp_path)
    broken = write(tmp_path / "broken.yaml", "kind: Component\nmetadata: {name: x}\n")
    analysis = portal.form("/catalog-import/analyze", {"target": str(broken)})
    assert analysis.status_code == 200
    assert "problem" in analysis.text
    assert "apiVersion" in analysis.text

    outside = portal.form("/catalog-import/analyze", {"target": "/etc/passwd"})
    assert outside.status_code == 403
    assert "Cannot register this:" in outside.text
    assert 'value="/etc/passwd"' in outside.text  # what was typed stays in the box

    internal = portal.form("/catalog-import/analyze", {"target": "http://169.254.169.254/x.yaml"})
    assert internal.status_code == 403
    empty = portal.form("/catalog-import/analyze", {"target": "  "})
    assert empty.status_code == 400
    assert "Enter a repository URL" in empty.text


def test_unregister_removes_the_location_and_its_entities(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = signed_in_portal(make_portal, tmp_path)
    target = write(tmp_path / "repo" / "catalog-info.yaml", COMPONENT)
    portal.form("/catalog-import/import", {"target": str(target)})
    confirm = portal.page("/catalog/default/component/fresh-service/unregister")
    assert confirm.status_code == 200
    assert f"<code>file:{target}</code>" in confirm.text
    done = portal.form("/catalog/default/component/fresh-service/unregister", {})
    assert done.status_code == 303
    assert portal.page("/catalog/default/component/fresh-service").status_code == 404


def test_configured_entities_cannot_be_unregistered_from_the_ui(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "repo" / "catalog-info.yaml", COMPONENT)
    portal = make_portal([{"type": "file", "target": str(target)}])
    portal.refresh_all()
    page = portal.page("/catalog/default/component/fresh-service").text
    assert "Unregister" not in page
    refused = portal.form("/catalog/default/component/fresh-service/unregister", {})
    assert refused.status_code == 404
    assert portal.entity("component", "fresh-service")
