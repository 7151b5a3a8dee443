"""What processing one catalog source produces, before anything is written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from greenroom.catalog.model import Relation

PROCESSING_ERROR_TYPE = "backstage.io/catalog-processing"


def status_item(message: str, *, error_name: str = "InputError") -> dict[str, Any]:
    """One entry of `status.items`, in Backstage's shape."""
    return {
        "type": PROCESSING_ERROR_TYPE,
        "level": "error",
        "message": message,
        "error": {"name": error_name, "message": message},
    }


@dataclass(slots=True)
class ProcessedEntity:
    """An entity that processed cleanly (or whose new version failed: `failed=True`)."""

    ref: str
    kind: str
    namespace: str
    name: str
    location: str
    parent_ref: str | None
    body: dict[str, Any] | None
    relations: list[Relation]
    errors: list[dict[str, Any]]
    failed: bool = False
    search: list[tuple[str, str | None, str | None]] | None = None
    """Flattened `key=value` rows, computed where the entity is processed (see flatten.py)."""
    _body_json: str | None = None
    _hash: str | None = None

    def columns(self) -> dict[str, str | None]:
        """The indexed columns of the entity row (see models.EntityRow)."""
        body: dict[str, Any] = self.body or {}
        spec = _mapping(body.get("spec"))
        metadata = _mapping(body.get("metadata"))
        profile = _mapping(spec.get("profile"))
        owner = next((str(r.target) for r in self.relations if r.type == "ownedBy"), None)
        return {
            # Like search values: over 200 characters a value is not matched by equality.
            "spec_type": _bounded(_lower_scalar(spec.get("type"))),
            "lifecycle": _bounded(_lower_scalar(spec.get("lifecycle"))),
            "owner_ref": _bounded(owner),
            # Indexed for full text: the first 200 characters are searched.
            "title": _prefix(_lower_scalar(metadata.get("title"))),
            "display_name": _prefix(_lower_scalar(profile.get("displayName"))),
        }

    @property
    def body_json(self) -> str:
        """The body as stored: compact JSON, computed once."""
        if self._body_json is None:
            self._body_json = json.dumps(self.body, separators=(",", ":"), ensure_ascii=False)
        return self._body_json

    @property
    def hash(self) -> str:
        """Changes whenever anything stored for the entity changes; equal hashes skip writes."""
        if self._hash is None:
            extra = json.dumps([self.errors, self.location, self.parent_ref])
            digest = hashlib.sha256(self.body_json.encode())
            digest.update(extra.encode())
            self._hash = digest.hexdigest()
        return self._hash


COLUMN_TEXT_LIMIT = 200


def _bounded(value: str | None) -> str | None:
    return value if value is None or len(value) <= COLUMN_TEXT_LIMIT else None


def _prefix(value: str | None) -> str | None:
    return value if value is None else value[:COLUMN_TEXT_LIMIT]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _lower_scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


@dataclass(slots=True)
class FileState:
    """What a cleanly processed file gave, kept so an unchanged file is not read again."""

    location: str
    parent_location: str
    version: str | None
    refs: list[str]
    children: list[tuple[str, str, str]]
    """(location entity ref, type, resolved target) for every Location entity in the file."""
    deps: list[tuple[str, str | None]]
    """(location, version) of every file read through `$text`/`$json`/`$yaml`."""

    def to_json(self) -> str:
        return json.dumps(
            {"refs": self.refs, "children": self.children, "deps": self.deps}, sort_keys=True
        )

    @classmethod
    def from_row(cls, location: str, parent: str, version: str | None, state: str) -> FileState:
        data = json.loads(state)
        return cls(
            location=location,
            parent_location=parent,
            version=version,
            refs=list(data["refs"]),
            children=[(str(a), str(b), str(c)) for a, b, c in data["children"]],
            deps=[(str(a), None if b is None else str(b)) for a, b in data["deps"]],
        )


@dataclass
class SourceOutcome:
    """Everything one pass over a source found."""

    source_key: str
    root_ref: str
    entities: dict[str, ProcessedEntity] = field(default_factory=dict)
    retained_refs: set[str] = field(default_factory=set)
    """Refs from files that were unchanged or could not be read: their rows stay as they are."""
    location_refs: set[str] = field(default_factory=set)
    """Every Location entity of the source, processed or retained."""
    child_errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Errors found reading what a Location entity points at, keyed by that entity's ref."""
    files: dict[str, FileState] = field(default_factory=dict)
    kept_file_locations: set[str] = field(default_factory=set)
    keep_existing: bool = False
    """Set when the source could not be read at all: nothing it gave before is retired."""
    files_read: int = 0
    files_skipped: int = 0

    def add_child_error(self, location_ref: str, message: str, name: str = "InputError") -> None:
        self.child_errors.setdefault(location_ref, []).append(status_item(message, error_name=name))

    @property
    def error_count(self) -> int:
        return sum(len(items) for items in self.child_errors.values()) + sum(
            1 for entity in self.entities.values() if entity.errors
        )
