"""The catalog graph (Backstage's /catalog-graph): which entities and edges a query shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from greenroom.catalog.graph import (
    MAX_DEPTH,
    EntityGraph,
    GraphQuery,
    build_graph,
    parse_graph_query,
)
from greenroom.errors import InputError
from tests.functional.conftest import Portal, PortalFactory, write

# checkout-web depends on ledger (which depends on ledger-db) and on ghost-lib,
# which no file defines; everything but ghost-lib belongs to team-a.
CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada}
spec: {profile: {displayName: Ada Lovelace}, memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: checkout}
spec: {owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger, title: Ledger Service}
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: checkout
  providesApis: [ledger-api]
  dependsOn: [resource:ledger-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: checkout-web}
spec:
  type: website
  lifecycle: production
  owner: team-a
  system: checkout
  consumesApis: [ledger-api]
  dependsOn: [component:ledger, component:ghost-lib]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: ledger-api}
spec: {type: openapi, lifecycle: production, owner: team-a, system: checkout, definition: "{}"}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: ledger-db}
spec: {type: database, owner: team-a}
"""

WEB = "component:default/checkout-web"
LEDGER = "component:default/ledger"
GHOST = "component:default/ghost-lib"
API = "api:default/ledger-api"
DB = "resource:default/ledger-db"
TEAM = "group:default/team-a"
ADA = "user:default/ada"
SYSTEM = "system:default/checkout"


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    catalog = write(tmp_path / "catalog" / "catalog-info.yaml", CATALOG)
    portal = make_portal([{"type": "file", "target": str(catalog)}])
    portal.process()
    return portal


def graph(portal: Portal, *roots: str, **params: Any) -> EntityGraph:
    query = parse_graph_query(
        {"rootEntityRefs[]": list(roots), **{key: _list(value) for key, value in params.items()}}
    )
    with portal.runtime.database.transaction() as session:
        return build_graph(session, query)


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def refs(found: EntityGraph) -> set[str]:
    return {node.ref for node in found.nodes}


def edges(found: EntityGraph) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(edge.from_ref, edge.to_ref): edge.labels for edge in found.edges}


# --- depth -----------------------------------------------------------------------


def test_max_depth_limits_how_many_relations_away_entities_are(portal: Portal) -> None:
    assert refs(graph(portal, DB, maxDepth=1)) == {DB, LEDGER, TEAM}
    two = graph(portal, DB, maxDepth=2)
    assert refs(two) == {DB, LEDGER, TEAM, WEB, API, SYSTEM, ADA}
    assert {node.ref: node.depth for node in two.nodes}[WEB] == 2
    everything = graph(portal, DB, maxDepth="∞")
    assert refs(everything) == refs(two) | {GHOST}
    assert not everything.truncated


def test_roots_are_marked_and_nodes_carry_what_a_box_shows(portal: Portal) -> None:
    found = graph(portal, WEB, LEDGER, maxDepth=1)
    nodes = {node.ref: node for node in found.nodes}
    assert {ref for ref, node in nodes.items() if node.is_root} == {WEB, LEDGER}
    assert [node.ref for node in found.nodes][:2] == [WEB, LEDGER]
    ledger = nodes[LEDGER]
    assert (ledger.kind, ledger.namespace, ledger.name) == ("Component", "default", "ledger")
    assert (ledger.title, ledger.spec_type, ledger.label) == (
        "Ledger Service",
        "service",
        "Ledger Service",
    )
    assert nodes[WEB].label == "checkout-web"  # its kind is drawn above the label
    assert nodes[TEAM].kind == "Group"


def test_a_user_is_shown_by_display_name(portal: Portal) -> None:
    ada = {node.ref: node for node in graph(portal, ADA, maxDepth=1).nodes}[ADA]
    assert ada.label == "Ada Lovelace"


def test_a_relation_to_an_entity_nobody_defined_shows_a_missing_node(portal: Portal) -> None:
    found = graph(portal, WEB, maxDepth=1)
    ghost = {node.ref: node for node in found.nodes}[GHOST]
    assert ghost.missing
    assert (ghost.kind, ghost.name, ghost.label) == (
        "component",
        "ghost-lib",
        "ghost-lib",
    )
    assert edges(found)[(WEB, GHOST)] == ("dependsOn", "dependencyOf")
    assert not any(node.missing for node in found.nodes if node.ref != GHOST)


def test_an_unknown_root_is_a_lone_missing_node(portal: Portal) -> None:
    found = graph(portal, "component:default/nowhere")
    assert [(node.ref, node.missing, node.is_root) for node in found.nodes] == [
        ("component:default/nowhere", True, True)
    ]
    assert found.edges == ()


# --- filters ---------------------------------------------------------------------


def test_selected_kinds_drop_other_entities_but_never_a_root(portal: Portal) -> None:
    assert refs(graph(portal, WEB, selectedKinds=["Component", "api"])) == {
        WEB,
        LEDGER,
        GHOST,
        API,
    }
    assert refs(graph(portal, SYSTEM, selectedKinds=["component"])) == {
        SYSTEM,
        LEDGER,
        WEB,
        GHOST,
    }


def test_a_dropped_kind_is_not_walked_through(portal: Portal) -> None:
    # Ada reaches the components only through her group.
    assert refs(graph(portal, ADA, selectedKinds=["component", "user"])) == {ADA}
    assert LEDGER in refs(graph(portal, ADA, selectedKinds=["component", "group"]))


def test_selected_relations_are_the_only_ones_followed_and_drawn(portal: Portal) -> None:
    found = graph(portal, WEB, selectedRelations=["dependsOn"])
    assert refs(found) == {WEB, LEDGER, GHOST, DB}
    assert edges(found) == {
        (WEB, LEDGER): ("dependsOn", "dependencyOf"),
        (WEB, GHOST): ("dependsOn", "dependencyOf"),
        (LEDGER, DB): ("dependsOn", "dependencyOf"),
    }
    # Relations are followed in the direction they read from the entity.
    assert refs(graph(portal, DB, selectedRelations=["dependsOn"])) == {DB}
    owned = graph(portal, WEB, selectedRelations=["ownedBy"], mergeRelations="false")
    assert edges(owned) == {(WEB, TEAM): ("ownedBy",)}


# --- unidirectional and merged relations ------------------------------------------


def test_unidirectional_keeps_only_edges_leading_away_from_the_roots(portal: Portal) -> None:
    simple = graph(portal, WEB, maxDepth=1)
    # One edge to each neighbour; none between the neighbours themselves.
    assert sorted(edges(simple)) == sorted(
        [(TEAM, WEB), (SYSTEM, WEB), (WEB, API), (WEB, LEDGER), (WEB, GHOST)]
    )
    full = graph(portal, WEB, maxDepth=1, unidirectional="false")
    assert set(edges(simple)) < set(edges(full))
    assert edges(full)[(TEAM, LEDGER)] == ("ownerOf", "ownedBy")
    assert edges(full)[(API, LEDGER)] == ("apiProvidedBy", "providesApi")


def test_merged_relations_are_one_edge_labelled_with_both(portal: Portal) -> None:
    merged = edges(graph(portal, WEB, maxDepth=1))
    assert merged[(TEAM, WEB)] == ("ownerOf", "ownedBy")
    assert merged[(WEB, API)] == ("consumesApi", "apiConsumedBy")
    assert merged[(SYSTEM, WEB)] == ("hasPart", "partOf")
    assert (WEB, TEAM) not in merged


def test_unmerged_relations_read_from_the_entity_nearer_the_root(portal: Portal) -> None:
    simple = edges(graph(portal, WEB, maxDepth=1, mergeRelations="false"))
    assert simple[(WEB, TEAM)] == ("ownedBy",)
    assert simple[(WEB, SYSTEM)] == ("partOf",)
    assert simple[(WEB, API)] == ("consumesApi",)
    assert (TEAM, WEB) not in simple
    both_ways = edges(
        graph(portal, WEB, maxDepth=1, mergeRelations="false", unidirectional="false")
    )
    assert both_ways[(WEB, TEAM)] == ("ownedBy",)
    assert both_ways[(TEAM, WEB)] == ("ownerOf",)


# --- limits ----------------------------------------------------------------------


def test_the_node_cap_truncates_and_says_so(portal: Portal) -> None:
    query = parse_graph_query({"rootEntityRefs": [WEB]})
    with portal.runtime.database.transaction() as session:
        found = build_graph(session, query, max_nodes=4)
    assert found.truncated
    assert len(found.nodes) == 4
    assert found.nodes[0].ref == WEB
    shown = refs(found)
    assert all(edge.from_ref in shown and edge.to_ref in shown for edge in found.edges)


def _chain(length: int) -> str:
    return "".join(
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata: {{name: c{i}}}\n"
        f"spec: {{type: library, lifecycle: production, owner: team-a"
        + (f", dependsOn: [component:c{i + 1}]" if i + 1 < length else "")
        + "}\n"
        for i in range(length)
    )


@pytest.fixture
def chain_portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    catalog = write(tmp_path / "chain" / "catalog-info.yaml", _chain(MAX_DEPTH + 5))
    portal = make_portal([{"type": "file", "target": str(catalog)}])
    portal.process()
    return portal


def test_an_unlimited_depth_stops_at_the_ceiling_and_says_so(chain_portal: Portal) -> None:
    found = graph(chain_portal, "component:default/c0", maxDepth="∞", selectedKinds="component")
    assert len(found.nodes) == MAX_DEPTH + 1
    assert found.truncated
    asked = graph(chain_portal, "component:default/c0", maxDepth=3, selectedKinds="component")
    assert len(asked.nodes) == 4
    assert not asked.truncated


def test_each_level_is_read_in_a_few_batched_queries(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    many = "".join(
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata: {{name: s{i}}}\nspec: {{type: service, lifecycle: production, owner: team-a}}\n"
        for i in range(60)
    )
    catalog = write(tmp_path / "wide" / "catalog-info.yaml", CATALOG + many)
    portal = make_portal([{"type": "file", "target": str(catalog)}])
    portal.process()
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    engine = portal.runtime.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        found = graph(portal, TEAM, maxDepth=1)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(found.nodes) > 60
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) <= 8


# --- parameters ------------------------------------------------------------------


def test_parameters_default_as_backstage_does() -> None:
    assert parse_graph_query({"rootEntityRefs[]": ["Component:default/Ledger"]}) == GraphQuery(
        root_refs=(LEDGER,),
        max_depth=None,
        selected_kinds=(),
        selected_relations=(),
        unidirectional=True,
        merge_relations=True,
        direction="LR",
    )


def test_parameters_are_read_with_or_without_brackets() -> None:
    query = parse_graph_query(
        {
            "rootEntityRefs[]": ["component:ledger"],
            "rootEntityRefs": ["group:team-a", "component:default/ledger"],
            "maxDepth": ["2"],
            "selectedKinds": ["Component"],
            "selectedKinds[]": ["API"],
            "selectedRelations[]": ["ownedBy", "dependsOn"],
            "unidirectional": ["false"],
            "mergeRelations": ["FALSE"],
            "direction": ["tb"],
        }
    )
    assert query.root_refs == (LEDGER, TEAM)
    assert query.max_depth == 2
    assert set(query.selected_kinds) == {"component", "api"}
    assert query.selected_relations == ("ownedBy", "dependsOn")
    assert (query.unidirectional, query.merge_relations, query.direction) == (False, False, "TB")


def test_an_unlimited_or_too_deep_max_depth_means_as_far_as_allowed() -> None:
    for value in ("∞", "inf", str(MAX_DEPTH + 1)):
        assert parse_graph_query({"maxDepth": [value]}).max_depth is None
    assert parse_graph_query({"maxDepth": [str(MAX_DEPTH)]}).max_depth == MAX_DEPTH


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"rootEntityRefs[]": ["ledger"]}, "rootEntityRefs"),
        ({"rootEntityRefs": ["component:"]}, "rootEntityRefs"),
        ({"maxDepth": ["deep"]}, "maxDepth"),
        ({"maxDepth": ["0"]}, "maxDepth"),
        ({"maxDepth": ["-2"]}, "maxDepth"),
        ({"maxDepth": ["²"]}, "maxDepth"),
        ({"maxDepth": ["9" * 5000]}, "maxDepth"),
        ({"direction": ["up"]}, "direction"),
        ({"unidirectional": ["maybe"]}, "unidirectional"),
        ({"mergeRelations": ["2"]}, "mergeRelations"),
        ({"rootEntityRefs": [f"component:c{i}" for i in range(51)]}, "rootEntityRefs"),
    ],
)
def test_bad_parameters_are_input_errors_naming_the_parameter(
    params: dict[str, list[str]], named: str
) -> None:
    with pytest.raises(InputError) as raised:
        parse_graph_query(params)
    assert raised.value.message.startswith(named)
