"""Laying out the catalog graph with Graphviz's dot: geometry a template can draw."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from greenroom.catalog.graph import EntityGraph, GraphEdge, GraphNode
from greenroom.catalog.graph_layout import (
    MAX_NODE_WIDTH,
    GraphLayout,
    GraphvizMissingError,
    NodeBox,
    displayed_label,
    dot_source,
    layout,
)
from greenroom.errors import InputError

NUMBER = r"-?\d+(?:\.\d+)?"
POINT = rf"{NUMBER},{NUMBER}"
PATH = re.compile(rf"M{POINT}(?: C{POINT} {POINT} {POINT})+")


def node(name: str, *, title: str | None = None, kind: str = "Component") -> GraphNode:
    ref = f"{kind.lower()}:default/{name}"
    return GraphNode(ref, kind, "default", name, title, "service", False, False, 0)


def small_graph() -> EntityGraph:
    team, web, api, ledger = (
        node("team-a", kind="Group"),
        node("checkout-web"),
        node("ledger-api", kind="API"),
        node("ledger", title="Ledger Service"),
    )
    return EntityGraph(
        nodes=(web, team, api, ledger),
        edges=(
            GraphEdge(team.ref, web.ref, ("ownerOf", "ownedBy")),
            GraphEdge(web.ref, api.ref, ("consumesApi", "apiConsumedBy")),
            GraphEdge(api.ref, ledger.ref, ("apiProvidedBy", "providesApi")),
            GraphEdge(web.ref, ledger.ref, ("dependsOn", "dependencyOf")),
        ),
        truncated=False,
    )


def chain() -> EntityGraph:
    first, second = node("first"), node("second")
    return EntityGraph((first, second), (GraphEdge(first.ref, second.ref, ("dependsOn",)),), False)


def start_of(d: str) -> tuple[float, float]:
    x, y = re.findall(NUMBER, d)[:2]
    return float(x), float(y)


def near(box: NodeBox, x: float, y: float, slack: float = 3.0) -> bool:
    """Whether a point is on (or just outside) a node's box: where an edge meets it."""
    return (
        box.x - slack <= x <= box.x + box.width + slack
        and box.y - slack <= y <= box.y + box.height + slack
    )


def assert_drawable(result: GraphLayout, graph: EntityGraph) -> None:
    assert [box.ref for box in result.nodes] == [n.ref for n in graph.nodes]
    for box in result.nodes:
        assert box.x >= 0
        assert box.x + box.width <= result.width
        assert box.y >= 0
        assert box.y + box.height <= result.height
    for box in result.nodes:
        for other in result.nodes:
            if box.index < other.index:  # no two boxes overlap
                assert (
                    box.x + box.width <= other.x
                    or other.x + other.width <= box.x
                    or box.y + box.height <= other.y
                    or other.y + other.height <= box.y
                )
    boxes = {box.ref: box for box in result.nodes}
    assert [(e.from_ref, e.to_ref, e.labels) for e in result.edges] == [
        (e.from_ref, e.to_ref, e.labels) for e in graph.edges
    ]
    for edge in result.edges:
        assert PATH.fullmatch(edge.d), edge.d
        assert near(boxes[edge.from_ref], *start_of(edge.d))
        assert near(boxes[edge.to_ref], edge.end_x, edge.end_y)
        assert len(edge.arrow.split()) == 3
        assert 0 <= edge.label_x <= result.width
        assert 0 <= edge.label_y <= result.height
        assert edge.label_width > 0


def test_a_small_graph_is_laid_out_inside_its_canvas_with_edges_joining_their_nodes() -> None:
    graph = small_graph()
    result = layout(graph, "LR")
    assert result.direction == "LR"
    assert_drawable(result, graph)


@pytest.mark.parametrize(
    ("direction", "axis", "sign"),
    [("LR", "x", 1), ("RL", "x", -1), ("TB", "y", 1), ("BT", "y", -1)],
)
def test_each_direction_puts_the_target_on_its_side(direction: str, axis: str, sign: int) -> None:
    graph = chain()
    result = layout(graph, direction)
    assert_drawable(result, graph)
    first, second = result.nodes
    moved = getattr(second, f"center_{axis}") - getattr(first, f"center_{axis}")
    assert moved * sign > 0


def test_a_wider_label_gets_a_wider_box_up_to_a_limit() -> None:
    short, titled = node("a"), node("b", title="A rather long service title")
    huge, huger = node("x" * 300), node("y" * 600)
    graph = EntityGraph((short, titled, huge, huger), (), False)
    widths = [box.width for box in layout(graph, "LR").nodes]
    assert widths[0] < widths[1] < widths[2] == widths[3] <= MAX_NODE_WIDTH
    assert displayed_label(huge).endswith("…")
    assert len(displayed_label(huge)) < 60


def test_no_catalog_text_reaches_dot() -> None:
    evil = node('evil"];x', title='"];evil -> n0 [label=<<b>hi</b>>]; //')
    other = node("other", title="}\ndigraph { a -> b")
    graph = EntityGraph((evil, other), (GraphEdge(evil.ref, other.ref, ('a"];b',)),), False)
    source = dot_source(graph, "TB")
    for text in ("evil", "other", "digraph { a", 'a"];b', "hi"):
        assert text not in source
    result = layout(graph, "TB")
    assert_drawable(result, graph)
    assert result.edges[0].labels == ('a"];b',)


def test_a_250_node_graph_is_laid_out_quickly() -> None:
    rng = random.Random(7)
    nodes = [
        node(f"service-{i}", title=f"Service number {i}" if i % 3 else None) for i in range(250)
    ]
    edges = [
        GraphEdge(nodes[rng.randrange(i)].ref, nodes[i].ref, ("dependsOn", "dependencyOf"))
        for i in range(1, 250)
    ]
    for _ in range(50):
        a, b = rng.sample(range(250), 2)
        edges.append(GraphEdge(nodes[a].ref, nodes[b].ref, ("ownerOf", "ownedBy")))
    graph = EntityGraph(tuple(nodes), tuple(edges), False)
    started = time.perf_counter()
    result = layout(graph, "LR")
    assert time.perf_counter() - started < 5
    assert len(result.nodes) == 250
    assert len(result.edges) == 299
    assert all(PATH.fullmatch(edge.d) for edge in result.edges)


def test_an_empty_graph_needs_no_dot() -> None:
    result = layout(EntityGraph((), (), False), "LR")
    assert (result.width, result.height, result.nodes, result.edges) == (0, 0, (), ())


def test_an_unknown_direction_is_an_input_error() -> None:
    with pytest.raises(InputError, match="direction"):
        layout(chain(), "sideways")


def test_without_graphviz_the_error_tells_the_operator_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizMissingError) as raised:
        layout(chain(), "LR")
    assert "apt-get install graphviz" in raised.value.message
