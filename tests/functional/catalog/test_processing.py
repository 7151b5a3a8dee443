"""Processing: changes, errors, conflicts, orphans and bad input, seen through the API."""

from __future__ import annotations

from pathlib import Path

from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory, write

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  description: {description}
spec: {{type: service, lifecycle: production, owner: team-a}}
"""


def component(name: str, description: str = "fine") -> str:
    return COMPONENT.format(name=name, description=description)


def location_errors(portal: Portal) -> list[str]:
    items = portal.query(filter="kind=location", limit=1000)["items"]
    return [m["message"] for i in items for m in (i.get("status") or {}).get("items", [])]


def file_portal(make_portal: PortalFactory, target: Path, **catalog: object) -> Portal:
    portal = make_portal([{"type": "file", "target": str(target)}], **catalog)
    portal.process()
    return portal


def test_an_edit_is_served_after_refresh_and_unchanged_files_are_not_rewritten(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "c.yaml", component("svc", "first"))
    portal = file_portal(make_portal, target)
    uid = portal.entity("component", "svc")["metadata"]["uid"]

    portal.refresh_all()
    assert portal.engine.last_pass is not None
    assert portal.engine.last_pass.written == 0

    write(target, component("svc", "second"))
    response = portal.client.post("/api/catalog/refresh", json={"entityRef": "component:svc"})
    assert response.status_code == 200
    portal.process()
    entity = portal.entity("component", "svc")
    assert entity["metadata"]["description"] == "second"
    assert entity["metadata"]["uid"] == uid  # same entity, updated in place


def test_an_invalid_edit_keeps_the_last_good_version_with_errors(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "c.yaml", component("svc", "good"))
    portal = file_portal(make_portal, target)
    write(target, component("svc", "bad").replace("lifecycle: production", "lifecycle: 7"))
    portal.refresh_all()

    entity = portal.entity("component", "svc")
    assert entity["metadata"]["description"] == "good"
    [item] = entity["status"]["items"]
    assert item["type"] == "backstage.io/catalog-processing"
    assert item["level"] == "error"
    assert f"{target}:6 spec.lifecycle:" in item["message"]

    write(target, component("svc", "fixed"))
    portal.refresh_all()
    fixed = portal.entity("component", "svc")
    assert fixed["metadata"]["description"] == "fixed"
    assert "status" not in fixed


def test_a_new_invalid_entity_is_reported_on_its_location_with_file_line_and_rule(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    bad = component("-bad-").replace("owner: team-a", "owner: team-a, dependsOn: [db]")
    target = write(tmp_path / "c.yaml", component("ok") + "---\n" + bad)
    portal = file_portal(make_portal, target)
    assert portal.names(filter="kind=component") == ["ok"]
    messages = location_errors(portal)
    assert any(f"{target}:11 metadata.name:" in m and '"-bad-"' in m for m in messages), messages
    assert any("spec.dependsOn[0]" in m and "kind" in m for m in messages), messages


def test_malformed_yaml_reports_the_line_and_keeps_other_documents(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "c.yaml", component("ok") + "---\nkind: [unclosed\n---\n- a list\n")
    portal = file_portal(make_portal, target)
    assert portal.names(filter="kind=component") == ["ok"]
    messages = location_errors(portal)
    assert any("YAML error at line" in m and str(target) in m for m in messages), messages


def test_non_object_documents_unknown_kinds_and_root_keys_are_rejected(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    docs = [
        "just a string\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Spaceship\nmetadata: {name: x}\nspec: {}\n",
        "apiVersion: example.com/v9\nkind: Component\nmetadata: {name: y}\nspec: {}\n",
        component("extra").replace("metadata:", "surprise: true\nmetadata:"),
    ]
    target = write(tmp_path / "c.yaml", "---\n".join(docs))
    portal = file_portal(make_portal, target)
    assert portal.names(filter="kind=component") == []
    messages = " | ".join(location_errors(portal))
    assert "Expected object at root" in messages
    assert "Spaceship" in messages
    assert "example.com/v9" in messages
    assert "surprise" in messages


def test_removed_entities_disappear_and_orphans_are_marked_when_kept(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "c.yaml", component("a") + "---\n" + component("b"))
    portal = file_portal(make_portal, target)
    write(target, component("a"))
    portal.refresh_all()
    assert portal.names(filter="kind=component") == ["a"]

    kept_root = tmp_path / "kept"
    kept = write(kept_root / "c.yaml", component("k1") + "---\n" + component("k2"))
    keeping = file_portal(make_portal, kept, orphan_strategy="keep")
    write(kept, component("k1"))
    keeping.refresh_all()
    orphan = keeping.entity("component", "k2")
    assert orphan["metadata"]["annotations"]["backstage.io/orphan"] == "true"
    assert (
        keeping.names(filter="metadata.annotations.backstage.io/orphan=true") == []
    )  # not indexed
    deleted = keeping.client.delete(f"/api/catalog/entities/by-uid/{orphan['metadata']['uid']}")
    assert deleted.status_code == 204
    assert (
        keeping.client.get("/api/catalog/entities/by-name/component/default/k2").status_code == 404
    )


def test_the_same_entity_from_two_locations_is_a_conflict_on_the_second(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    first = write(tmp_path / "one" / "c.yaml", component("dup", "from one"))
    second = write(tmp_path / "two" / "c.yaml", component("dup", "from two"))
    portal = make_portal([{"type": "file", "target": str(first)}])
    portal.process()
    response = portal.client.post(
        "/api/catalog/locations", json={"type": "file", "target": str(second)}
    )
    assert response.status_code == 201
    portal.process()
    portal.refresh_all()
    assert portal.entity("component", "dup")["metadata"]["description"] == "from one"
    messages = location_errors(portal)
    assert any("component:default/dup" in m and "already provided" in m for m in messages), messages


NESTED_ROOT = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec: {targets: [./a.yaml, ./deeper/location.yaml]}
"""
NESTED_LOCATION = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: deeper}
spec: {targets: [./b.yaml]}
"""


def nested_source(tmp_path: Path, a: str, b: str) -> tuple[Path, Path, Path]:
    """root.yaml -> a.yaml, and root.yaml -> deeper/location.yaml -> deeper/b.yaml."""
    write(tmp_path / "deeper" / "location.yaml", NESTED_LOCATION)
    return (
        write(tmp_path / "root.yaml", NESTED_ROOT),
        write(tmp_path / "a.yaml", a),
        write(tmp_path / "deeper" / "b.yaml", b),
    )


def test_a_copy_in_a_changed_file_of_an_entity_in_an_unchanged_shallower_file_is_refused(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    root, _, b = nested_source(tmp_path, component("dup", "from a"), component("other"))
    portal = file_portal(make_portal, root)
    write(b, component("other") + "---\n" + component("dup", "from b"))
    portal.refresh_all()
    assert portal.entity("component", "dup")["metadata"]["description"] == "from a"
    messages = location_errors(portal)
    assert any(
        "b.yaml:" in m and "entity component:default/dup is already defined" in m for m in messages
    ), messages


def test_a_copy_in_a_changed_file_of_an_entity_in_an_unchanged_deeper_file_is_refused(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    root, a, _ = nested_source(tmp_path, component("other"), component("dup", "from b"))
    portal = file_portal(make_portal, root)
    write(a, component("other") + "---\n" + component("dup", "from a"))
    portal.refresh_all()
    assert portal.entity("component", "dup")["metadata"]["description"] == "from b"
    messages = location_errors(portal)
    assert any(
        "a.yaml: entity component:default/dup is already defined in" in m and "b.yaml" in m
        for m in messages
    ), messages
    # The error stays while the copy is there, and goes once it is removed.
    portal.refresh_all()
    assert any("component:default/dup is already defined" in m for m in location_errors(portal))
    write(a, component("other"))
    portal.refresh_all()
    assert portal.entity("component", "dup")["metadata"]["description"] == "from b"
    assert location_errors(portal) == []


def test_location_cycles_and_missing_targets_are_errors_not_loops(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    loop = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {{name: {name}}}
spec: {{targets: [./{other}.yaml, ./missing.yaml]}}
"""
    write(tmp_path / "b.yaml", loop.format(name="b", other="a"))
    a = write(tmp_path / "a.yaml", loop.format(name="a", other="b"))
    portal = file_portal(make_portal, a)
    assert portal.names(filter="kind=location") != []
    messages = " | ".join(location_errors(portal))
    assert "more than once" in messages
    assert "missing.yaml" in messages
    assert "not found" in messages


def test_files_over_the_size_limit_are_refused(make_portal: PortalFactory, tmp_path: Path) -> None:
    big = write(tmp_path / "big.yaml", component("big", "x" * 5000))
    portal = file_portal(make_portal, big, max_file_bytes=1000)
    assert portal.names(filter="kind=component") == []
    assert any("1000" in m or "limit" in m for m in location_errors(portal))


def test_unreachable_location_keeps_what_it_gave(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "repo"
    target = write(folder / "c.yaml", component("kept"))
    portal = file_portal(make_portal, target)
    target.unlink()
    portal.refresh_all()
    assert portal.names(filter="kind=component") == ["kept"]
    assert any("not found" in m for m in location_errors(portal))


def test_unsafe_links_are_refused_and_markup_is_stored_as_text(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    evil = component("evil").replace(
        "metadata:\n", "metadata:\n  links: [{url: 'javascript:alert(1)', title: x}]\n"
    )
    markup = component("markup", "'<script>alert(1)</script>'")
    target = write(tmp_path / "c.yaml", evil + "---\n" + markup)
    portal = file_portal(make_portal, target)
    assert portal.names(filter="kind=component") == ["markup"]
    assert any("links[0].url" in m for m in location_errors(portal))
    response = portal.client.get("/api/catalog/entities/by-name/component/default/markup")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["metadata"]["description"] == "<script>alert(1)</script>"


def test_view_and_edit_urls_with_javascript_are_neutralised(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    text = component("sneaky").replace(
        "metadata:\n",
        "metadata:\n  annotations:\n    backstage.io/view-url: ' JavaScript:alert(1)'\n",
    )
    portal = file_portal(make_portal, write(tmp_path / "c.yaml", text))
    annotations = portal.entity("component", "sneaky")["metadata"]["annotations"]
    assert annotations["backstage.io/view-url"].startswith(
        "https://backstage.io/annotation-rejected"
    )


def test_the_demo_like_tree_sets_managed_by_annotations(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    root = write_org(tmp_path / "org")
    portal = file_portal(make_portal, root)
    annotations = portal.entity("component", "ledger")["metadata"]["annotations"]
    assert annotations["backstage.io/managed-by-location"] == (
        f"file:{tmp_path / 'org' / 'services' / 'catalog-info.yaml'}"
    )
    assert annotations["backstage.io/managed-by-origin-location"] == f"file:{root}"


def test_facets_follow_every_change_despite_the_cache(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "c.yaml", component("a") + "---\n" + component("b"))
    portal = file_portal(make_portal, target)

    def lifecycles() -> dict[str, int]:
        response = portal.client.get(
            "/api/catalog/entity-facets",
            params={"facet": "spec.lifecycle", "filter": "kind=component"},
        )
        return {
            item["value"]: item["count"] for item in response.json()["facets"]["spec.lifecycle"]
        }

    assert lifecycles() == {"production": 2}
    assert lifecycles() == {"production": 2}  # answered from the cache
    write(target, component("a") + "---\n" + component("b").replace("production", "deprecated"))
    portal.refresh_all()
    assert lifecycles() == {"production": 1, "deprecated": 1}
    uid = portal.entity("component", "a")["metadata"]["uid"]
    portal.client.delete(f"/api/catalog/entities/by-uid/{uid}")
    assert lifecycles() == {"deprecated": 1}


def test_a_file_that_stops_parsing_keeps_its_entities(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    target = write(tmp_path / "c.yaml", component("kept", "good"))
    portal = file_portal(make_portal, target)
    write(target, component("kept", "good").replace("metadata:\n", "metadata:\n name: [\n"))
    portal.refresh_all()
    assert portal.entity("component", "kept")["metadata"]["description"] == "good"
    assert any("YAML error" in m for m in location_errors(portal))


def test_reverting_a_bad_edit_clears_the_error(make_portal: PortalFactory, tmp_path: Path) -> None:
    target = write(tmp_path / "c.yaml", component("svc", "good"))
    portal = file_portal(make_portal, target)
    write(target, component("svc", "good").replace("lifecycle: production", "lifecycle: 7"))
    portal.refresh_all()
    assert "status" in portal.entity("component", "svc")
    write(target, component("svc", "good"))
    portal.refresh_all()
    assert "status" not in portal.entity("component", "svc")


def test_an_unreachable_location_keeps_its_whole_subtree(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    leaf = write(tmp_path / "team" / "services" / "c.yaml", component("deep"))
    write(
        tmp_path / "team" / "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: team}\n"
        f"spec: {{targets: [./services/{leaf.name}]}}\n",
    )
    root = write(
        tmp_path / "all.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\n"
        "spec: {targets: [./team/catalog-info.yaml]}\n",
    )
    portal = file_portal(make_portal, root)
    assert portal.names(filter="kind=component") == ["deep"]
    (tmp_path / "team" / "catalog-info.yaml").unlink()  # the middle of the tree is gone
    portal.refresh_all()
    assert portal.names(filter="kind=component") == ["deep"]
    assert "team" in portal.names(filter="kind=location")


def test_long_values_answer_existence_but_never_equality(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    long_value = "x" * 300
    text = component("long").replace(
        "metadata:\n", f"metadata:\n  annotations:\n    example.com/blob: '{long_value}'\n"
    )
    portal = file_portal(make_portal, write(tmp_path / "c.yaml", text))
    assert portal.names(filter="metadata.annotations.example.com/blob") == ["long"]
    assert portal.names(filter=f"metadata.annotations.example.com/blob={long_value}") == []
    assert portal.names(filter="metadata.annotations.example.com/blob=\ufffe") == []
    facet = portal.client.get(
        "/api/catalog/entity-facets", params={"facet": "metadata.annotations.example.com/blob"}
    ).json()["facets"]["metadata.annotations.example.com/blob"]
    assert facet == []


def test_an_entity_lost_behind_an_unchanged_file_comes_back(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    from greenroom.catalog.repository import CatalogWriteRepository

    portal = file_portal(make_portal, write(tmp_path / "c.yaml", component("phoenix")))
    uid = portal.entity("component", "phoenix")["metadata"]["uid"]
    # As if a delete raced with a pass that had already decided to skip the file.
    with portal.runtime.database.transaction(write=True) as session:
        CatalogWriteRepository(session).delete_entities([(uid, "component:default/phoenix")])
    portal.refresh_all()  # skips the unchanged file, notices its entity is missing
    portal.refresh_all()  # reads the file again
    assert portal.names(filter="kind=component") == ["phoenix"]


def test_filling_an_empty_catalog_builds_the_query_indexes_at_the_end(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    from sqlalchemy import inspect

    from greenroom.catalog.repository import BULK_LOAD_INDEXES

    root = write_org(tmp_path / "org")
    portal = make_portal([{"type": "file", "target": str(root)}], bulk_load_min_sources=1)
    portal.process()
    engine = portal.runtime.database.engine
    present = {
        index["name"]
        for table in ("catalog_entities", "catalog_search", "catalog_relations")
        for index in inspect(engine).get_indexes(table)
    }
    assert present >= BULK_LOAD_INDEXES
    assert portal.engine.bulk_loading is False
    assert portal.names(filter="kind=component,relations.ownedBy=group:default/team-b") == [
        "checkout-web",
        "money-lib",
    ]
