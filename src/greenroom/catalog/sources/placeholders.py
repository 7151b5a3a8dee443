"""`$text`, `$json` and `$yaml` substitution, as Backstage's PlaceholderProcessor does it.

A placeholder is an object whose only key is `$text`, `$json` or `$yaml` with a string
value: a path relative to the descriptor's own location, or an absolute URL. It is
replaced by the file's text, its parsed JSON, or its single YAML document. Anything
else is left alone, and an object with any `$` key is not searched further, so
JSON-Schema (`$ref`) inside a definition survives untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from greenroom.catalog.sources.base import FileRef, LocationReadError
from greenroom.catalog.sources.documents import NotUtf8Error, decode_text, load_single_document
from greenroom.catalog.sources.readers import LocationReaders
from greenroom.catalog.sources.resolve import resolve_target
from greenroom.catalog.sources.urls import has_scheme

PLACEHOLDER_KEYS = frozenset({"$text", "$json", "$yaml"})

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class PlaceholderIssue:
    """A placeholder that could not be filled in; `path` leads to the placeholder object."""

    path: Path
    message: str


def resolve_placeholders(
    data: dict[str, Any], base_location: str, readers: LocationReaders
) -> tuple[dict[str, Any], list[PlaceholderIssue], list[FileRef]]:
    """`data` with its placeholders filled in, the issues, and the files that were read.

    `data` is not changed; unchanged subtrees are shared between input and result. A
    placeholder that fails stays in place and is reported as an issue.
    """
    if not _has_dollar_key(data):
        return data, [], []  # nearly every entity: no copy, no paths built
    substitution = _Substitution(base_location, readers)
    result = substitution.walk(data, ())
    return result, substitution.issues, substitution.refs


def _has_dollar_key(value: Any) -> bool:
    """True when some object inside `value` has a key starting with `$`."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and key.startswith("$"):
                    return True
                if isinstance(child, dict | list):
                    pending.append(child)
        elif isinstance(item, list):
            pending.extend(child for child in item if isinstance(child, dict | list))
    return False


@dataclass
class _Substitution:
    base_location: str
    readers: LocationReaders
    issues: list[PlaceholderIssue] = field(default_factory=list)
    refs: list[FileRef] = field(default_factory=list)
    _read: dict[tuple[str, str], str | LocationReadError] = field(default_factory=dict)

    def walk(self, value: Any, path: Path) -> Any:
        if isinstance(value, list):
            items = [self.walk(item, (*path, index)) for index, item in enumerate(value)]
            changed = any(new is not old for new, old in zip(items, value, strict=True))
            return items if changed else value
        if not isinstance(value, dict):
            return value
        if not any(isinstance(key, str) and key.startswith("$") for key in value):
            entries = {key: self.walk(item, (*path, key)) for key, item in value.items()}
            changed = any(entries[key] is not item for key, item in value.items())
            return entries if changed else value
        if len(value) != 1:
            return value
        ((key, argument),) = value.items()
        if key not in PLACEHOLDER_KEYS or not isinstance(argument, str):
            return value
        return self.substitute(key, argument, path, value)

    def substitute(self, key: str, argument: str, path: Path, original: Any) -> Any:
        text = self.read(key, argument, path)
        if text is None:
            return original
        if key == "$text":
            return text
        try:
            return json.loads(text) if key == "$json" else load_single_document(text)
        except ValueError as exc:
            kind = "JSON" if key == "$json" else "YAML"
            self.issue(path, f"Placeholder {key} failed to parse {kind} data at {argument}: {exc}")
            return original

    def read(self, key: str, argument: str, path: Path) -> str | None:
        """The text of the file a placeholder names, or None after recording an issue."""
        base_type = self.base_location.partition(":")[0]
        kind = "url" if has_scheme(argument) else base_type
        try:
            target = resolve_target(self.base_location, argument, target_type=kind)
            cached = self._read.get((kind, target))
            if cached is None:
                cached = self._fetch(kind, target)
                self._read[(kind, target)] = cached
            if isinstance(cached, LocationReadError):
                raise cached
        except LocationReadError as exc:
            # Name the resolved target too, unless it is what the user wrote.
            detail = exc.reason if exc.location == f"{kind}:{argument}" else str(exc)
            self.issue(path, f"Placeholder {key} could not read location {argument}: {detail}")
            return None
        return cached

    def _fetch(self, kind: str, target: str) -> str | LocationReadError:
        try:
            reader = self.readers.for_target(kind, target)
            files = reader.list_files(kind, target)
            if len(files) != 1:
                found = f"{len(files)} files" if files else "no file"
                return LocationReadError(f"{kind}:{target}", f"expected one file, found {found}")
            content = reader.read_file(files[0])
            self.refs.append(files[0])
            return decode_text(content, files[0].location)
        except LocationReadError as exc:
            return exc
        except NotUtf8Error as exc:
            return LocationReadError(f"{kind}:{target}", exc.reason)
        except ValueError as exc:  # a malformed URL
            return LocationReadError(f"{kind}:{target}", str(exc))

    def issue(self, path: Path, message: str) -> None:
        self.issues.append(PlaceholderIssue(path, message))
