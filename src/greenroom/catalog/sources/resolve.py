"""Relative targets, resolved against the location of the file that holds them.

Used for a Location entity's `target`/`targets` and for `$text`/`$json`/`$yaml`:

- `file:` base: joined to the folder of the file (`./x.yaml`, `../apis/y.yaml`,
  `x.yaml`); an absolute path stays as it is.
- git `url:` base: same repository and ref, path joined inside the repository; a path
  starting with `/` is taken from the repository root (as Backstage's `resolveUrl`
  does); leaving the repository (`../../..`) is refused.
- plain http(s) base: standard URL resolution.

A target with a scheme (`https://…`) is absolute everywhere. Also here: the annotations
Backstage adds to every entity from where it was read (`view_urls`).
"""

from __future__ import annotations

import functools
import os
import posixpath
from urllib.parse import urljoin

from greenroom.catalog.sources.base import LocationReadError
from greenroom.catalog.sources.gittargets import (
    EDIT_STYLES,
    FRAGMENT,
    GitTarget,
    folder_location,
    looks_like_git,
    parse_git_target,
)
from greenroom.catalog.sources.urls import file_url, has_scheme, quote_path, redact

MANAGED_BY_LOCATION = "backstage.io/managed-by-location"
VIEW_URL = "backstage.io/view-url"
EDIT_URL = "backstage.io/edit-url"
SOURCE_LOCATION = "backstage.io/source-location"


def resolve_target(base_location: str, target: str, *, target_type: str | None) -> str:
    """The absolute target that `target` (written in the file at `base_location`) means.

    `target_type` is the target's own type (None: the base's). A relative target of
    another type than its base cannot be resolved and raises LocationReadError.
    """
    base_type, _, base_target = base_location.partition(":")
    kind = target_type or base_type
    if _is_absolute(kind, target):
        return target
    if kind != base_type:
        raise LocationReadError(
            f"{kind}:{target}", f"a relative target cannot be resolved against {base_type}:"
        )
    if base_type == "file":
        folder = base_target if base_target.endswith("/") else os.path.dirname(base_target)
        return os.path.normpath(os.path.join(folder, target))
    if base_type == "url" and looks_like_git(base_target):
        return _resolve_in_repository(parse_git_target(base_target), target)
    if base_type == "url":
        return urljoin(base_target, target)
    raise LocationReadError(base_location, f"cannot resolve relative targets in {base_type}:")


def view_urls(location: str) -> dict[str, str]:
    """Backstage's automatic annotations for an entity read from the file at `location`."""
    return dict(_view_urls(location))


@functools.lru_cache(maxsize=4096)
def _view_urls(location: str) -> tuple[tuple[str, str], ...]:
    # Every entity of a file has the same ones: worked out once per file, not per entity.
    return tuple(_annotations_for(location).items())


def _annotations_for(location: str) -> dict[str, str]:
    shown = redact(location)
    annotations = {MANAGED_BY_LOCATION: shown}
    kind, _, target = shown.partition(":")
    if kind != "url":
        return annotations
    if not looks_like_git(target):
        annotations[VIEW_URL] = target
        annotations[SOURCE_LOCATION] = f"url:{urljoin(target, './')}"
        return annotations
    try:
        parsed = parse_git_target(target)
    except LocationReadError:
        return annotations
    if parsed.style == FRAGMENT:
        # file:// and bare .git URLs have no web page to view or edit.
        folder = posixpath.dirname(parsed.path.rstrip("/")) if parsed.path else ""
        annotations[SOURCE_LOCATION] = folder_location(parsed, parsed.ref or "HEAD", folder)
        return annotations
    annotations[VIEW_URL] = target
    annotations[SOURCE_LOCATION] = f"url:{urljoin(target, './')}"
    edit_style = EDIT_STYLES.get(parsed.style)
    if edit_style and parsed.tail:
        annotations[EDIT_URL] = f"{parsed.identity}/{edit_style}/{_quoted(parsed.tail)}"
    return annotations


def _is_absolute(kind: str, target: str) -> bool:
    if has_scheme(target):
        return True
    return kind == "file" and os.path.isabs(target)


def _resolve_in_repository(base: GitTarget, target: str) -> str:
    escape = LocationReadError(
        f"url:{base.identity}", f"the target {target!r} leaves the repository"
    )
    if base.tail is not None:
        # Hosting URL: <ref>/<path>; a ref with `/` is only known when reading.
        ref_segment, *path_segments = base.tail
        base_path = "/".join(path_segments)
        folder = base_path if base.style.endswith("tree") else posixpath.dirname(base_path)
        joined = _join_inside(folder, target, escape)
        style = "tree" if target.endswith("/") else "blob"
        if base.style.startswith("-/"):
            style = f"-/{style}"
        elif base.style.startswith("src/"):
            style = base.style
        return f"{base.identity}/{style}/{quote_path(ref_segment)}/{quote_path(joined)}"
    folder = base.path if base.path.endswith("/") or not base.path else posixpath.dirname(base.path)
    joined = _join_inside(folder, target, escape)
    repository = file_url(base.identity) if base.is_local else base.identity
    if base.ref is None:
        return f"{repository}?path={quote_path(joined)}"
    return f"{repository}#{base.ref}:{quote_path(joined)}"


def _join_inside(folder: str, target: str, escape: LocationReadError) -> str:
    """`target` joined to `folder` inside a repository; `escape` raised if it leaves it."""
    if target.startswith("/"):
        joined = posixpath.normpath(target.lstrip("/") or ".")
    else:
        joined = posixpath.normpath(posixpath.join(folder, target))
    if joined == ".." or joined.startswith("../"):
        raise escape
    joined = "" if joined == "." else joined
    return f"{joined}/" if joined and target.endswith("/") else joined


def _quoted(segments: tuple[str, ...]) -> str:
    return "/".join(quote_path(segment) for segment in segments)
