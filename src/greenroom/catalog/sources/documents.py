"""Multi-document YAML descriptor files, parsed document by document with line numbers.

Semantics follow Backstage's `parseEntityYaml`: empty documents (a trailing `---`)
are skipped, a non-object root is an error on that document, and a syntax error is
reported on its document while the other documents still load. libyaml cannot go on
after a syntax error, so parsing starts again at the next `---` line after it (a
`---` at column 0 always starts a document, even inside a scalar).

`ParsedDocument.index` counts every document of the file, empty ones included, so
`field_line(text, index, path)` finds the same document again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yaml import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from greenroom.catalog.sources.yamlcore import YamlLoader, check_alias_expansion, new_loader
from greenroom.errors import InputError

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # what libyaml counts as a new line
_DOCUMENT_START = re.compile(r"---(?:[ \t\r\n\x85\u2028\u2029]|\Z)")


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """One document of a descriptor file: its object, or why it has none.

    `line` is 1-based: where the document's content starts, or for a syntax error the
    line of the error.
    """

    index: int
    line: int
    data: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True, slots=True)
class _Composed:
    index: int
    line_offset: int  # lines of the file before the text the loader was given
    node: Node
    loader: YamlLoader


@dataclass(frozen=True, slots=True)
class _Broken:
    index: int
    line: int
    message: str


class NotUtf8Error(InputError):
    """The bytes of a file are not UTF-8 text; `line` is where the first bad byte is."""

    def __init__(self, location: str, byte: int, line: int) -> None:
        self.reason = f"not a UTF-8 text file (invalid byte 0x{byte:02x})"
        self.line = line
        super().__init__(f"{location}:{line}: {self.reason}")


def decode_text(text: str | bytes, location: str) -> str:
    """The text of a file; NotUtf8Error (an InputError) when its bytes are not UTF-8."""
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = text.count(b"\n", 0, exc.start) + 1
        raise NotUtf8Error(location, text[exc.start], line) from None


def parse_documents(text: str | bytes, location: str) -> list[ParsedDocument]:
    """Every non-empty document of a descriptor file, each with its data or its error.

    Never raises for bad content: a file that is not UTF-8 gives one error document at
    the line of its first bad byte, so one broken file cannot stop an ingestion pass.
    """
    try:
        source = decode_text(text, location)
    except NotUtf8Error as exc:
        return [ParsedDocument(0, exc.line, None, exc.reason)]
    may_alias = "*" in source  # no `*`, no alias: skip the expansion check
    documents: list[ParsedDocument] = []
    for item in _iter_documents(source):
        if isinstance(item, _Broken):
            documents.append(ParsedDocument(item.index, item.line, None, item.message))
            continue
        line = item.line_offset + item.node.start_mark.line + 1
        try:
            if may_alias:
                check_alias_expansion(item.node)
            data = item.loader.construct_document(item.node)
        except YAMLError as exc:
            documents.append(
                ParsedDocument(item.index, line, None, _describe(exc, item.line_offset))
            )
            continue
        except RecursionError:
            documents.append(ParsedDocument(item.index, line, None, _TOO_DEEP))
            continue
        if data is None:
            continue
        if isinstance(data, dict):
            documents.append(ParsedDocument(item.index, line, data, None))
        else:
            message = f"Expected object at root, got {json_type(data)}"
            documents.append(ParsedDocument(item.index, line, None, message))
    return documents


def load_single_document(text: str) -> Any:
    """The value of a text holding exactly one YAML document (for `$yaml`); else ValueError."""
    values: list[Any] = []
    for item in _iter_documents(text):
        if isinstance(item, _Broken):
            raise ValueError(item.message)
        try:
            check_alias_expansion(item.node)
            values.append(item.loader.construct_document(item.node))
        except YAMLError as exc:
            raise ValueError(_describe(exc, item.line_offset)) from None
        except RecursionError:
            raise ValueError(_TOO_DEEP) from None
    if len(values) != 1:
        raise ValueError(f"expected exactly one YAML document, found {len(values)}")
    return values[0]


def field_line(text: str | bytes, document_index: int, path: tuple[str | int, ...]) -> int | None:
    """1-based line of the node at `path` in a document, or of its closest existing ancestor.

    For a mapping key the line of the key is given (`spec:` rather than its first child).
    None when the document does not exist or does not parse.
    """
    try:
        source = decode_text(text, "field_line")
    except NotUtf8Error:
        return None
    for item in _iter_documents(source):
        if item.index < document_index:
            continue
        if isinstance(item, _Broken) or item.index > document_index:
            return None
        return item.line_offset + _node_line(item.node, path) + 1
    return None


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages (`array`, not `list`)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else "object"


_TOO_DEEP = "YAML error: the document is nested too deeply"


def _node_line(node: Node, path: tuple[str | int, ...]) -> int:
    line: int = node.start_mark.line
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == step:
                    line, node = key_node.start_mark.line, value_node
                    break
            else:
                return line
        elif (
            isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value)
        ):
            node = node.value[step]
            line = node.start_mark.line
        else:
            return line
    return line


def _has_index(node: SequenceNode, step: str | int) -> bool:
    return isinstance(step, int) and 0 <= step < len(node.value)


def _iter_documents(text: str) -> Iterator[_Composed | _Broken]:
    """Compose the documents of `text` one by one, restarting after syntax errors."""
    index = 0
    line_offset = 0
    char_offset = 0
    last_error_line = -1
    line_starts: list[int] | None = None
    while True:
        loader = new_loader(text[char_offset:] if char_offset else text)
        try:
            while loader.check_node():
                node = loader.get_node()
                yield _Composed(index, line_offset, node, loader)
                index += 1
            return
        except (YAMLError, RecursionError) as exc:
            error_line = line_offset + _mark_line(exc)
            # Re-parsing from the broken document's own `---` reports its error again.
            if error_line != last_error_line:
                if isinstance(exc, RecursionError):
                    message = _TOO_DEEP
                else:
                    message = _describe(exc, line_offset)
                yield _Broken(index, error_line + 1, message)
                index += 1
            last_error_line = error_line
        finally:
            loader.dispose()
        if line_starts is None:
            line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
        restart = _next_document_start(text, line_starts, max(error_line, line_offset + 1))
        if restart is None:
            return
        line_offset, char_offset = restart, line_starts[restart]


def _next_document_start(text: str, line_starts: list[int], first_line: int) -> int | None:
    for line in range(first_line, len(line_starts)):
        if _DOCUMENT_START.match(text, line_starts[line]):
            return line
    return None


def _mark_line(exc: BaseException) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return int(mark.line) if mark is not None else 0


def _describe(exc: YAMLError, line_offset: int) -> str:
    """`YAML error at line L, column C: problem`, L counted from the start of the file."""
    if not isinstance(exc, MarkedYAMLError) or exc.problem_mark is None:
        return f"YAML error: {exc}"
    mark = exc.problem_mark
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{problem} ({exc.context})"
    return f"YAML error at line {mark.line + 1 + line_offset}, column {mark.column + 1}: {problem}"
