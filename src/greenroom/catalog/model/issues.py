"""What validation reports: one `ValidationIssue` per broken rule, located by its exact path.

The path is kept as a tuple rather than a string because the caller walks it
through the parsed YAML to find the line number; `field` renders it for people.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

FieldPath = tuple[str | int, ...]
"""Keys and list indexes from the document root to a value, e.g. `("metadata", "tags", 2)`."""

# Keys that read unambiguously after a dot; anything else (dots, slashes, spaces) is bracketed.
_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_MAX_SHOWN = 80


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One broken rule: where (`path`) and what a person should change (`message`)."""

    path: FieldPath
    message: str

    @property
    def field(self) -> str:
        """The path as people write it: `metadata.annotations["backstage.io/x"]`, `spec.owner`."""
        return render_path(self.path)

    def __str__(self) -> str:
        return self.message


def render_path(path: FieldPath) -> str:
    """`("metadata", "tags", 2)` -> `metadata.tags[2]`; the empty path (the document) -> ``."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            parts.append(f".{part}" if parts else part)
        else:
            parts.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(parts)


def describe(value: object) -> str:
    """A short, quoted rendering of a found value for messages (`"-bad-"`, `true`, `a list`)."""
    if isinstance(value, str):
        shown = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"
        return json.dumps(shown, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        # YAML's `true`/`yes` arrive as booleans; saying "true" tells the author to quote it.
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


def invalid(path: FieldPath, expected: str, value: object) -> ValidationIssue:
    """The common message shape: `"<field>" is not valid; expected <what>, but found <value>`."""
    return ValidationIssue(
        path,
        f'"{render_path(path)}" is not valid; expected {expected}, but found {describe(value)}',
    )


def missing(path: FieldPath, reason: str) -> ValidationIssue:
    """A required field is absent: `"<field>" is missing; <reason>`."""
    return ValidationIssue(path, f'"{render_path(path)}" is missing; {reason}')
