"""Laying out a catalog graph with Graphviz's `dot`, as geometry a template draws as SVG.

dot only ever sees numbers: nodes are `n0, n1, ...` with a fixed size estimated
from their label, edge labels are empty boxes of an estimated size. Titles and
refs never reach it, so no catalog text can break or steer the DOT source, and
the template writes every string itself, autoescaped.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import graphviz  # type: ignore[import-untyped]

from greenroom.catalog.graph import DIRECTIONS, EntityGraph, GraphNode
from greenroom.errors import ConfigurationError, GreenroomError, InputError

# Sizes in SVG pixels, for the templates' fonts: 14px node labels, 12px edge labels.
NODE_HEIGHT = 40.0
NODE_CHAR_WIDTH = 7.6
"""Average advance of one character of a node label; long enough for most sans-serif text."""
NODE_PADDING = 20.0
"""Left plus right padding around a node's label."""
NODE_ICON_WIDTH = 24.0
"""Room for the kind icon the template draws before the label."""
MIN_NODE_WIDTH = 100.0
MAX_NODE_WIDTH = 340.0
"""Longer labels are cut to MAX_LABEL_CHARS by the template (`displayed_label`)."""
EDGE_LABEL_CHAR_WIDTH = 6.6
EDGE_LABEL_HEIGHT = 16.0
EDGE_LABEL_SEPARATOR = " / "
"""How merged relations read on one edge (`ownerOf / ownedBy`), as in Backstage."""
CANVAS_PADDING = 16.0
ARROW_HALF_WIDTH = 0.35
"""An arrowhead's half-width per unit of length: Graphviz's own `normal` arrow."""
LAYOUT_TIMEOUT_SECONDS = 10.0

MAX_LABEL_CHARS = int((MAX_NODE_WIDTH - NODE_PADDING - NODE_ICON_WIDTH) / NODE_CHAR_WIDTH)
_ToSvg = Callable[[str], tuple[float, float]]
_POINTS_PER_INCH = 72.0  # dot sizes nodes in inches and places them in points (= SVG px)


class GraphvizMissingError(ConfigurationError):
    """The `dot` program is not installed where greenroom runs."""

    status_code = 503
    name = "GraphvizMissingError"


class GraphLayoutError(GreenroomError):
    """dot failed or ran out of time on a graph."""

    status_code = 503
    name = "GraphLayoutError"


@dataclass(frozen=True, slots=True)
class NodeBox:
    """Where a node goes: its top-left corner and size on the canvas."""

    index: int
    ref: str
    x: float
    y: float
    width: float
    height: float

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class EdgePath:
    """How an edge is drawn: an SVG path `d`, its arrowhead and where its label sits."""

    index: int
    from_ref: str
    to_ref: str
    labels: tuple[str, ...]
    d: str
    """`M x,y C x,y x,y x,y ...`, ending where the arrowhead begins."""
    arrow: str
    """The arrowhead as SVG polygon points `x,y x,y x,y`; empty when there is none."""
    end_x: float
    end_y: float
    """The arrow's tip, on the border of the target node."""
    label_x: float
    label_y: float
    """The centre of the label."""
    label_width: float
    label_height: float


@dataclass(frozen=True, slots=True)
class GraphLayout:
    width: float
    height: float
    direction: str
    nodes: tuple[NodeBox, ...]
    edges: tuple[EdgePath, ...]


def displayed_label(node: GraphNode) -> str:
    """The label as drawn: cut to what the widest node holds."""
    label = node.label
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


KIND_LINE_CHAR_WIDTH = 6.6
"""The small uppercase kind line above the label (`COMPONENT · SERVICE`)."""


def kind_line(node: GraphNode) -> str:
    return f"{node.kind} · {node.spec_type}" if node.spec_type else node.kind


def node_size(node: GraphNode) -> tuple[float, float]:
    text = max(
        len(displayed_label(node)) * NODE_CHAR_WIDTH,
        len(kind_line(node)) * KIND_LINE_CHAR_WIDTH,
    )
    width = min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, text + NODE_PADDING + NODE_ICON_WIDTH))
    return math.ceil(width), NODE_HEIGHT


def edge_label_size(labels: tuple[str, ...]) -> tuple[float, float]:
    text = EDGE_LABEL_SEPARATOR.join(labels)
    return math.ceil(len(text) * EDGE_LABEL_CHAR_WIDTH), EDGE_LABEL_HEIGHT


def dot_source(graph: EntityGraph, direction: str) -> str:
    """The DOT text for `graph`: indices and sizes only."""
    if direction not in DIRECTIONS:
        raise InputError(f"direction must be one of {', '.join(DIRECTIONS)}; got {direction!r}")
    dot = graphviz.Digraph(
        graph_attr={
            "rankdir": direction,
            "nodesep": "0.4",
            "ranksep": "0.5",
            # Bounded effort: on big graphs dot keeps iterating long after the picture
            # stops improving; this saves about a third of the time at 250 nodes and
            # leaves graphs of a few dozen nodes drawn exactly as before.
            "mclimit": "0.5",
            "nslimit": "4",
            "nslimit1": "4",
        },
        node_attr={"shape": "box", "fixedsize": "true", "label": ""},
        edge_attr={"arrowsize": "0.8"},
    )
    index = {node.ref: i for i, node in enumerate(graph.nodes)}
    for i, node in enumerate(graph.nodes):
        width, height = node_size(node)
        dot.node(f"n{i}", width=_inches(width), height=_inches(height))
    for i, edge in enumerate(graph.edges):
        width, height = edge_label_size(edge.labels)
        # An HTML-like label that is one empty cell of a fixed size: dot keeps room
        # for the text without being given it.
        label = (
            '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{height:.0f}"></TD>'
            "</TR></TABLE>>"
        )
        dot.edge(f"n{index[edge.from_ref]}", f"n{index[edge.to_ref]}", label=label, id=f"e{i}")
    source: str = dot.source
    return source


def layout(graph: EntityGraph, direction: str) -> GraphLayout:
    """Place the nodes and route the edges of `graph`; raise if dot is missing or fails."""
    source = dot_source(graph, direction)
    if not graph.nodes:
        return GraphLayout(0.0, 0.0, direction, (), ())
    answer = _run_dot(source)
    llx, lly, urx, ury = (float(v) for v in answer["bb"].split(","))

    def to_svg(point: str) -> tuple[float, float]:
        x, y = point.split(",")[:2]
        # dot's y axis points up from the bottom-left corner; SVG's points down.
        return float(x) - llx + CANVAS_PADDING, ury - float(y) + CANVAS_PADDING

    nodes = []
    for item in answer.get("objects", []):
        name = str(item.get("name", ""))
        if not name.startswith("n") or "pos" not in item:
            continue
        i = int(name[1:])
        x, y = to_svg(item["pos"])
        width, height = node_size(graph.nodes[i])  # fixedsize: what dot was given
        box = NodeBox(i, graph.nodes[i].ref, _r(x - width / 2), _r(y - height / 2), width, height)
        nodes.append(box)
    nodes.sort(key=lambda box: box.index)
    edges = [_edge(graph, item, to_svg) for item in answer.get("edges", [])]
    edges.sort(key=lambda path: path.index)
    return GraphLayout(
        width=_r(urx - llx + 2 * CANVAS_PADDING),
        height=_r(ury - lly + 2 * CANVAS_PADDING),
        direction=direction,
        nodes=tuple(nodes),
        edges=tuple(edges),
    )


def _run_dot(source: str) -> dict[str, Any]:
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizMissingError(
            "The catalog graph needs Graphviz's dot program, which is not installed here; "
            "install Graphviz (Debian/Ubuntu: apt-get install graphviz) and restart greenroom"
        )
    # Run dot directly rather than through graphviz.pipe(): that has no timeout, and
    # a stuck layout must not hold a request (and its worker) forever.
    try:
        done = subprocess.run(
            [executable, "-Tjson0"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=LAYOUT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GraphLayoutError(
            f"Laying out the graph took longer than {LAYOUT_TIMEOUT_SECONDS:.0f} s; "
            "lower maxDepth or select fewer kinds or relations"
        ) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise GraphLayoutError(f"Graphviz could not lay out the graph: {''.join(reason)}")
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def _edge(graph: EntityGraph, item: dict[str, Any], to_svg: _ToSvg) -> EdgePath:
    i = int(str(item["id"])[1:])
    edge = graph.edges[i]
    end: tuple[float, float] | None = None
    points: list[tuple[float, float]] = []
    # "e,x,y" is the arrow tip ("s,x,y" a tail arrow, which greenroom never asks for);
    # the rest are B-spline control points p0 p1 p2 p3 p4 p5 p6 ..., one cubic Bezier
    # per three after the first. A ";" would start a second spline of a merged edge.
    for token in str(item.get("pos", "")).split(";")[0].split():
        if token.startswith("e,"):
            end = to_svg(token[2:])
        elif not token.startswith("s,"):
            points.append(to_svg(token))
    d = _path(points)
    arrow = ""
    if end is not None and points:
        arrow = _arrowhead(points[-1], end)
    tip = end or (points[-1] if points else (0.0, 0.0))
    label_width, label_height = edge_label_size(edge.labels)
    label_x, label_y = to_svg(item["lp"]) if "lp" in item else _middle(points)
    return EdgePath(
        index=i,
        from_ref=edge.from_ref,
        to_ref=edge.to_ref,
        labels=edge.labels,
        d=d,
        arrow=arrow,
        end_x=_r(tip[0]),
        end_y=_r(tip[1]),
        label_x=_r(label_x),
        label_y=_r(label_y),
        label_width=label_width,
        label_height=label_height,
    )


def _path(points: list[tuple[float, float]]) -> str:
    if not points:
        return ""
    parts = [f"M{_xy(points[0])}"]
    for k in range(1, len(points) - 2, 3):
        parts.append(f"C{_xy(points[k])} {_xy(points[k + 1])} {_xy(points[k + 2])}")
    return " ".join(parts)


def _arrowhead(base: tuple[float, float], tip: tuple[float, float]) -> str:
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    if dx == 0 and dy == 0:
        return ""
    wx, wy = -dy * ARROW_HALF_WIDTH, dx * ARROW_HALF_WIDTH
    left = (base[0] + wx, base[1] + wy)
    right = (base[0] - wx, base[1] - wy)
    return f"{_xy(tip)} {_xy(left)} {_xy(right)}"


def _middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    return points[len(points) // 2] if points else (0.0, 0.0)


def _inches(pixels: float) -> str:
    return f"{pixels / _POINTS_PER_INCH:.4f}"


def _r(value: float) -> float:
    return round(value, 2)


def _xy(point: tuple[float, float]) -> str:
    return f"{point[0]:.2f},{point[1]:.2f}"
