"""`type: file` locations: one file, a folder of catalog files, or a glob on local disk.

Targets: a file path; a folder (every `catalog-info.yaml`/`.yml` below it, skipping
`.git` and `node_modules`); or a glob such as `/srv/org/**/*.yaml` (see globs.py). A
relative target is taken from the current directory; callers that know the file a
target was written in resolve it first (resolve.py). Each file's location is
`file:<absolute path>` and its version `<st_mtime_ns>:<st_size>`, cheap to list and
changed by any write.
"""

from __future__ import annotations

import os

from greenroom.catalog.sources.base import FileRef, LocationReadError
from greenroom.catalog.sources.globs import (
    CATALOG_FILE_NAMES,
    PRUNED_FOLDERS,
    compile_glob,
    has_magic,
    is_recursive,
    pruned_by,
    static_prefix,
)

FILE_PREFIX = "file:"


class FileReader:
    """Reads `file` locations from the local file system."""

    def __init__(self, max_file_bytes: int) -> None:
        self._max_bytes = max_file_bytes

    def can_read(self, location_type: str, target: str) -> bool:
        return location_type == "file"

    def list_files(self, location_type: str, target: str) -> list[FileRef]:
        location = f"{location_type}:{target}"
        if not target:
            raise LocationReadError(location, "the target is empty")
        path = os.path.abspath(target)
        if has_magic(path):
            return _refs(_glob(path))
        try:
            if os.path.isdir(path):
                return _refs(_catalog_files(path))
            return [_ref(path)]
        except FileNotFoundError:
            raise LocationReadError(location, "file not found") from None
        except OSError as exc:
            raise LocationReadError(location, exc.strerror or str(exc)) from None

    def read_file(self, ref: FileRef) -> bytes:
        if not ref.location.startswith(FILE_PREFIX):
            raise LocationReadError(ref.location, "not a file location")
        path = ref.location[len(FILE_PREFIX) :]
        try:
            with open(path, "rb") as handle:
                # One byte over the limit tells "too large" without reading a huge file.
                data = handle.read(self._max_bytes + 1)
        except FileNotFoundError:
            raise LocationReadError(ref.location, "file not found") from None
        except IsADirectoryError:
            raise LocationReadError(ref.location, "is a folder, not a file") from None
        except OSError as exc:
            raise LocationReadError(ref.location, exc.strerror or str(exc)) from None
        if len(data) > self._max_bytes:
            raise LocationReadError(
                ref.location, f"the file is larger than the limit of {self._max_bytes} bytes"
            )
        return data


def _ref(path: str) -> FileRef:
    # stat raises FileNotFoundError for a missing plain path: that is the error we report.
    stat = os.stat(path)
    return FileRef(f"{FILE_PREFIX}{path}", f"{stat.st_mtime_ns}:{stat.st_size}")


def _refs(paths: list[str]) -> list[FileRef]:
    refs = []
    for path in paths:
        try:
            refs.append(_ref(path))
        except FileNotFoundError:
            continue  # removed while we listed: the next pass will not see it either
    return refs


def _catalog_files(folder: str) -> list[str]:
    found: list[str] = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in PRUNED_FOLDERS)
        found.extend(
            os.path.join(root, name) for name in sorted(files) if name in CATALOG_FILE_NAMES
        )
    return found


def _glob(pattern: str) -> list[str]:
    """Files matching an absolute glob, walking only below its fixed leading folders."""
    regex = compile_glob(pattern)
    root = static_prefix(pattern)
    pruned = pruned_by(pattern)
    # Without `**`, nothing deeper than the pattern's own depth can match.
    max_depth = None if is_recursive(pattern) else pattern.count("/") - root.rstrip("/").count("/")
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        depth = folder.rstrip("/").count("/") - root.rstrip("/").count("/")
        if max_depth is not None and depth + 1 >= max_depth:
            folders[:] = []
        else:
            folders[:] = sorted(name for name in folders if name not in pruned)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if regex.match(path) and os.path.isfile(path):
                found.append(path)
    return sorted(found)
