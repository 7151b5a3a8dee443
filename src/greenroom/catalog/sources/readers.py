"""The readers a catalog uses, in order: the first that can read a target reads it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

from greenroom.catalog.sources.base import FileRef, LocationReader, LocationReadError
from greenroom.catalog.sources.file import FileReader
from greenroom.catalog.sources.git import GitReader
from greenroom.catalog.sources.http import HttpReader
from greenroom.catalog.sources.urls import redact


class LocationReaders:
    """An ordered list of readers; more specific readers come first."""

    def __init__(self, readers: Sequence[LocationReader]) -> None:
        self._readers = tuple(readers)

    def __iter__(self) -> Iterator[LocationReader]:
        return iter(self._readers)

    def for_target(self, location_type: str, target: str) -> LocationReader:
        """The first reader that handles `location_type:target`; else LocationReadError."""
        for reader in self._readers:
            if reader.can_read(location_type, target):
                return reader
        location = f"{location_type}:{redact(target)}"
        raise LocationReadError(location, f"No reader is able to handle {location}")


def read_all(
    reader: LocationReader, refs: Sequence[FileRef]
) -> dict[FileRef, bytes | LocationReadError]:
    """Read listed files with one batch when the reader can (git), else one by one."""
    batch = getattr(reader, "read_files", None)
    if batch is not None:
        results: dict[FileRef, bytes | LocationReadError] = batch(refs)
        return results
    out: dict[FileRef, bytes | LocationReadError] = {}
    for ref in refs:
        try:
            out[ref] = reader.read_file(ref)
        except LocationReadError as exc:
            out[ref] = exc
    return out


def build_default_readers(
    max_file_bytes: int,
    cache_dir: Path,
    http_client: httpx.Client,
    *,
    http_timeout: float = 15.0,
) -> LocationReaders:
    """file, then git (which claims file://, local paths and hosting URLs), then http."""
    return LocationReaders(
        [
            FileReader(max_file_bytes),
            GitReader(max_file_bytes, cache_dir),
            HttpReader(http_client, max_file_bytes=max_file_bytes, timeout=http_timeout),
        ]
    )
