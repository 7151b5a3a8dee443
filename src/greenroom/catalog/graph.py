"""The catalog graph: the entities around some root entities and the relations between them.

What Backstage's catalog-graph plugin (`/catalog-graph`, the entity page's
relations card) shows, built on the server from the same query parameters.
Backstage walks the graph in the browser, one catalog request per entity;
here each level of the walk is one batch of queries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from greenroom.catalog.model import (
    DEFAULT_NAMESPACE,
    RELATION_PAIRS,
    InvalidEntityRef,
    parse_entity_ref,
)
from greenroom.catalog.query_repository import CatalogQueryRepository, StoredEntity
from greenroom.catalog.service import canonical_ref
from greenroom.errors import InputError

MAX_NODES = 500
"""A bigger graph is cut at this many entities (and says so): nobody reads more in one picture."""
MAX_DEPTH = 20
"""How far `maxDepth=∞` walks; each level costs a few queries."""
MAX_ROOTS = 50
DIRECTIONS = ("TB", "BT", "LR", "RL")
INFINITE_DEPTH = "∞"  # how Backstage writes an unlimited maxDepth in its URLs

# Lowercase type -> (the type the graph shows first, its reverse), as Backstage pairs them.
_PAIRS: dict[str, tuple[str, str]] = {
    **{first.lower(): (first, second) for first, second in RELATION_PAIRS},
    **{second.lower(): (first, second) for first, second in RELATION_PAIRS},
}


@dataclass(frozen=True, slots=True)
class GraphQuery:
    """What to draw: Backstage's catalog-graph page parameters, validated."""

    root_refs: tuple[str, ...] = ()
    max_depth: int | None = None
    """None: as far as relations lead, up to MAX_DEPTH."""
    selected_kinds: tuple[str, ...] = ()
    """Lowercase kinds to include; empty means every kind."""
    selected_relations: tuple[str, ...] = ()
    """Relation types to follow and draw; empty means every type."""
    unidirectional: bool = True
    merge_relations: bool = True
    direction: str = "LR"


@dataclass(frozen=True, slots=True)
class GraphNode:
    ref: str
    kind: str
    namespace: str
    name: str
    title: str | None
    """metadata.title, or a user's or group's spec.profile.displayName."""
    spec_type: str | None
    is_root: bool
    missing: bool
    """A relation points at it but the catalog has no such entity."""
    depth: int
    """Relations walked from the nearest root."""

    @property
    def label(self) -> str:
        """The text a graph shows: the title, else the name (the kind is drawn above it)."""
        if self.title:
            return self.title
        namespace = "" if self.namespace == DEFAULT_NAMESPACE else f"{self.namespace}/"
        return f"{namespace}{self.name}"


@dataclass(frozen=True, slots=True)
class GraphEdge:
    from_ref: str
    to_ref: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityGraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    truncated: bool
    """Entities were left out because of MAX_NODES or MAX_DEPTH."""


# --- query parameters ----------------------------------------------------------


def parse_graph_query(params: Mapping[str, list[str]]) -> GraphQuery:
    """Read `/catalog-graph` parameters, `name[]=` or `name=`; InputError names a bad one."""
    roots = tuple(dict.fromkeys(_root_ref(value) for value in _values(params, "rootEntityRefs")))
    if len(roots) > MAX_ROOTS:
        raise InputError(f"rootEntityRefs: at most {MAX_ROOTS} root entities, got {len(roots)}")
    kinds = _values(params, "selectedKinds")
    relations = _values(params, "selectedRelations")
    return GraphQuery(
        root_refs=roots,
        max_depth=_max_depth(_last(params, "maxDepth")),
        selected_kinds=tuple(dict.fromkeys(kind.lower() for kind in kinds)),
        selected_relations=tuple(dict.fromkeys(relations)),
        unidirectional=_flag(params, "unidirectional"),
        merge_relations=_flag(params, "mergeRelations"),
        direction=_direction(_last(params, "direction")),
    )


def _values(params: Mapping[str, list[str]], name: str) -> list[str]:
    # Backstage writes arrays as `name[]=` (qs, arrayFormat "brackets"); links typed
    # by hand often drop the brackets.
    raw = [*params.get(f"{name}[]", []), *params.get(name, [])]
    return [stripped for value in raw if (stripped := value.strip())]


def _last(params: Mapping[str, list[str]], name: str) -> str | None:
    values = _values(params, name)
    return values[-1] if values else None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _root_ref(value: str) -> str:
    try:
        return canonical_ref(value)
    except InputError as exc:
        raise InputError(f"rootEntityRefs: {exc.message}") from exc


def _max_depth(value: str | None) -> int | None:
    if value is None or value.lower() in (INFINITE_DEPTH, "inf", "infinity"):
        return None
    # isdigit() alone also takes "²" and "٣", which int() refuses or reads.
    plain = value.isascii() and value.isdigit() and len(value) <= 9
    depth = int(value) if plain else 0
    if depth < 1:
        raise InputError(
            f"maxDepth must be a whole number of at least 1, or {INFINITE_DEPTH}; "
            f"got {_shown(value)}"
        )
    return None if depth > MAX_DEPTH else depth


def _flag(params: Mapping[str, list[str]], name: str) -> bool:
    value = _last(params, name)
    if value is None:
        return True  # both of Backstage's switches default to on
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InputError(f"{name} must be true or false; got {_shown(value)}")


def _direction(value: str | None) -> str:
    if value is None:
        return "LR"
    if value.upper() not in DIRECTIONS:
        raise InputError(f"direction must be one of {', '.join(DIRECTIONS)}; got {_shown(value)}")
    return value.upper()


# --- the walk ------------------------------------------------------------------


def build_graph(session: Session, query: GraphQuery, *, max_nodes: int = MAX_NODES) -> EntityGraph:
    """The entities within `query.max_depth` relations of the roots, and the edges to draw."""
    repository = CatalogQueryRepository(session)
    walk = _Walk(query)
    frontier = list(query.root_refs)
    depth = 0
    while frontier:
        found = repository.by_refs(frontier)
        for ref in frontier:
            walk.add_node(ref, found.get(ref), depth)
        # Relations of the last level too: they join it to its own level and the one before.
        present = [ref for ref in frontier if ref in found]
        walk.relations.update(repository.relations_of(present) if present else {})
        following = walk.next_level(present)
        if depth == (query.max_depth or MAX_DEPTH):
            walk.truncated |= bool(following) and query.max_depth is None
            break
        room = max(0, max_nodes - len(walk.nodes))  # roots are always shown
        walk.truncated |= len(following) > room
        frontier = following[:room]
        depth += 1
    return EntityGraph(
        nodes=tuple(walk.nodes.values()), edges=walk.edges(), truncated=walk.truncated
    )


class _Walk:
    """The state of one breadth-first walk: nodes found so far and the relations read."""

    def __init__(self, query: GraphQuery) -> None:
        self.query = query
        self.kinds = frozenset(query.selected_kinds)
        self.relation_keys = frozenset(r.lower() for r in query.selected_relations)
        self.nodes: dict[str, GraphNode] = {}
        self.relations: dict[str, list[tuple[str, str]]] = {}
        self.truncated = False

    def follows(self, relation_type: str) -> bool:
        return not self.relation_keys or relation_type.lower() in self.relation_keys

    def add_node(self, ref: str, stored: StoredEntity | None, depth: int) -> None:
        self.nodes[ref] = _node(ref, stored, depth, is_root=ref in self.query.root_refs)

    def next_level(self, refs: Iterable[str]) -> list[str]:
        """Refs one relation away from `refs`, not seen yet, of a selected kind."""
        following: dict[str, None] = {}
        for ref in refs:
            for relation_type, target in self.relations.get(ref, ()):
                if target in self.nodes or not self.follows(relation_type):
                    continue
                # Backstage filters kinds on the target's ref; a dropped entity is not
                # walked through, so what lies behind it appears only by another path.
                if self.kinds and target.partition(":")[0] not in self.kinds:
                    continue
                following[target] = None
        return list(following)

    def edges(self) -> tuple[GraphEdge, ...]:
        merged: dict[tuple[str, ...], tuple[str, str, list[str]]] = {}
        for ref, relations in self.relations.items():
            for relation_type, target in relations:
                if target not in self.nodes or not self.follows(relation_type):
                    continue
                if self.query.unidirectional and not self._outward(ref, relation_type, target):
                    continue
                if self.query.merge_relations:
                    _merge(merged, ref, relation_type, target)
                else:
                    _add(merged, (ref, target), ref, target, [relation_type])
        return tuple(
            GraphEdge(from_ref=source, to_ref=target, labels=tuple(labels))
            for source, target, labels in merged.values()
        )

    def _outward(self, ref: str, relation_type: str, target: str) -> bool:
        """Whether a relation leads one level further from the roots.

        Backstage's "simplified" graph keeps only the edges on shortest paths from
        the roots: relations back towards a root or across one level go.
        """
        source_depth, target_depth = self.nodes[ref].depth, self.nodes[target].depth
        if source_depth == target_depth == 0:  # between two roots: draw it once
            pair = _PAIRS.get(relation_type.lower())
            return pair is None or pair[0].lower() == relation_type.lower()
        return target_depth == source_depth + 1


def _merge(
    merged: dict[tuple[str, ...], tuple[str, str, list[str]]],
    ref: str,
    relation_type: str,
    target: str,
) -> None:
    """One edge per pair of entities, pointing the way its first relation reads."""
    pair = _PAIRS.get(relation_type.lower())
    if pair is None:
        source, sink, labels = ref, target, [relation_type]
    elif pair[0].lower() == relation_type.lower():
        source, sink, labels = ref, target, list(pair)
    else:
        source, sink, labels = target, ref, list(pair)
    _add(merged, tuple(sorted((source, sink))), source, sink, labels)


def _add(
    edges: dict[tuple[str, ...], tuple[str, str, list[str]]],
    key: tuple[str, ...],
    source: str,
    target: str,
    labels: list[str],
) -> None:
    existing = edges.get(key)
    if existing is None:
        edges[key] = (source, target, list(labels))
        return
    known = existing[2]
    known.extend(label for label in labels if label not in known)


def _node(ref: str, stored: StoredEntity | None, depth: int, *, is_root: bool) -> GraphNode:
    if stored is None:
        kind, namespace, name = _ref_parts(ref)
        return GraphNode(ref, kind, namespace, name, None, None, is_root, True, depth)
    entity: dict[str, Any] = json.loads(stored.body)
    metadata = _mapping(entity.get("metadata"))
    spec = _mapping(entity.get("spec"))
    kind, namespace, name = _ref_parts(ref)
    title = _text(metadata.get("title")) or _text(_mapping(spec.get("profile")).get("displayName"))
    return GraphNode(
        ref=ref,
        kind=_text(entity.get("kind")) or kind,
        namespace=_text(metadata.get("namespace")) or namespace,
        name=_text(metadata.get("name")) or name,
        title=title,
        spec_type=_text(spec.get("type")),
        is_root=is_root,
        missing=False,
        depth=depth,
    )


def _ref_parts(ref: str) -> tuple[str, str, str]:
    try:
        parsed = parse_entity_ref(ref)
    except InvalidEntityRef:  # stored refs are canonical; this is only a safe fallback
        return "", DEFAULT_NAMESPACE, ref
    return parsed.kind, parsed.namespace, parsed.name


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
