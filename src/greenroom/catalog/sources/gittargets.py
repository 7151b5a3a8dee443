"""Git location targets: what users may write, and the canonical location of each file.

Targets of `type: url` that name a git repository:

- `file:///srv/repos/payments.git` or `/srv/repos/payments` — a local repository,
  bare or not, read in place (the committed tree, never the work tree);
- `https://host/path/repo.git` — a remote repository, mirrored into the cache;
- on both: `?path=<file, folder or glob>` (default `catalog-info.yaml`; a folder means
  every `catalog-info.yaml`/`.yml` below it) and `#<branch, tag or commit>` (default:
  the repository's HEAD); `#<ref>:<path>` is the canonical one-file form;
- hosting URLs, whose repository is the part before the marker:
  `https://host/org/repo/blob/<ref>/<path>` and `/tree/<ref>/<path>` (GitHub),
  `https://host/group/sub/repo/-/blob/<ref>/<path>` and `/-/tree/` (GitLab),
  `https://host/org/repo/src/branch/<ref>/<path>` (Gitea, Forgejo; also `src/tag`,
  `src/commit`).

Canonical file locations (`FileRef.location`), which round-trip through GitReader:

- `url:file:///srv/repos/payments.git#main:services/api/catalog-info.yaml`
- `url:https://git.example.com/team/payments.git#main:catalog-info.yaml`
- `url:https://github.com/org/repo/blob/main/catalog-info.yaml` (the input's style).

Credentials (`https://user:token@host/...`) are used to fetch but never appear in a
canonical location. Refs and paths are validated here so that nothing a user writes
can become a git option or leave the repository.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from greenroom.catalog.sources.base import LocationReadError
from greenroom.catalog.sources.urls import (
    file_url,
    file_url_path,
    quote_path,
    redact,
    scheme_of,
    strip_userinfo,
)

DEFAULT_PATH = "catalog-info.yaml"
FRAGMENT = "fragment"
"""Style of `<repository>#<ref>:<path>` locations."""

# git check-ref-format, plus no leading `-`: branch, tag or commit names only, never
# revision syntax (`~`, `^`, `@{`, `:`) or anything git could read as an option.
_REF = re.compile(r"(?!-)(?!.*\.\.)(?!.*@\{)(?!.*//)(?!/)[^\x00-\x20\x7f~^:?*\[\\]+(?<![./])\Z")
_SHA = re.compile(r"[0-9a-f]{7,64}\Z")
_GITLAB = re.compile(r"(?P<repo>/[^/].*?)/-/(?P<kind>blob|tree)/(?P<tail>.+)\Z")
_GITHUB = re.compile(r"(?P<repo>/[^/]+/[^/]+)/(?P<kind>blob|tree)/(?P<tail>.+)\Z")
_GITEA = re.compile(r"(?P<repo>/[^/]+/[^/]+)/(?P<kind>src/(?:branch|tag|commit))/(?P<tail>.+)\Z")
_FILE_STYLES = {"tree": "blob", "-/tree": "-/blob"}  # a file in a folder URL's style
EDIT_STYLES = {"blob": "edit", "-/blob": "-/edit", "src/branch": "_edit"}


@dataclass(frozen=True, slots=True)
class GitTarget:
    """A parsed git target. Hosting URLs keep `tail` until the repository's refs are known."""

    repository: str
    """An absolute local path, or the http(s) URL of the repository (credentials kept)."""
    ref: str | None
    """Branch, tag or commit; None means the repository's HEAD."""
    path: str
    """File, folder or glob inside the repository; `""` is the root folder."""
    style: str
    """FRAGMENT, or the hosting marker the target used (`blob`, `-/tree`, `src/branch`...)."""
    tail: tuple[str, ...] | None = None
    """For hosting URLs: `<ref>/<path>` segments; a ref may itself contain `/`."""

    @property
    def is_local(self) -> bool:
        return self.repository.startswith("/")

    @property
    def identity(self) -> str:
        """The repository without credentials: what mirrors and messages are keyed by."""
        return self.repository if self.is_local else strip_userinfo(self.repository)

    def with_ref(self, refs: Collection[str]) -> GitTarget:
        """This target with `tail` split into ref and path, knowing the repository's refs."""
        if self.tail is None:
            return self
        ref, path = split_tail(self.tail, refs)
        return GitTarget(self.repository, ref, clean_path(path, self.identity), self.style)


def looks_like_git(target: str) -> bool:
    """True when GitReader should handle `url:<target>` (shape only, not validity)."""
    scheme = scheme_of(target)
    if scheme == "file" or (not scheme and target.startswith("/")):
        return True
    if scheme not in ("http", "https"):
        return False
    path = urlsplit(target).path
    return bool(_hosting_match(path)) or path.rstrip("/").endswith(".git")


def parse_git_target(target: str) -> GitTarget:
    """Parse a git target; LocationReadError when it is not one or has an unsafe part."""
    location = f"url:{redact(target)}"
    if not looks_like_git(target):
        raise LocationReadError(location, "not a git repository target")
    scheme = scheme_of(target)
    parts = urlsplit(target)
    if scheme in ("http", "https"):
        match = _hosting_match(parts.path)
        if match is not None:
            repository = f"{parts.scheme}://{parts.netloc}{match['repo']}"
            tail = tuple(unquote(segment) for segment in match["tail"].split("/") if segment)
            if not tail:
                raise LocationReadError(location, "the URL names no branch")
            style = f"-/{match['kind']}" if match.re is _GITLAB else match["kind"]
            return GitTarget(repository, None, "", style, tail)
        repository = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    elif scheme == "file":
        try:
            repository = file_url_path(target.split("?", 1)[0].split("#", 1)[0])
        except ValueError as exc:
            raise LocationReadError(location, str(exc)) from None
    else:
        repository = parts.path
    if not repository.startswith(("/", "http://", "https://")) or "\x00" in repository:
        raise LocationReadError(location, "the repository must be an absolute path or URL")
    ref, path = _ref_and_path(parts.query, parts.fragment, location)
    return GitTarget(repository.rstrip("/") or "/", ref, path, FRAGMENT)


def git_target(repository: str, *, path: str | None = None, ref: str | None = None) -> str:
    """A GitReader target for a repository (local path or URL), quoting path and ref.

    For the git discovery provider and settings: `git_target("/srv/a b.git", path="x#1")`
    gives `file:///srv/a%20b.git?path=x%231`. Raises LocationReadError for an unsafe ref.
    """
    base = file_url(repository) if repository.startswith("/") else repository
    if path is not None:
        base += "?path=" + quote_path(path).replace("&", "%26")
    if ref is not None:
        base += "#" + quote_path(validate_ref(ref, f"url:{redact(repository)}"))
    return base


def file_location(target: GitTarget, ref: str, path: str) -> str:
    """The canonical `url:` location of one file of the repository."""
    identity = target.identity
    if target.style == FRAGMENT:
        base = file_url(identity) if target.is_local else identity
        return f"url:{base}#{ref}:{quote_path(path)}"
    style = _FILE_STYLES.get(target.style, target.style)
    return f"url:{identity}/{style}/{ref}/{quote_path(path)}"


def folder_location(target: GitTarget, ref: str, folder: str) -> str:
    """The `url:` location of a folder (trailing `/`), as used by source-location."""
    identity = target.identity
    folder = folder.strip("/")
    suffix = f"{quote_path(folder)}/" if folder else ""
    if target.style == FRAGMENT:
        base = file_url(identity) if target.is_local else identity
        return f"url:{base}#{ref}:{suffix or '/'}"
    style = {"blob": "tree", "-/blob": "-/tree"}.get(target.style, target.style)
    return f"url:{identity}/{style}/{ref}/{suffix}"


def validate_ref(ref: str, where: str) -> str:
    """`ref` when it is a plain branch, tag or commit name; else LocationReadError."""
    if len(ref) > 255 or not _REF.match(ref) or ref.endswith(".lock"):
        raise LocationReadError(where, f"invalid branch or tag name {ref!r}")
    return ref


def clean_path(path: str, where: str) -> str:
    """A path inside a repository, normalised; LocationReadError when it could escape it.

    A trailing `/` (a folder) is kept, so is a glob; `.` and empty segments are dropped.
    """
    if any(char in path for char in "\x00\n\r"):
        raise LocationReadError(where, "the path contains control characters")
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if ".." in segments:
        raise LocationReadError(where, f"the path {path!r} leaves the repository")
    if segments and segments[0].startswith("-"):
        raise LocationReadError(where, f"the path {path!r} may not start with '-'")
    cleaned = "/".join(segments)
    return f"{cleaned}/" if cleaned and path.endswith("/") else cleaned


def split_tail(tail: tuple[str, ...], refs: Collection[str]) -> tuple[str, str]:
    """Split hosting-URL segments into (ref, path): the longest leading ref that exists."""
    for length in range(len(tail), 0, -1):
        candidate = "/".join(tail[:length])
        if candidate in refs:
            return candidate, "/".join(tail[length:])
    # Unknown: a commit id, or a missing branch that reading will report by name.
    return tail[0], "/".join(tail[1:])


def _hosting_match(path: str) -> re.Match[str] | None:
    # GitLab's `/-/` cannot be part of a group name, so it is checked first.
    return _GITLAB.match(path) or _GITHUB.match(path) or _GITEA.match(path)


def _ref_and_path(query: str, fragment: str, location: str) -> tuple[str | None, str]:
    # Not parse_qs: it reads `+` as a space, and `c++/catalog-info.yaml` is a real path.
    params: dict[str, list[str]] = {}
    for pair in query.split("&") if query else []:
        name, _, value = pair.partition("=")
        params.setdefault(unquote(name), []).append(unquote(value))
    unknown = set(params) - {"path"}
    if unknown:
        raise LocationReadError(location, f"unknown parameter {sorted(unknown)[0]!r}")
    if len(params.get("path", [])) > 1:
        raise LocationReadError(location, "more than one path parameter")
    query_path = params["path"][0] if "path" in params else None
    ref: str | None = None
    fragment_path: str | None = None
    if fragment:
        ref, colon, rest = fragment.partition(":")
        ref = unquote(ref)
        fragment_path = unquote(rest) if colon else None
        validate_ref(ref, location)
    if query_path is not None and fragment_path is not None:
        raise LocationReadError(location, "give the path either as ?path= or after #ref:")
    raw = query_path if query_path is not None else fragment_path
    return ref, clean_path(DEFAULT_PATH if raw is None else raw, location)
