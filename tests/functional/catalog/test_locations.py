"""Registered locations, dry runs, analysis and validation through the API."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.functional.catalog.org import write_org
from tests.functional.conftest import PortalFactory, write


def git_repository(path: Path, files: dict[str, str]) -> Path:
    """A real git repository with one commit holding `files`."""
    for name, text in files.items():
        write(path / name, text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(path)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "catalog"], check=True)
    return path


def test_register_list_and_delete_a_location(make_portal: PortalFactory, tmp_path: Path) -> None:
    root = write_org(tmp_path / "org")
    portal = make_portal()
    dry = portal.client.post(
        "/api/catalog/locations",
        params={"dryRun": "true"},
        json={"type": "file", "target": str(root)},
    )
    assert dry.status_code == 201
    names = {e["metadata"]["name"] for e in dry.json()["entities"]}
    assert {"ledger", "team-a", "company"} <= names
    assert portal.query()["totalItems"] == 0  # a dry run stores nothing

    created = portal.client.post(
        "/api/catalog/locations", json={"type": "file", "target": str(root)}
    )
    assert created.status_code == 201
    location = created.json()["location"]
    assert location["type"] == "file"
    assert location["target"] == str(root)
    portal.process()
    assert "ledger" in portal.names(filter="kind=component")

    listed = portal.client.get("/api/catalog/locations").json()
    assert listed == [{"data": location}]
    assert portal.client.get(f"/api/catalog/locations/{location['id']}").json() == location
    by_entity = portal.client.get("/api/catalog/locations/by-entity/component/default/ledger")
    assert by_entity.json() == location

    again = portal.client.post("/api/catalog/locations", json={"type": "file", "target": str(root)})
    assert again.status_code == 409

    assert portal.client.delete(f"/api/catalog/locations/{location['id']}").status_code == 204
    assert portal.query()["totalItems"] == 0
    assert portal.client.get(f"/api/catalog/locations/{location['id']}").status_code == 404


def test_a_git_repository_url_is_read_at_its_branch(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    repo = git_repository(
        tmp_path / "payments",
        {
            "catalog-info.yaml": (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: payments}\n"
                "spec: {type: service, lifecycle: production, owner: team-a}\n"
            )
        },
    )
    portal = make_portal()
    response = portal.client.post(
        "/api/catalog/locations", json={"type": "url", "target": repo.as_uri()}
    )
    assert response.status_code == 201, response.text
    portal.process()
    entity = portal.entity("component", "payments")
    assert "payments" in entity["metadata"]["annotations"]["backstage.io/managed-by-location"]


def test_registration_outside_allowed_roots_and_hosts_is_refused(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = make_portal()
    for body in (
        {"type": "file", "target": "/etc/passwd"},
        {"type": "file", "target": str(tmp_path / ".." / ".." / "etc" / "passwd")},
        {"type": "url", "target": "file:///etc/passwd"},
        {"type": "url", "target": "http://169.254.169.254/latest/meta-data"},
    ):
        response = portal.client.post("/api/catalog/locations", json=body)
        assert response.status_code == 403, body
        assert "not" in response.json()["error"]["message"]
    wrong_type = portal.client.post("/api/catalog/locations", json={"type": "ftp", "target": "x"})
    assert wrong_type.status_code == 400


def test_readonly_catalog_refuses_changes(make_portal: PortalFactory, tmp_path: Path) -> None:
    root = write_org(tmp_path / "org")
    portal = make_portal(readonly=True)
    response = portal.client.post(
        "/api/catalog/locations", json={"type": "file", "target": str(root)}
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]


def test_analyze_location_lists_existing_entity_files(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    root = write_org(tmp_path / "org")
    portal = make_portal()
    response = portal.client.post(
        "/api/catalog/analyze-location", json={"location": {"type": "file", "target": str(root)}}
    )
    assert response.status_code == 200
    files = response.json()["existingEntityFiles"]
    names = {f["entity"]["metadata"]["name"] for f in files}
    assert {"ledger", "team-a"} <= names
    assert all(f["isRegistered"] is False for f in files)


def test_validate_entity_answers_200_or_the_problems(make_portal: PortalFactory) -> None:
    portal = make_portal()
    good = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "ok"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    }
    ok = portal.client.post(
        "/api/catalog/validate-entity", json={"entity": good, "location": "url:https://x/y.yaml"}
    )
    assert ok.status_code == 200
    bad = {**good, "metadata": {"name": "not ok", "tags": ["Java"]}}
    response = portal.client.post(
        "/api/catalog/validate-entity", json={"entity": bad, "location": "url:https://x/y.yaml"}
    )
    assert response.status_code == 400
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "metadata.name" in messages
    assert "metadata.tags[0]" in messages
    not_an_object = portal.client.post(
        "/api/catalog/validate-entity", json={"entity": [1, 2], "location": "url:https://x/y.yaml"}
    )
    assert not_an_object.status_code == 400


def test_a_registered_location_cannot_lead_outside_the_allowed_roots(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    outside = write(
        tmp_path.parent / f"{tmp_path.name}-outside" / "c.yaml",
        (
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: secret}\n"
            "spec: {type: service, lifecycle: production, owner: team-a}\n"
        ),
    )
    root = write(
        tmp_path / "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: sneaky}\n"
        f"spec: {{targets: [{outside}, ../{outside.parent.name}/c.yaml]}}\n",
    )
    portal = make_portal()
    dry = portal.client.post(
        "/api/catalog/locations",
        params={"dryRun": "true"},
        json={"type": "file", "target": str(root)},
    )
    assert "secret" not in {e["metadata"]["name"] for e in dry.json()["entities"]}
    assert any("Not read" in message for message in dry.json()["errors"])

    created = portal.client.post(
        "/api/catalog/locations", json={"type": "file", "target": str(root)}
    )
    assert created.status_code == 201
    portal.process()
    assert portal.names(filter="kind=component") == []
    sneaky = portal.entity("location", "sneaky")
    messages = [item["message"] for item in sneaky["status"]["items"]]
    assert len(messages) == 2
    assert all("registration_file_roots" in message for message in messages)

    # The same file configured by an operator is trusted.
    trusted = make_portal([{"type": "file", "target": str(root)}])
    trusted.process()
    assert trusted.names(filter="kind=component") == ["secret"]


def test_placeholders_of_a_registered_location_are_confined_too(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    secret = write(tmp_path.parent / f"{tmp_path.name}-secret.txt", "hunter2")
    root = write(
        tmp_path / "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata: {{name: leaky, description: {{$text: {secret}}}}}\n"
        "spec: {type: service, lifecycle: production, owner: team-a}\n",
    )
    portal = make_portal()
    dry = portal.client.post(
        "/api/catalog/locations",
        params={"dryRun": "true"},
        json={"type": "file", "target": str(root)},
    )
    assert "hunter2" not in dry.text
    assert any("registration_file_roots" in message for message in dry.json()["errors"])
