"""`type: url` locations in git repositories, local or remote (forms: gittargets.py).

Local repositories are read in place; remote ones through a mirror in the cache folder
(gitmirrors.py). Listing gives each file's blob id as its version, so an unchanged
file is skipped without being read; `read_files` reads any number of files of one
repository with a single git process. Only committed content is read: a non-bare
repository's work tree and index are ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from greenroom.catalog.sources.base import FileRef, LocationReadError
from greenroom.catalog.sources.gitmirrors import GitMirrors
from greenroom.catalog.sources.gitrepo import (
    SYMLINK_MODE,
    GitError,
    GitRepository,
    TreeEntry,
    git_environment,
)
from greenroom.catalog.sources.gittargets import (
    FRAGMENT,
    GitTarget,
    file_location,
    looks_like_git,
    parse_git_target,
    validate_ref,
)
from greenroom.catalog.sources.globs import (
    catalog_files_below,
    compile_glob,
    has_magic,
    pruned_by,
    static_prefix,
)
from greenroom.catalog.sources.urls import redact

_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_UNABLE_TO_ACCESS = re.compile(r"unable to access '[^']*': ")
_UNKNOWN_REF = re.compile(r"Not a valid object name|not a tree object|bad revision")


class GitReader:
    """Reads files from git repositories; see the module docstring of gittargets.py.

    `cache_dir` holds mirrors of remote repositories; `network_timeout` bounds a clone
    or fetch, `local_timeout` any other git command; a remote repository is fetched at
    most once per `min_fetch_interval` seconds; `environment` replaces `os.environ` as
    the base of git's environment (credential helpers, proxies, `HOME`).
    """

    def __init__(
        self,
        max_file_bytes: int,
        cache_dir: Path,
        *,
        network_timeout: float = 300.0,
        local_timeout: float = 120.0,
        min_fetch_interval: float = 30.0,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self._max_bytes = max_file_bytes
        self._env = git_environment(environment)
        self._local_timeout = local_timeout
        self._mirrors = GitMirrors(
            cache_dir,
            self._env,
            network_timeout=network_timeout,
            local_timeout=local_timeout,
            min_fetch_interval=min_fetch_interval,
        )

    def can_read(self, location_type: str, target: str) -> bool:
        return location_type == "url" and looks_like_git(target)

    def list_files(self, location_type: str, target: str) -> list[FileRef]:
        location = f"{location_type}:{redact(target)}"
        parsed = parse_git_target(target)
        repo = self._open(parsed, location, refresh=True)
        ref = parsed.ref
        try:
            if parsed.tail is not None:
                parsed = parsed.with_ref(repo.refs())
                ref = parsed.ref
            ref = validate_ref(ref or repo.head(), location)
            entries = self._select(repo, parsed.path, ref, location)
        except GitError as exc:
            raise _read_error(location, parsed, ref, exc) from None
        return [FileRef(file_location(parsed, ref, entry.path), entry.oid) for entry in entries]

    def read_file(self, ref: FileRef) -> bytes:
        result = self.read_files([ref])[ref]
        if isinstance(result, LocationReadError):
            raise result
        return result

    def read_files(self, refs: Sequence[FileRef]) -> dict[FileRef, bytes | LocationReadError]:
        results: dict[FileRef, bytes | LocationReadError] = {}
        groups: dict[str, list[tuple[FileRef, GitTarget]]] = {}
        # Canonical `<repository>#<ref>:<path>` locations of one repository share the
        # part before `#`: parse that once, not once per file (this is the hot path).
        by_prefix: dict[str, GitTarget] = {}
        for ref in refs:
            target = ref.location.removeprefix("url:")
            prefix, hash_sign, _ = target.partition("#")
            try:
                versioned = bool(ref.version and _OBJECT_ID.match(ref.version))
                parsed = by_prefix.get(prefix) if hash_sign and versioned else None
                if parsed is None:
                    parsed = parse_git_target(target)
                    if parsed.style == FRAGMENT:
                        by_prefix[prefix] = parsed
            except LocationReadError as exc:
                results[ref] = exc
                continue
            groups.setdefault(parsed.identity, []).append((ref, parsed))
        for items in groups.values():
            results.update(self._read_group(items))
        return results

    def _read_group(
        self, items: list[tuple[FileRef, GitTarget]]
    ) -> dict[FileRef, bytes | LocationReadError]:
        """Read the files of one repository with one batch."""
        first = items[0][1]
        location = f"url:{first.identity}"
        try:
            repo = self._open(first, location, refresh=False)
            names = self._object_names(repo, items)
            contents = repo.read_objects(list(names.values()), self._max_bytes)
        except (GitError, LocationReadError) as exc:
            reason = exc.message if isinstance(exc, GitError) else exc.reason
            return {ref: LocationReadError(ref.location, reason) for ref, _ in items}
        results: dict[FileRef, bytes | LocationReadError] = {}
        for ref, name in names.items():
            content = contents[name]
            results[ref] = (
                content if isinstance(content, bytes) else LocationReadError(ref.location, content)
            )
        return results

    def _object_names(
        self, repo: GitRepository, items: list[tuple[FileRef, GitTarget]]
    ) -> dict[FileRef, str]:
        """The blob id of each listed file, or `<ref>:<path>` when its version is unknown."""
        names: dict[FileRef, str] = {}
        refs: set[str] | None = None
        for ref, parsed in items:
            if ref.version and _OBJECT_ID.match(ref.version):
                names[ref] = ref.version
                continue
            if parsed.tail is not None:
                refs = repo.refs() if refs is None else refs
                parsed = parsed.with_ref(refs)
            branch = validate_ref(parsed.ref or repo.head(), ref.location)
            names[ref] = f"{branch}:{parsed.path}"
        return names

    def _open(self, parsed: GitTarget, location: str, *, refresh: bool) -> GitRepository:
        if parsed.is_local:
            git_dir = local_git_dir(parsed.repository, location)
            return GitRepository(git_dir, self._env, self._local_timeout)
        try:
            return self._mirrors.open(parsed.repository, refresh=refresh)
        except (GitError, OSError) as exc:
            reason = exc.message if isinstance(exc, GitError) else str(exc)
            reason = _UNABLE_TO_ACCESS.sub("", redact(reason))  # the URL is said once already
            raise LocationReadError(
                location, f"could not fetch the repository {parsed.identity}: {reason}"
            ) from None

    def _select(self, repo: GitRepository, path: str, ref: str, location: str) -> list[TreeEntry]:
        """The blobs a path, folder or glob names at `ref`."""
        if has_magic(path):
            regex = compile_glob(path)
            pruned = pruned_by(path)
            return [
                entry
                for entry in repo.list_tree(ref, static_prefix(path))
                if regex.match(entry.path)
                and entry.mode != SYMLINK_MODE
                and not pruned.intersection(entry.path.split("/")[:-1])
            ]
        entries = repo.list_tree(ref, path)
        exact = [entry for entry in entries if entry.path == path]
        if exact:
            if exact[0].mode == SYMLINK_MODE:
                raise LocationReadError(location, f"{path} is a symbolic link, not a file")
            return exact
        if not entries and path:
            raise LocationReadError(location, f"file not found: {path} at {ref}")
        below = set(catalog_files_below([entry.path for entry in entries], path))
        return [e for e in entries if e.path in below and e.mode != SYMLINK_MODE]


def local_git_dir(path: str, location: str) -> str:
    """The git directory of a local repository (bare, or with `.git`); else LocationReadError."""
    if not os.path.isdir(path):
        if os.path.exists(path):
            reason = f"not a git repository: {path} is a file (plain files are type file)"
        else:
            reason = f"repository not found: {path}"
        raise LocationReadError(location, reason)
    dot_git = os.path.join(path, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    if os.path.isfile(dot_git):  # a worktree or submodule: `gitdir: <path>`
        with open(dot_git, encoding="utf-8") as handle:
            pointer = handle.read(4096).strip().removeprefix("gitdir:").strip()
        return os.path.normpath(os.path.join(path, pointer))
    if os.path.isfile(os.path.join(path, "HEAD")) and os.path.isdir(os.path.join(path, "objects")):
        return path
    raise LocationReadError(location, f"not a git repository: {path}")


def discover_repositories(root: Path) -> list[str]:
    """The git repositories directly inside `root` (with `.git`, or bare `*.git`), sorted."""
    location = f"file:{root}"
    try:
        children = sorted(os.scandir(root), key=lambda child: child.name)
    except FileNotFoundError:
        raise LocationReadError(location, "folder not found") from None
    except OSError as exc:
        raise LocationReadError(location, exc.strerror or str(exc)) from None
    found = []
    for child in children:
        if not child.is_dir() or child.name.startswith("."):
            continue
        is_work_tree = os.path.exists(os.path.join(child.path, ".git"))
        is_bare = child.name.endswith(".git") and os.path.isfile(os.path.join(child.path, "HEAD"))
        if is_work_tree or is_bare:
            found.append(os.path.abspath(child.path))
    return found


def _read_error(location: str, parsed: GitTarget, ref: str | None, exc: GitError) -> Exception:
    if ref and _UNKNOWN_REF.search(exc.message):
        return LocationReadError(
            location, f"branch, tag or commit {ref!r} not found in {parsed.identity}"
        )
    return LocationReadError(location, f"git could not read {parsed.identity}: {exc.message}")
