"""`/entities/by-query`, `/entities`, `/by-refs`, `/by-name`, `/by-uid`, facets, ancestry."""

from __future__ import annotations

import pytest

from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path) -> Portal:  # type: ignore[no-untyped-def]
    root = write_org(tmp_path / "org")
    portal = make_portal([{"type": "file", "target": str(root)}])
    portal.process()
    return portal


def test_filter_sets_are_or_and_statements_are_and(portal: Portal) -> None:
    assert portal.names(filter="kind=component,spec.type=service") == ["ledger"]
    assert portal.names(filter=["kind=component,spec.type=service", "kind=api"]) == [
        "ledger",
        "ledger-api",
    ]
    # The same key twice in one set is OR.
    assert portal.names(filter="kind=api,kind=resource") == ["ledger-api", "ledger-db"]


def test_matching_is_case_insensitive_and_covers_tags_and_existence(portal: Portal) -> None:
    assert portal.names(filter="KIND=Component,metadata.tags=JAVA") == ["ledger", "money-lib"]
    assert portal.names(filter="kind=component,metadata.tags.pci") == ["ledger"]
    assert portal.names(filter="kind=component,metadata.title") == ["ledger"]
    assert portal.names(filter="kind=component,spec.lifecycle=retired") == []


def test_relation_filters_use_full_refs(portal: Portal) -> None:
    assert portal.names(filter="relations.ownedBy=group:default/team-b") == [
        "checkout-web",
        "money-lib",
    ]
    assert portal.names(filter="kind=group,relations.parentOf=group:default/team-a") == ["payments"]
    # Reverse relations emitted by other entities filter too.
    assert portal.names(filter="kind=group,relations.hasMember=user:default/ada") == ["team-a"]


def test_fields_projection_keeps_only_asked_subtrees(portal: Portal) -> None:
    items = portal.query(filter="kind=component", fields="metadata.name,spec.type")["items"]
    assert {tuple(sorted(item)) for item in items} == {("metadata", "spec")}
    assert {tuple(item["metadata"]) for item in items} == {("name",)}


def test_order_field_and_full_text(portal: Portal) -> None:
    page = portal.query(filter="kind=component", orderField="metadata.name,desc")
    assert [i["metadata"]["name"] for i in page["items"]] == ["money-lib", "ledger", "checkout-web"]
    found = portal.query(
        filter="kind=component",
        fullTextFilterTerm="LEDGER serv",
        fullTextFilterFields="metadata.name,metadata.title",
    )
    assert [i["metadata"]["name"] for i in found["items"]] == ["ledger"]
    by_name = portal.query(fullTextFilterTerm="web", fullTextFilterFields="metadata.name")
    assert [i["metadata"]["name"] for i in by_name["items"]] == ["checkout-web"]


def test_cursor_pages_cover_everything_once_and_go_back(portal: Portal) -> None:
    first = portal.query(limit=4, orderField="metadata.name,asc")
    total = first["totalItems"]
    assert total == len(portal.query(limit=1000)["items"]) >= 10
    assert "prevCursor" not in first["pageInfo"]
    pages = [first]
    while "nextCursor" in pages[-1]["pageInfo"]:
        nxt = portal.query(cursor=pages[-1]["pageInfo"]["nextCursor"])
        assert nxt["totalItems"] == total
        pages.append(nxt)
    names = [item["metadata"]["name"] for page in pages for item in page["items"]]
    assert len(names) == total == len(set(names))
    assert names == sorted(names)
    back = portal.query(cursor=pages[1]["pageInfo"]["prevCursor"])
    assert [i["metadata"]["name"] for i in back["items"]] == names[:4]
    assert "prevCursor" not in back["pageInfo"]


def test_by_refs_aligns_with_input_and_gives_null_for_misses(portal: Portal) -> None:
    response = portal.client.post(
        "/api/catalog/entities/by-refs",
        json={
            "entityRefs": ["component:ledger", "component:default/nope", "API:Default/Ledger-API"]
        },
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item and item["metadata"]["name"] for item in items] == ["ledger", None, "ledger-api"]
    bad = portal.client.post("/api/catalog/entities/by-refs", json={"entityRefs": [":x"]})
    assert bad.status_code == 400
    assert "was not on the form" in bad.json()["error"]["message"]


def test_entity_is_stitched_with_sorted_relations_and_uid(portal: Portal) -> None:
    ledger = portal.entity("component", "ledger")
    relations = [(r["type"], r["targetRef"]) for r in ledger["relations"]]
    assert relations == sorted(relations)
    assert ("ownedBy", "group:default/team-a") in relations
    assert ("apiConsumedBy", "component:default/checkout-web") not in relations
    assert ("dependsOn", "resource:default/ledger-db") in relations
    api = portal.entity("api", "ledger-api")
    assert ("apiConsumedBy", "component:default/checkout-web") in [
        (r["type"], r["targetRef"]) for r in api["relations"]
    ]
    assert api["spec"]["definition"].startswith("openapi: 3.0.0")
    uid = ledger["metadata"]["uid"]
    assert portal.client.get(f"/api/catalog/entities/by-uid/{uid}").json()["metadata"]["name"] == (
        "ledger"
    )


def test_unknown_entities_are_404_with_backstage_message(portal: Portal) -> None:
    response = portal.client.get("/api/catalog/entities/by-name/component/default/nope")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "No entity named 'nope' found, with kind 'component' in namespace 'default'"
    )
    assert portal.client.get("/api/catalog/entities/by-uid/nope").status_code == 404


def test_facets_count_original_values(portal: Portal) -> None:
    response = portal.client.get(
        "/api/catalog/entity-facets",
        params={
            "facet": ["spec.type", "metadata.tags", "relations.ownedBy"],
            "filter": "kind=component",
        },
    )
    facets = response.json()["facets"]
    assert {f["value"]: f["count"] for f in facets["spec.type"]} == {
        "service": 1,
        "website": 1,
        "library": 1,
    }
    assert {f["value"]: f["count"] for f in facets["metadata.tags"]} == {
        "java": 2,
        "pci": 1,
        "react": 1,
    }
    assert {f["value"]: f["count"] for f in facets["relations.ownedBy"]} == {
        "group:default/team-a": 1,
        "group:default/team-b": 2,
    }
    missing = portal.client.get("/api/catalog/entity-facets")
    assert missing.status_code == 400
    assert missing.json()["error"]["message"] == "Missing facet parameter"


def test_ancestry_walks_locations_up_to_the_root(portal: Portal) -> None:
    response = portal.client.get("/api/catalog/entities/by-name/component/default/ledger/ancestry")
    body = response.json()
    assert body["rootEntityRef"] == "component:default/ledger"
    chain = [item["entity"]["metadata"]["name"] for item in body["items"]]
    assert chain[:2] == ["ledger", "company"]
    assert chain[2].startswith("generated-")
    assert body["items"][0]["parentEntityRefs"] == ["location:default/company"]
    assert body["items"][-1]["parentEntityRefs"] == []


def test_deprecated_list_and_bad_parameters(portal: Portal) -> None:
    listed = portal.client.get("/api/catalog/entities", params={"filter": "kind=group"}).json()
    assert sorted(item["metadata"]["name"] for item in listed) == ["payments", "team-a", "team-b"]
    assert (
        portal.client.get("/api/catalog/entities/by-query", params={"filter": "=x"}).status_code
        == 400
    )
    assert (
        portal.client.get("/api/catalog/entities/by-query", params={"cursor": "!!"}).status_code
        == 400
    )
    assert (
        portal.client.get("/api/catalog/entities/by-query", params={"limit": -1}).status_code == 400
    )
    bad_order = portal.client.get("/api/catalog/entities/by-query", params={"orderField": "a,up"})
    assert bad_order.status_code == 400


def test_reverse_relations_filter_and_facet_like_stored_ones(portal: Portal) -> None:
    # Only `memberOf` is written (by the user); the group's `hasMember` is read from it.
    response = portal.client.get(
        "/api/catalog/entity-facets",
        params={
            "facet": ["relations.hasMember", "relations.apiConsumedBy"],
            "filter": "kind=group",
        },
    )
    facets = response.json()["facets"]
    assert facets["relations.hasMember"] == [{"value": "user:default/ada", "count": 1}]
    assert facets["relations.apiConsumedBy"] == []
    assert portal.names(
        filter="kind=api,relations.apiConsumedBy=component:default/checkout-web"
    ) == ["ledger-api"]
    assert portal.names(filter="kind=group,relations.hasMember") == ["team-a"]
