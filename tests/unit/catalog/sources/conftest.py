"""Real git repositories in tmp_path and a real HTTP server on 127.0.0.1; no mocks."""

from __future__ import annotations

import functools
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

GIT = [
    "git",
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.com",
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
]

EXAMPLES = Path("/work/shared/fixtures/backstage-examples")


def git(*args: str | Path) -> str:
    """Run git for test set-up; fail the test loudly when it fails."""
    done = subprocess.run([*GIT, *map(str, args)], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def commit(repo: Path, files: dict[str, str | bytes], message: str = "change") -> str:
    """Write `files` into a work tree, commit them all, return the commit id."""
    write_files(repo, files)
    git("-C", repo, "add", "-A")
    git("-C", repo, "commit", "-q", "-m", message)
    return git("-C", repo, "rev-parse", "HEAD")


def make_repo(path: Path, files: dict[str, str | bytes]) -> Path:
    """A non-bare repository on branch main with one commit of `files`."""
    git("init", "-q", path)
    commit(path, files, "initial")
    return path


def blob_id(repo: Path, ref_and_path: str) -> str:
    return git("-C", repo, "rev-parse", ref_and_path)


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder; a few paths answer specially for the http reader's tests."""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "/" + self.path.removeprefix("/redirect/"))
            self.end_headers()
            return
        if self.path.startswith("/elsewhere/"):
            # The same server under another host name, as a redirect to another host.
            port = self.server.server_address[1]
            rest = self.path.removeprefix("/elsewhere/")
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{port}/{rest}")
            self.end_headers()
            return
        if self.path == "/endless":
            # No Content-Length: the reader must stop on its own limit.
            self.send_response(200)
            self.end_headers()
            for _ in range(1000):
                try:
                    self.wfile.write(b"x" * 1024)
                except (BrokenPipeError, ConnectionResetError):
                    return
            return
        super().do_GET()


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    return root


@pytest.fixture
def http_server(web_root: Path) -> Iterator[str]:
    """Base URL (`http://127.0.0.1:<port>`) of a server for `web_root`."""
    handler = functools.partial(QuietHandler, directory=str(web_root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


@pytest.fixture
def served_repo(web_root: Path, tmp_path: Path) -> Callable[[str, dict[str, str | bytes]], Path]:
    """Publish a repository for git's "dumb" HTTP protocol under `web_root/<name>`.

    Returns the work tree; after each `commit` call `publish(work_tree)` again.
    """

    def serve(name: str, files: dict[str, str | bytes]) -> Path:
        work = make_repo(tmp_path / "work" / name.replace("/", "_"), files)
        bare = web_root / name
        bare.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "-q", "--bare", work, bare)
        git("--git-dir", bare, "update-server-info")
        return work

    return serve


def publish(work: Path, bare: Path) -> None:
    """Push the work tree's main to the served bare repository and refresh its index."""
    git("-C", work, "push", "-q", bare, "main")
    git("--git-dir", bare, "update-server-info")
