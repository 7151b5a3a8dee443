"""Local mirrors of remote git repositories, kept in the configured cache folder.

A remote repository is cloned once (`git clone --bare`, branches and tags only: a
`--mirror` of a GitHub repository would also fetch every pull request's refs) and
fetched again when a listing finds it older than `min_fetch_interval`; between
fetches it is read like a local repository. The folder name is a hash of the URL
without credentials, so every location of one repository shares its mirror. Clones
go to a temporary folder first and are renamed into place, so a concurrent reader
(thread or process) never sees half a repository.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from greenroom.catalog.sources.base import redirect_refusal
from greenroom.catalog.sources.gitrepo import GitRepository, run_git
from greenroom.catalog.sources.urls import strip_userinfo

_REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
_FETCHED_MARK = "greenroom-fetched"


class GitMirrors:
    """Clones and refreshes mirrors; one lock per repository within this process."""

    def __init__(
        self,
        cache_dir: Path,
        env: Mapping[str, str],
        *,
        network_timeout: float,
        local_timeout: float,
        min_fetch_interval: float,
    ) -> None:
        self._cache_dir = cache_dir
        self._env = env
        self._network_timeout = network_timeout
        self._local_timeout = local_timeout
        self._min_fetch_interval = min_fetch_interval
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def path_for(self, url: str) -> Path:
        """Where the mirror of `url` lives (whether or not it exists yet)."""
        digest = hashlib.sha256(strip_userinfo(url).encode()).hexdigest()[:32]
        return self._cache_dir / f"{digest}.git"

    def open(self, url: str, *, refresh: bool) -> GitRepository:
        """The mirror of `url`, cloned if missing and fetched if `refresh` and stale."""
        path = self.path_for(url)
        with self._lock_for(path.name):
            if not (path / "HEAD").is_file():
                self._clone(url, path)
            elif refresh and self._is_stale(path):
                self._fetch(url, path)
        return GitRepository(str(path), self._env, self._local_timeout)

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _is_stale(self, path: Path) -> bool:
        try:
            fetched = (path / _FETCHED_MARK).stat().st_mtime
        except FileNotFoundError:
            return True
        return time.time() - fetched >= self._min_fetch_interval

    def _clone(self, url: str, path: Path) -> None:
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = tempfile.mkdtemp(prefix=f".{path.name}-", dir=self._cache_dir)
        try:
            # A bare clone takes branches and tags; later fetches name the same refspecs.
            run_git(
                [*_redirect_options(), "clone", "--bare", "--quiet", "--", url, temporary],
                self._env,
                self._network_timeout,
            )
            Path(temporary, _FETCHED_MARK).touch()
            try:
                os.rename(temporary, path)
            except OSError:
                if not (path / "HEAD").is_file():
                    raise
                # Another process cloned it first; theirs is as good as ours.
        finally:
            if os.path.isdir(temporary):
                shutil.rmtree(temporary, ignore_errors=True)

    def _fetch(self, url: str, path: Path) -> None:
        # A URL with credentials is used as given (tokens get rotated); one without
        # uses the URL stored at clone time, which may hold the credentials.
        source = url if strip_userinfo(url) != url else "origin"
        run_git(
            [
                *_redirect_options(),
                f"--git-dir={path}",
                "fetch",
                "--prune",
                "--quiet",
                "--",
                source,
                *_REFSPECS,
            ],
            self._env,
            self._network_timeout,
        )
        (path / _FETCHED_MARK).touch()


def _redirect_options() -> list[str]:
    """git's own http redirects are off while a confined source is read.

    git cannot ask us about each hop, and by default follows the redirects of its
    first request: an allowed host could otherwise send it to an internal address.
    """
    return ["-c", "http.followRedirects=false"] if redirect_refusal.get() is not None else []
