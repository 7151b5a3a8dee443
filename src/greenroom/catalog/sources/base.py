"""What a location reader is: list the files a location target names, then read them.

Listing and reading are separate so that ingestion can skip files whose version
(a git blob id, a content hash) has not changed since the last pass without
reading or parsing them. That is what makes unchanged re-ingestion cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from greenroom.errors import GreenroomError


class LocationReadError(GreenroomError):
    """A location target could not be read; `location` is the `type:target` that failed."""

    status_code = 400
    name = "LocationReadError"

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.reason = message


redirect_refusal: ContextVar[Callable[[str], str | None] | None] = ContextVar(
    "greenroom_redirect_refusal", default=None
)
"""Set while a confined source is read (see confinement.py): why a redirect to a URL
may not be followed, or None when it may. Readers that follow redirects over the
network consult it for every hop, so an allowed host cannot bounce the server to an
internal address."""


@dataclass(frozen=True, slots=True)
class FileRef:
    """One file a location target names.

    `location` is canonical `type:target` of that single file (for example
    `file:/srv/repos/payments/catalog-info.yaml` or
    `url:file:///srv/repos/payments.git#main:catalog-info.yaml`); it is what
    relative targets and `$text` paths are resolved against and what
    `backstage.io/managed-by-location` records. `version` changes whenever the
    content changes (a git blob id, a sha256 of the bytes, an HTTP ETag); it is
    None when the reader cannot tell without reading.
    """

    location: str
    version: str | None


class LocationReader(Protocol):
    """Reads one family of location targets (`file`, git `url`, http `url`, ...)."""

    def can_read(self, location_type: str, target: str) -> bool:
        """True when this reader handles `location_type:target`."""
        ...

    def list_files(self, location_type: str, target: str) -> list[FileRef]:
        """The files the target names (one file, a folder, a glob); raise LocationReadError."""
        ...

    def read_file(self, ref: FileRef) -> bytes:
        """The bytes of one listed file; raise LocationReadError (size limit included)."""
        ...


class BatchLocationReader(LocationReader, Protocol):
    """A reader that can read many listed files at once (one git process per repository).

    Callers use `read_files` when a reader has it; a failure of one file is returned
    in its slot, so one bad file does not fail the batch.
    """

    def read_files(self, refs: Sequence[FileRef]) -> dict[FileRef, bytes | LocationReadError]:
        """The bytes of each ref, or the LocationReadError that reading it raised."""
        ...
