"""One git directory, read through the `git` command with argument lists only.

Listing is one `git ls-tree -r` (blob ids for free); reading any number of files is
one `git cat-file --batch`. That is what makes reading thousands of files cheap.
Nothing here takes a user's string as an option: refs and paths are validated by
gittargets.py, paths come after `--`, pathspecs are literal, and prompts and exotic
transports (`ext::`) are disabled for every git process.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from greenroom.catalog.sources.urls import redact

SYMLINK_MODE = "120000"


class GitError(Exception):
    """A git command failed; `message` is git's stderr, trimmed and without credentials."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One blob of `git ls-tree -r`."""

    mode: str
    oid: str
    path: str


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every git process the readers start."""
    env = dict(os.environ if base is None else base)
    env.update(
        {
            # A worker thread must never wait for a password nobody will type.
            "GIT_TERMINAL_PROMPT": "0",
            "GCM_INTERACTIVE": "never",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            # `:(glob)x` or `*` in a path given by a user is a file name, not a pattern.
            "GIT_LITERAL_PATHSPECS": "1",
            # Only transports we construct: never `ext::` (runs commands) or `fd::`.
            "GIT_ALLOW_PROTOCOL": "file:http:https",
            # English messages: they are shown to users and matched here.
            "LC_ALL": "C",
            "LANGUAGE": "C",
        }
    )
    return env


def run_git(
    args: Sequence[str],
    env: Mapping[str, str],
    timeout: float,
    *,
    input_bytes: bytes | None = None,
) -> bytes:
    """Run `git <args>` and return its stdout; GitError with its stderr when it fails."""
    try:
        completed = subprocess.run(
            ["git", *args],
            input=input_bytes,
            stdin=None if input_bytes is not None else subprocess.DEVNULL,
            capture_output=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {timeout:g} s") from None
    except FileNotFoundError:
        raise GitError("the git command is not installed") from None
    if completed.returncode != 0:
        raise GitError(trim_stderr(completed.stderr) or f"git exited with {completed.returncode}")
    return completed.stdout


def trim_stderr(stderr: bytes) -> str:
    """git's complaint in one short line: no `fatal:` prefixes, hints or credentials."""
    lines = [
        line.strip().removeprefix("fatal: ").removeprefix("error: ")
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith("hint:")
    ]
    return redact("; ".join(lines))[:500]


class GitRepository:
    """The objects of one repository: its refs, trees and blobs."""

    def __init__(self, git_dir: str, env: Mapping[str, str], timeout: float) -> None:
        self.git_dir = git_dir
        self._env = env
        self._timeout = timeout

    def git(self, *args: str, input_bytes: bytes | None = None) -> bytes:
        return run_git(
            [f"--git-dir={self.git_dir}", *args], self._env, self._timeout, input_bytes=input_bytes
        )

    def head(self) -> str:
        """The branch HEAD points at (short name), or the commit id when it is detached."""
        try:
            with open(os.path.join(self.git_dir, "HEAD"), encoding="utf-8") as handle:
                content = handle.read(4096).strip()
        except OSError:
            content = ""
        # Reading the file saves a process per repository; reftable repositories keep a
        # placeholder there, and anything unusual is left to git itself.
        if content.startswith("ref: refs/heads/") and not content.endswith(".invalid"):
            return content.removeprefix("ref: refs/heads/")
        if len(content) in (40, 64) and all(char in "0123456789abcdef" for char in content):
            return content
        try:
            return self.git("symbolic-ref", "--short", "HEAD").decode().strip()
        except GitError:
            return self.git("rev-parse", "--verify", "HEAD").decode().strip()

    def refs(self) -> set[str]:
        """Short names of every branch and tag."""
        out = self.git("for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags")
        names = set()
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            names.add(line.removeprefix("refs/heads/").removeprefix("refs/tags/"))
        return names

    def list_tree(self, ref: str, prefix: str) -> list[TreeEntry]:
        """Every blob of `ref` below `prefix` (a file, a folder, or `""` for all)."""
        # No `-l`: sizes would make git open every blob; read_objects checks them anyway.
        args = ["ls-tree", "-r", "-z", ref]
        if prefix:
            args += ["--", prefix]
        entries = []
        for record in self.git(*args).split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid = meta.decode().split()
            if kind == "blob":
                entries.append(TreeEntry(mode, oid, raw_path.decode("utf-8", "surrogateescape")))
        return entries

    def read_objects(self, names: Sequence[str], max_bytes: int) -> dict[str, bytes | str]:
        """Blob contents by object name (`<blob id>` or `<ref>:<path>`), or why not.

        One `git cat-file --batch` streams every object; a blob over `max_bytes` is
        drained in chunks and refused, so it never sits in memory.
        """
        unique = list(dict.fromkeys(names))
        results: dict[str, bytes | str] = {}
        # --buffer: git writes in large blocks once stdin is closed, not once per object.
        command = ["git", f"--git-dir={self.git_dir}", "cat-file", "--batch", "--buffer"]
        pipe = subprocess.PIPE
        with subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=pipe, env=self._env) as proc:
            stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
            if stdin is None or stdout is None or stderr is None:  # pragma: no cover
                raise GitError("git cat-file could not be started")
            # git answers each line as it reads it: feeding it from another thread keeps
            # a full stdout pipe and a full stdin pipe from waiting on each other.
            feeder = threading.Thread(target=_feed, args=(stdin, _lines(unique)), daemon=True)
            feeder.start()
            try:
                for name in unique:
                    results[name] = _next_object(stdout, max_bytes)
            except _BatchEndedError:
                proc.wait(self._timeout)
                raise GitError(trim_stderr(stderr.read()) or "git cat-file stopped") from None
            finally:
                feeder.join(self._timeout)
        return results


class _BatchEndedError(Exception):
    """git cat-file exited before answering every object name."""


def _feed(stdin: IO[bytes], data: bytes) -> None:
    try:
        stdin.write(data)
        stdin.close()
    except (BrokenPipeError, ValueError):
        pass  # git exited early; the reader reports why


def _next_object(stdout: IO[bytes], max_bytes: int) -> bytes | str:
    """One `<oid> <type> <size>\\n<content>\\n` answer (or `<name> missing\\n`)."""
    header = stdout.readline()
    if not header.endswith(b"\n"):
        raise _BatchEndedError
    if header.endswith((b" missing\n", b" ambiguous\n")):
        return "file not found"
    kind, size = header.split()[1:3]
    length = int(size)
    if kind != b"blob" or length > max_bytes:
        _drain(stdout, length + 1)
        if kind != b"blob":
            return "is a folder, not a file"
        return f"the file is larger than the limit of {max_bytes} bytes"
    data = stdout.read(length + 1)
    if len(data) != length + 1:
        raise _BatchEndedError
    return data[:length]


def _drain(stdout: IO[bytes], count: int) -> None:
    while count > 0:
        chunk = stdout.read(min(count, 1 << 20))
        if not chunk:
            raise _BatchEndedError
        count -= len(chunk)


def _lines(names: Sequence[str]) -> bytes:
    return "".join(f"{name}\n" for name in names).encode("utf-8", "surrogateescape")
