"""`/catalog-graph`: Backstage's catalog graph page, drawn on the server as SVG.

The parameters are Backstage's, so its links work; the controls are a GET form,
so every change is a URL. `/catalog-graph/fragment` is the SVG alone, which
entity pages load after they render (the page itself never waits for `dot`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from greenroom.catalog.graph import (
    DIRECTIONS,
    EntityGraph,
    GraphQuery,
    build_graph,
    parse_graph_query,
)
from greenroom.catalog.graph_layout import GraphLayout, displayed_label, layout
from greenroom.catalog.model import RELATION_PAIRS
from greenroom.errors import GreenroomError
from greenroom.web.page import Page, PageDep

router = APIRouter(include_in_schema=False)
GRAPH_KINDS = ("component", "api", "resource", "system", "domain", "group", "user", "location")
RELATION_TYPES = tuple(relation for pair in RELATION_PAIRS for relation in pair)


@router.get("/catalog-graph", response_class=HTMLResponse)
def catalog_graph(page: PageDep) -> HTMLResponse:
    query = parse_graph_query(_params(page))
    return page.render(
        "catalog/graph.html",
        {
            **_drawing(page, query),
            "query": query,
            "kinds": GRAPH_KINDS,
            "relation_types": RELATION_TYPES,
            "directions": DIRECTIONS,
        },
    )


@router.get("/catalog-graph/fragment", response_class=HTMLResponse)
def catalog_graph_fragment(page: PageDep) -> HTMLResponse:
    query = parse_graph_query(_params(page))
    return page.render("catalog/_graph_svg.html", _drawing(page, query))


def _params(page: Page) -> dict[str, list[str]]:
    query_params = page.request.query_params
    params = {key: query_params.getlist(key) for key in query_params}
    for key in ("rootEntityRefs[]", "rootEntityRefs"):
        # The page's form sends the roots as one text box, one ref per line.
        if key in params:
            params[key] = [ref for value in params[key] for ref in value.split()]
    return params


def _drawing(page: Page, query: GraphQuery) -> dict[str, Any]:
    graph = build_graph(page.session, query)
    drawn: GraphLayout | None = None
    problem: str | None = None
    if graph.nodes:
        try:
            drawn = layout(graph, query.direction)
        except GreenroomError as exc:  # dot missing or failing: say so on the page
            problem = exc.message
    return {
        "graph": graph,
        "drawn": drawn,
        "problem": problem,
        "node_info": _node_info(graph),
        "graph_query": query,
    }


def _node_info(graph: EntityGraph) -> dict[str, dict[str, Any]]:
    return {
        node.ref: {
            "label": displayed_label(node),
            "full_label": node.label,
            "kind": node.kind,
            "type": node.spec_type,
            "root": node.is_root,
            "missing": node.missing,
        }
        for node in graph.nodes
    }
