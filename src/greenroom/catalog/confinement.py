"""Which targets a location registered through the API may make the server read.

Configured locations are trusted (an operator wrote them). A location anyone
may register through the API is confined: local files and repositories only
under `catalog.registration_file_roots`, remote URLs only on
`catalog.registration_allowed_hosts`. The same rule holds for every Location
entity such a location leads to, so a registered file cannot point the server
at `/etc` or at an internal address.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from greenroom.catalog.sources.base import (
    FileRef,
    LocationReader,
    LocationReadError,
    redirect_refusal,
)
from greenroom.catalog.sources.readers import LocationReaders
from greenroom.catalog.sources.urls import redact

CONFINED_PROVIDERS = frozenset({"registered", "dry-run", "analyze"})
"""Sources that come from the API (registered locations, dry runs, analyses)."""


@dataclass(frozen=True)
class Confinement:
    file_roots: tuple[Path, ...]
    allowed_hosts: tuple[str, ...]

    @classmethod
    def of(cls, file_roots: list[Path], allowed_hosts: list[str]) -> Confinement:
        return cls(tuple(root.resolve() for root in file_roots), tuple(allowed_hosts))

    def refusal(self, location_type: str, target: str) -> str | None:
        """Why `location_type:target` may not be read for an API source, or None if it may."""
        if any(ord(char) < 32 for char in target):
            return "the location target contains control characters"
        try:
            parsed = urlsplit(target)
            hostname = parsed.hostname
        except ValueError:
            return f"{target} is not a valid URL"
        if location_type == "file" or parsed.scheme == "file" or target.startswith("/"):
            path = Path(unquote(parsed.path) if parsed.scheme == "file" else target).resolve()
            if any(path == root or root in path.parents for root in self.file_roots):
                return None
            return (
                f"{target} is not under a folder that allows registration "
                "(catalog.registration_file_roots)"
            )
        if parsed.scheme not in {"http", "https"} or not hostname:
            return f"{target} is not an http(s) or file URL"
        host = hostname.lower()
        if any(fnmatch.fnmatch(host, pattern.lower()) for pattern in self.allowed_hosts):
            return None
        return f"host {host} is not allowed for registration (catalog.registration_allowed_hosts)"


class ConfinedReaders(LocationReaders):
    """Location readers that refuse, for one pass, whatever the confinement forbids.

    Every read of a confined source goes through these: Location targets,
    `$text`/`$json`/`$yaml` placeholders, and each file a folder or glob lists
    (a symlink out of an allowed folder is refused by its resolved path).
    """

    def __init__(self, readers: LocationReaders, confinement: Confinement) -> None:
        super().__init__(list(readers))
        self.confinement = confinement

    def for_target(self, location_type: str, target: str) -> LocationReader:
        refusal = self.confinement.refusal(location_type, target)
        if refusal is not None:
            raise LocationReadError(f"{location_type}:{redact(target)}", f"Not read: {refusal}")
        return _ConfinedReader(super().for_target(location_type, target), self.confinement)


class _ConfinedReader:
    def __init__(self, reader: LocationReader, confinement: Confinement) -> None:
        self.reader = reader
        self.confinement = confinement

    def can_read(self, location_type: str, target: str) -> bool:
        return self.reader.can_read(location_type, target)

    def _refuse_redirect(self, url: str) -> str | None:
        return self.confinement.refusal("url", url)

    def list_files(self, location_type: str, target: str) -> list[FileRef]:
        token = redirect_refusal.set(self._refuse_redirect)
        try:
            files = self.reader.list_files(location_type, target)
        finally:
            redirect_refusal.reset(token)
        allowed = []
        for file in files:
            file_type, _, file_target = file.location.partition(":")
            if self.confinement.refusal(file_type, file_target) is None:
                allowed.append(file)
        return allowed

    def read_file(self, ref: FileRef) -> bytes:
        file_type, _, file_target = ref.location.partition(":")
        refusal = self.confinement.refusal(file_type, file_target)
        if refusal is not None:
            raise LocationReadError(ref.location, f"Not read: {refusal}")
        token = redirect_refusal.set(self._refuse_redirect)
        try:
            return self.reader.read_file(ref)
        finally:
            redirect_refusal.reset(token)
