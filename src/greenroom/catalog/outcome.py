"""What processing one catalog source produces, before anything is written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from greenroom.catalog.flatten import flatten_entity
from greenroom.catalog.model import Relation
from greenroom.catalog.models import UNINDEXED_VALUE

PROCESSING_ERROR_TYPE = "backstage.io/catalog-processing"


def status_item(message: str, *, error_name: str = "InputError") -> dict[str, Any]:
    """One entry of `status.items`, in Backstage's shape."""
    return {
        "type": PROCESSING_ERROR_TYPE,
        "level": "error",
        "message": message,
        "error": {"name": error_name, "message": message},
    }


COLUMN_ONLY_KEYS = frozenset({"metadata.name", "metadata.namespace"})
"""Keys every query answers from catalog_entities' own columns: no search rows for them."""

StoredRelation = tuple[str, str, str, str]
"""(source ref, lowercase type, target ref, type as written), as catalog_relations stores it."""
StoredSearchPair = tuple[str, str, str | None]
"""(key, value or UNINDEXED_VALUE, the written form if it differs), as catalog_search has it."""


@dataclass(slots=True)
class ProcessedEntity:
    """An entity that processed cleanly (or whose new version failed: `failed=True`).

    A worker process `pack()`s it before sending it to the writer: everything the
    writer stores is computed there, and the parsed body is dropped. Unpickling
    nested dicts and relation objects cost the single writer more than writing them.
    """

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
    _body_json: str | None = None
    _hash: str | None = None
    _columns: dict[str, str | None] | None = None
    _relation_rows: list[StoredRelation] | None = None
    _search_rows: list[StoredSearchPair] | None = None

    def pack(self) -> None:
        """Compute what the writer stores, then drop the parsed body and relations."""
        if self.body is None:
            return
        self._columns = self.columns()
        self._relation_rows = self.relation_rows()
        self._search_rows = self.search_rows()
        self.body_json  # noqa: B018 - computed (with the hash) before the body goes
        self.hash  # noqa: B018
        self.body, self.relations = None, []

    def columns(self) -> dict[str, str | None]:
        """The indexed columns of the entity row (see models.EntityRow)."""
        if self._columns is not None:
            return self._columns
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

    def relation_rows(self) -> list[StoredRelation]:
        """The relations this entity emits; reverse ones are read, not stored."""
        if self._relation_rows is not None:
            return self._relation_rows
        rows: set[StoredRelation] = set()
        for relation in self.relations:
            source = str(relation.source)
            if source == self.ref:
                rows.add((source, relation.type.lower(), str(relation.target), relation.type))
        return sorted(rows)

    def search_rows(self) -> list[StoredSearchPair]:
        """The entity's flattened `key=value` rows in their stored form (see models.SearchRow)."""
        if self._search_rows is not None:
            return self._search_rows
        assert self.body is not None, "a failed entity has no search rows"
        return [
            (
                key,
                UNINDEXED_VALUE if value is None else value,
                # Facets show what authors wrote; stored only when it differs (case),
                # which keeps the table small. Long values have no facet.
                None if value is None or original == value else original,
            )
            for key, value, original in flatten_entity(self.body)
            if key not in COLUMN_ONLY_KEYS
        ]

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


@dataclass(frozen=True)
class OutcomeCheckpoint:
    child_errors: dict[str, list[dict[str, Any]]]
    versions: dict[str, str | None]


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

    def pack(self) -> None:
        """Make the outcome cheap to send to the writer (see `ProcessedEntity.pack`)."""
        for entity in self.entities.values():
            entity.pack()

    def checkpoint(self) -> OutcomeCheckpoint:
        """What writing may change in the outcome (errors, file versions), to undo a failed try."""
        return OutcomeCheckpoint(
            {ref: list(items) for ref, items in self.child_errors.items()},
            {location: state.version for location, state in self.files.items()},
        )

    def restore(self, checkpoint: OutcomeCheckpoint) -> None:
        self.child_errors = {ref: list(items) for ref, items in checkpoint.child_errors.items()}
        for location, version in checkpoint.versions.items():
            self.files[location].version = version

    def add_child_error(self, location_ref: str, message: str, name: str = "InputError") -> None:
        self.child_errors.setdefault(location_ref, []).append(status_item(message, error_name=name))

    @property
    def error_count(self) -> int:
        return sum(len(items) for items in self.child_errors.values()) + sum(
            1 for entity in self.entities.values() if entity.errors
        )
