"""Glob patterns over `/`-separated paths, shared by the file and git readers.

Supported: `*` and `?` (never across `/`), `[...]` classes, and `**` as a whole
segment for any number of folders. Like Backstage's file reader (npm `glob`,
`dot: false`), wildcards do not match names that start with `.`, so `**/*.yaml`
does not pick up `.github/workflows/*.yaml`. One regex serves both readers: Python
3.11's `glob` cannot prune folders, and git's pathspec globbing differs per command.
"""

from __future__ import annotations

import re

CATALOG_FILE_NAMES = frozenset({"catalog-info.yaml", "catalog-info.yml"})
"""The file names a folder target stands for."""

PRUNED_FOLDERS = frozenset({".git", "node_modules"})
"""Folders never searched by a folder target or a glob (unless the glob names them)."""

_MAGIC = re.compile(r"[*?\[]")
_NOT_DOT = r"(?!\.)"


def has_magic(pattern: str) -> bool:
    """True when `pattern` is a glob rather than a plain path."""
    return bool(_MAGIC.search(pattern))


def static_prefix(pattern: str) -> str:
    """The leading folders of `pattern` without wildcards (`/srv/org` for `/srv/org/**/*.y`)."""
    segments = pattern.split("/")
    fixed: list[str] = []
    for segment in segments[:-1]:
        if has_magic(segment):
            break
        fixed.append(segment)
    prefix = "/".join(fixed)
    return "/" if pattern.startswith("/") and not prefix else prefix


def is_recursive(pattern: str) -> bool:
    """True when the pattern has a `**` segment (so its depth is unbounded)."""
    return "**" in pattern.split("/")


def compile_glob(pattern: str) -> re.Pattern[str]:
    """A regex matching the whole paths that `pattern` names."""
    segments = pattern.split("/")
    parts: list[str] = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if segment == "**":
            # Zero or more folders; as the last segment, also the files in them.
            parts.append(f"(?:{_NOT_DOT}[^/]*/)*" + (f"{_NOT_DOT}[^/]*" if last else ""))
        else:
            parts.append(_segment(segment) + ("" if last else "/"))
    return re.compile("".join(parts) + r"\Z")


def _segment(segment: str) -> str:
    out = [_NOT_DOT] if segment[:1] in ("*", "?", "[") else []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", index + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = segment[index + 1 : end]
                negate = body[:1] in ("!", "^")
                body = body[1:] if negate else body
                # Escape what Python's re would read as nested sets or set operators.
                escaped = re.sub(r"([\\^\[&~|])", r"\\\1", body)
                out.append(f"[^/{escaped}]" if negate else f"(?!/)[{escaped}]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def catalog_files_below(paths: list[str], folder: str) -> list[str]:
    """The catalog files among `paths` that lie below `folder` (`""` is the root)."""
    prefix = folder.rstrip("/") + "/" if folder.strip("/") else ""
    found = []
    for path in paths:
        if not path.startswith(prefix):
            continue
        *folders, name = path[len(prefix) :].split("/")
        if name in CATALOG_FILE_NAMES and not PRUNED_FOLDERS.intersection(folders):
            found.append(path)
    return found


def pruned_by(pattern: str) -> frozenset[str]:
    """The folder names to skip for `pattern`: those it does not name literally."""
    named = set(pattern.split("/"))
    return frozenset(name for name in PRUNED_FOLDERS if name not in named)
