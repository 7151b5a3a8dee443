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
        parsed = urlsplit(target)
        if location_type == "file" or parsed.scheme == "file" or target.startswith("/"):
            path = Path(unquote(parsed.path) if parsed.scheme == "file" else target).resolve()
            if any(path == root or root in path.parents for root in self.file_roots):
                return None
            return (
                f"{target} is not under a folder that allows registration "
                "(catalog.registration_file_roots)"
            )
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            return f"{target} is not an http(s) or file URL"
        host = parsed.hostname.lower()
        if any(fnmatch.fnmatch(host, pattern.lower()) for pattern in self.allowed_hosts):
            return None
        return f"host {host} is not allowed for registration (catalog.registration_allowed_hosts)"
