"""The catalog's YAML loader: libyaml for speed, the YAML 1.2 core schema for meaning.

Backstage reads descriptors with the npm `yaml` package in YAML 1.2 mode. PyYAML's
safe loader speaks YAML 1.1, where `on`, `no`, `0755`, `1:20` and `2024-01-01` turn
into booleans, octal and base-60 numbers and dates. A descriptor must mean the same in
both portals (and a date would not survive JSON storage), so only the core schema's
null, bool, int and float are resolved and everything else stays a string. Also as in
Backstage: `<<` is a plain key (merge keys are YAML 1.1), a duplicate key is an error,
an unknown tag (`!foo`, `!!binary`, `!!timestamp`) keeps the plain value, keys become
strings (JSON objects have no other keys), and alias expansion is capped against
"billion laughs" documents.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, ClassVar, Protocol

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_ALIAS_EXPANSION = 100_000
"""Nodes that aliases may add to a document beyond the nodes actually written."""

_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")


class CoreSchemaResolver(BaseResolver):
    """Plain scalars resolve to null, bool, int or float only as YAML 1.2's core schema says."""

    # PyYAML's class-level registry; add_implicit_resolver fills this copy, not the base's.
    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012

    # libyaml calls these for every node. There are no path resolvers here, so the
    # base class's general versions (path bookkeeping, list concatenation per scalar)
    # only cost time: about a fifth of composing a descriptor.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return str(tag)
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


CoreSchemaResolver.add_implicit_resolver(
    _TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
CoreSchemaResolver.add_implicit_resolver(
    _TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
CoreSchemaResolver.add_implicit_resolver(
    _TAG + "int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
CoreSchemaResolver.add_implicit_resolver(
    _TAG + "float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _bad_scalar(node: ScalarNode, kind: str) -> ConstructorError:
    return ConstructorError(None, None, f"{node.value!r} is not a valid {kind}", node.start_mark)


class CoreSchemaConstructor(SafeConstructor):
    """Builds JSON-shaped values: dict (str keys), list, str, int, float, bool, None."""

    # PyYAML's class-level registry: a fresh one, so no YAML 1.1 constructor is inherited.
    yaml_constructors: ClassVar[dict[str | None, Any]] = {}

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _json_key(self.construct_object(key_node), key_node)
            if key in mapping:
                raise ConstructorError(None, None, f'duplicate key "{key}"', key_node.start_mark)
            mapping[key] = self.construct_object(value_node)
        return mapping

    def construct_core_int(self, node: ScalarNode) -> int:
        value = self.construct_scalar(node)
        if _OCT.match(value):
            return int(value[2:], 8)
        if _HEX.match(value):
            return int(value[2:], 16)
        if _INT.match(value):
            return int(value)
        raise _bad_scalar(node, "integer")

    def construct_core_float(self, node: ScalarNode) -> float:
        value = self.construct_scalar(node)
        if _INF.match(value):
            return -math.inf if value.startswith("-") else math.inf
        if _NAN.match(value):
            return math.nan
        if _FLOAT.match(value):
            return float(value)
        raise _bad_scalar(node, "float")

    def construct_core_bool(self, node: ScalarNode) -> bool:
        value = self.construct_scalar(node).lower()
        if value not in ("true", "false"):
            raise _bad_scalar(node, "boolean")
        return value == "true"

    def construct_untagged(self, node: Node) -> Any:
        """An unknown tag keeps the value its node would have had without the tag."""
        if isinstance(node, MappingNode):
            return self.construct_mapping(node)
        if isinstance(node, SequenceNode):
            return self.construct_sequence(node)
        if isinstance(node, ScalarNode):
            return self.construct_scalar(node)
        raise ConstructorError(None, None, "unexpected node", node.start_mark)


def _json_key(key: Any, node: Node) -> str:
    # Stringified the way JavaScript's yaml `toJSON()` does, so both portals agree.
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return ""
    if isinstance(key, int | float):
        return str(int(key)) if isinstance(key, float) and key.is_integer() else str(key)
    raise ConstructorError(None, None, "mapping keys must be scalars", node.start_mark)


# Containers are built eagerly (not with PyYAML's generators) so that a recursive alias
# is an error instead of a self-containing dict that JSON cannot store.
_CONSTRUCTORS: dict[str | None, Callable[..., Any]] = {
    _TAG + "null": lambda c, n: None,
    _TAG + "bool": CoreSchemaConstructor.construct_core_bool,
    _TAG + "int": CoreSchemaConstructor.construct_core_int,
    _TAG + "float": CoreSchemaConstructor.construct_core_float,
    _TAG + "str": SafeConstructor.construct_scalar,
    _TAG + "seq": lambda c, n: c.construct_sequence(n),
    _TAG + "map": CoreSchemaConstructor.construct_mapping,
    None: CoreSchemaConstructor.construct_untagged,
}
for _tag, _constructor in _CONSTRUCTORS.items():
    CoreSchemaConstructor.add_constructor(_tag, _constructor)


class YamlLoader(Protocol):
    """What documents.py uses of a loader: compose nodes, then construct them."""

    def check_node(self) -> bool: ...
    def get_node(self) -> Any: ...
    def construct_document(self, node: Any) -> Any: ...
    def dispose(self) -> None: ...


class _PyLoader(Reader, Scanner, Parser, Composer, CoreSchemaConstructor, CoreSchemaResolver):
    """The pure-Python loader, used only where PyYAML was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        CoreSchemaConstructor.__init__(self)
        CoreSchemaResolver.__init__(self)


LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
ENGINES: dict[str, Callable[[str], YamlLoader]] = {"python": _PyLoader}
"""Loader classes by name; `new_loader` picks one, tests compare them."""

if LIBYAML:
    from yaml._yaml import CParser

    class _CLoader(CParser, CoreSchemaConstructor, CoreSchemaResolver):
        """libyaml scans, parses and composes; Python only resolves and constructs."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            CoreSchemaConstructor.__init__(self)
            CoreSchemaResolver.__init__(self)

    class _CEventsLoader(Composer, CParser, CoreSchemaConstructor, CoreSchemaResolver):
        """libyaml scans and parses; Python composes (Composer comes first in the MRO).

        libyaml's Cython composer recurses on the C stack and crashes the whole process
        on a few thousand nested collections; Python's composer raises RecursionError.
        It is about twice as slow as `_CLoader`, so it is used only for risky texts.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            CoreSchemaConstructor.__init__(self)
            CoreSchemaResolver.__init__(self)

    ENGINES["libyaml"] = _CLoader
    ENGINES["libyaml-events"] = _CEventsLoader

SAFE_C_DEPTH = 256
"""Nesting libyaml's composer may see: about 100 KB of C stack, safe in any thread."""

_LONG_LINE = re.compile(rf"^[^\n]{{{SAFE_C_DEPTH // 2},}}", re.MULTILINE)


def may_nest_deeply(text: str) -> bool:
    """False only when `text` provably nests fewer than SAFE_C_DEPTH collections.

    Flow nesting is at most the number of `[` and `{`. A nested block collection starts
    at a larger column, or after a `-`, `?` or `:` on the same line, so block nesting is
    at most a line's indentation plus those characters; short lines cannot add up to
    more than their length.
    """
    half = SAFE_C_DEPTH // 2
    if text.count("[") + text.count("{") >= half:
        return True
    for match in _LONG_LINE.finditer(text):
        line = match.group()
        indent = len(line) - len(line.lstrip(" \t"))
        if indent + line.count("-") + line.count("?") + line.count(":") >= half:
            return True
    return False


def new_loader(text: str, *, engine: str | None = None) -> YamlLoader:
    """A loader over `text`: libyaml's composer when that is provably safe, else a safe one."""
    if engine is None:
        if not LIBYAML:
            engine = "python"
        else:
            engine = "libyaml-events" if may_nest_deeply(text) else "libyaml"
    return ENGINES[engine](text)


def check_alias_expansion(root: Node, limit: int = MAX_ALIAS_EXPANSION) -> None:
    """Raise ConstructorError when aliases make `root` recursive or expand it past `limit`."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    unique = 0

    def size(node: Node) -> int:
        nonlocal unique
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise ConstructorError(None, None, "recursive alias", node.start_mark)
        in_progress.add(key)
        unique += 1
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1 + sum(size(child) for child in children)
        in_progress.discard(key)
        sizes[key] = total
        return total

    expanded = size(root)
    if expanded - unique > limit:
        raise ConstructorError(
            None, None, f"aliases expand the document by more than {limit} nodes", root.start_mark
        )
