"""Processing one catalog source: read its locations, validate, substitute, relate.

A source is one root location (registered, configured or discovered). Its pass
walks the tree of Location entities breadth first, reading each level's files
in one batch per reader. A file whose version (git blob id, mtime and size) is
what the previous clean pass saw is not read or parsed at all: its entities
and child locations are carried over from `catalog_source_files`. This module
does no SQL; `repository.py` writes the outcome.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from greenroom.catalog.confinement import CONFINED_PROVIDERS, ConfinedReaders, Confinement
from greenroom.catalog.model import (
    InvalidEntityRef,
    normalize_entity,
    parse_entity_ref,
    relations_of,
    render_path,
    validate_entity,
)
from greenroom.catalog.model.formats import classify_url
from greenroom.catalog.outcome import FileState, ProcessedEntity, SourceOutcome, status_item
from greenroom.catalog.sources.base import FileRef, LocationReadError
from greenroom.catalog.sources.documents import ParsedDocument, field_line, parse_documents
from greenroom.catalog.sources.placeholders import resolve_placeholders
from greenroom.catalog.sources.readers import LocationReaders, read_all
from greenroom.catalog.sources.resolve import resolve_target, view_urls
from greenroom.catalog.sources.urls import redact

ANNOTATION_LOCATION = "backstage.io/managed-by-location"
ANNOTATION_ORIGIN_LOCATION = "backstage.io/managed-by-origin-location"
_URL_ANNOTATIONS = ("backstage.io/view-url", "backstage.io/edit-url")
REJECTED_URL = "https://backstage.io/annotation-rejected-for-security-reasons"


PROVIDER_LOCATION_TYPE = "provider"
"""The `type` of a source whose provider hands over entities itself (no location to read)."""


class EntityReader(Protocol):
    """A provider that hands entities over directly instead of naming locations."""

    name: str

    def read_entities(self, source: SourceSpec) -> list[Any]:
        """The provider's entities for one of its sources (plain descriptor dicts)."""
        ...


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A root location the catalog ingests, and the provider that contributes it."""

    key: str
    provider: str
    type: str
    target: str


def generated_location_name(location_type: str, target: str) -> str:
    """Backstage's name for the Location entity of a registered location.

    Credentials in the target (`https://user:token@host/...`) are left out, here and
    in the entity, which anyone who may read the catalog can see.
    """
    target = redact(target)
    digest = hashlib.sha1(f"{location_type}:{target}".encode(), usedforsecurity=False)
    return f"generated-{digest.hexdigest()}"


def root_location_entity(location_type: str, target: str) -> dict[str, Any]:
    target = redact(target)
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {
            "name": generated_location_name(location_type, target),
            "namespace": "default",
            "annotations": {
                ANNOTATION_LOCATION: f"{location_type}:{target}",
                ANNOTATION_ORIGIN_LOCATION: f"{location_type}:{target}",
            },
        },
        "spec": {"type": location_type, "target": target},
    }


@dataclass(slots=True)
class _Pending:
    """A location target waiting to be listed, and the Location entity that named it."""

    location_ref: str
    type: str
    target: str
    depth: int


class SourceProcessor:
    """Runs one pass over one source; holds nothing between passes."""

    def __init__(
        self,
        readers: LocationReaders,
        *,
        max_depth: int = 32,
        entity_readers: Mapping[str, EntityReader] | None = None,
        confinement: Confinement | None = None,
    ) -> None:
        self.readers = readers
        self.max_depth = max_depth
        self.entity_readers = dict(entity_readers or {})
        self.confinement = confinement

    def process(self, source: SourceSpec, previous: Mapping[str, FileState]) -> SourceOutcome:
        origin = f"{source.type}:{redact(source.target)}"
        root = root_location_entity(source.type, source.target)
        root_ref = f"location:default/{root['metadata']['name']}"
        outcome = SourceOutcome(source_key=source.key, root_ref=root_ref)
        outcome.entities[root_ref] = self._entity(root, origin, None)
        outcome.location_refs.add(root_ref)
        if source.type == PROVIDER_LOCATION_TYPE:
            self._process_provided(source, root_ref, outcome, origin)
            return outcome
        level = [_Pending(root_ref, source.type, source.target, 1)]
        seen_targets: set[str] = set()
        confined = self.confinement if source.provider in CONFINED_PROVIDERS else None
        # A confined pass reads through readers that refuse what it may not read.
        runner = self if confined is None else self._confined_copy(confined)
        while level:
            level = runner._process_level(level, seen_targets, previous, outcome, origin)
        _drop_copies_of_retained(outcome)
        return outcome

    def _confined_copy(self, confinement: Confinement) -> SourceProcessor:
        runner = copy.copy(self)
        runner.readers = ConfinedReaders(self.readers, confinement)
        return runner

    def _process_provided(
        self, source: SourceSpec, root_ref: str, outcome: SourceOutcome, origin: str
    ) -> None:
        """Entities a provider hands over directly, processed like the documents of a file."""
        reader = self.entity_readers.get(source.provider)
        if reader is None:
            outcome.add_child_error(root_ref, f"No entity provider named {source.provider!r}")
            return
        try:
            entities = reader.read_entities(source)
        except Exception as exc:
            # The provider's last good entities stay: nothing is retired on a failed read.
            outcome.add_child_error(root_ref, f"{origin}: {type(exc).__name__}: {exc}")
            outcome.keep_existing = True
            return
        documents = [
            ParsedDocument(index=i, line=i + 1, data=entity, error=None)
            if isinstance(entity, dict)
            else ParsedDocument(index=i, line=i + 1, data=None, error="Expected object at root")
            for i, entity in enumerate(entities)
        ]
        pending = _Pending(root_ref, source.type, source.target, 1)
        self._process_documents(pending, FileRef(origin, None), documents, b"", outcome, origin)

    def check_file(self, location: str, content: bytes) -> list[str]:
        """Every problem ingestion would report for one file, as `file:line field: rule`."""
        problems: list[str] = []
        seen: dict[str, int] = {}
        for document in parse_documents(content, location):
            if document.error is not None:
                problems.append(f"{_display(location)}:{document.line}: {document.error}")
                continue
            _, found, _ = self._prepare(document, location, content)
            problems.extend(found)
            ref = _ref_of(document.data or {})
            if not found and ref is not None:
                if ref in seen:
                    problems.append(
                        f"{_display(location)}:{document.line} metadata.name: entity {ref} is "
                        f"already defined at line {seen[ref]} of this file"
                    )
                seen.setdefault(ref, document.line)
        return problems

    def _process_level(
        self,
        level: Sequence[_Pending],
        seen_targets: set[str],
        previous: Mapping[str, FileState],
        outcome: SourceOutcome,
        origin: str,
    ) -> list[_Pending]:
        next_level: list[_Pending] = []
        to_read: list[tuple[_Pending, FileRef]] = []
        for pending in level:
            key = f"{pending.type}:{pending.target}"
            try:
                # First, so a target the pass may not read is refused, not just deduplicated.
                reader = self.readers.for_target(pending.type, pending.target)
            except (LocationReadError, ValueError) as exc:
                self._unreadable(pending, key, exc, previous, outcome)
                continue
            if key in seen_targets:
                outcome.add_child_error(
                    pending.location_ref,
                    f"Location {key} is referenced more than once (a cycle or a duplicate); "
                    "it was read only the first time",
                )
                continue
            seen_targets.add(key)
            if pending.depth > self.max_depth:
                outcome.add_child_error(
                    pending.location_ref,
                    f"Location {key} is nested {pending.depth} levels deep; "
                    f"over {self.max_depth} is treated as a cycle and not read",
                )
                continue
            try:
                files = reader.list_files(pending.type, pending.target)
            except (LocationReadError, ValueError) as exc:
                self._unreadable(pending, key, exc, previous, outcome)
                continue
            for file in files:
                state = previous.get(file.location)
                if state is not None and self._unchanged(file, state):
                    outcome.files_skipped += 1
                    outcome.files[file.location] = state
                    outcome.retained_refs.update(state.refs)
                    for location_ref, child_type, child_target in state.children:
                        outcome.location_refs.add(location_ref)
                        next_level.append(
                            _Pending(location_ref, child_type, child_target, pending.depth + 1)
                        )
                else:
                    to_read.append((pending, file))
        for (pending, file), content in zip(
            to_read, self._read_all([file for _, file in to_read]), strict=True
        ):
            outcome.files_read += 1
            if isinstance(content, LocationReadError):
                outcome.add_child_error(pending.location_ref, content.message, content.name)
                if file.location in previous:
                    self._keep_files([file.location], previous, outcome)
                continue
            next_level.extend(self._process_file(pending, file, content, outcome, origin, previous))
        return next_level

    def _unreadable(
        self,
        pending: _Pending,
        key: str,
        exc: LocationReadError | ValueError,
        previous: Mapping[str, FileState],
        outcome: SourceOutcome,
    ) -> None:
        """Report a target that could not be read, and keep what it gave before."""
        if isinstance(exc, LocationReadError):
            outcome.add_child_error(pending.location_ref, exc.message, exc.name)
        else:  # urlsplit raises ValueError on a malformed URL
            outcome.add_child_error(pending.location_ref, f"{key}: {exc}")
        self._keep_unreadable(key, previous, outcome)

    def _unchanged(self, file: FileRef, state: FileState) -> bool:
        if file.version is None or file.version != state.version:
            return False
        for dep_location, dep_version in state.deps:
            if dep_version is None or self._current_version(dep_location) != dep_version:
                return False
        return True

    def _current_version(self, location: str) -> str | None:
        location_type, _, target = location.partition(":")
        try:
            files = self.readers.for_target(location_type, target).list_files(location_type, target)
        except LocationReadError:
            return None
        return files[0].version if len(files) == 1 else None

    def _keep_unreadable(
        self, key: str, previous: Mapping[str, FileState], outcome: SourceOutcome
    ) -> None:
        """Keep everything a location gave before, down its whole tree of Locations.

        An unreachable location must not delete what it gave before (Backstage keeps
        the last good entities and reports the error on the Location instead).
        """
        self._keep_files(
            [location for location, state in previous.items() if state.parent_location == key],
            previous,
            outcome,
        )

    def _keep_files(
        self, locations: list[str], previous: Mapping[str, FileState], outcome: SourceOutcome
    ) -> None:
        by_parent: dict[str, list[str]] = {}
        for location, state in previous.items():
            by_parent.setdefault(state.parent_location, []).append(location)
        pending = list(locations)
        while pending:
            location = pending.pop()
            if location in outcome.kept_file_locations:
                continue
            state = previous[location]
            outcome.kept_file_locations.add(location)
            outcome.retained_refs.update(state.refs)
            for location_ref, child_type, child_target in state.children:
                outcome.location_refs.add(location_ref)
                pending.extend(by_parent.get(f"{child_type}:{child_target}", []))

    def _read_all(self, files: list[FileRef]) -> list[bytes | LocationReadError]:
        results: dict[FileRef, bytes | LocationReadError] = {}
        by_reader: dict[int, tuple[Any, list[FileRef]]] = {}
        for file in files:
            location_type, _, target = file.location.partition(":")
            try:
                reader = self.readers.for_target(location_type, target)
            except LocationReadError as exc:
                results[file] = exc
                continue
            by_reader.setdefault(id(reader), (reader, []))[1].append(file)
        for reader, group in by_reader.values():
            results.update(read_all(reader, group))
        return [results[file] for file in files]

    def _process_file(
        self,
        pending: _Pending,
        file: FileRef,
        content: bytes,
        outcome: SourceOutcome,
        origin: str,
        previous: Mapping[str, FileState],
    ) -> list[_Pending]:
        documents = parse_documents(content, file.location)
        children = self._process_documents(pending, file, documents, content, outcome, origin)
        if any(document.error is not None for document in documents):
            # A file that no longer parses keeps what it gave before, as Backstage does;
            # its valid documents were processed as usual.
            old = previous.get(file.location)
            if old is not None:
                emitted = set(outcome.entities)
                outcome.retained_refs.update(ref for ref in old.refs if ref not in emitted)
        return children

    def _process_documents(
        self,
        pending: _Pending,
        file: FileRef,
        documents: Sequence[ParsedDocument],
        text: bytes,
        outcome: SourceOutcome,
        origin: str,
    ) -> list[_Pending]:
        children: list[_Pending] = []
        state = FileState(
            location=file.location,
            parent_location=f"{pending.type}:{pending.target}",
            version=file.version,
            refs=[],
            children=[],
            deps=[],
        )
        clean = True
        for document in documents:
            if document.error is not None:
                clean = False
                outcome.add_child_error(
                    pending.location_ref,
                    f"{_display(file.location)}:{document.line}: {document.error}",
                )
                continue
            assert document.data is not None  # parse_documents gives data or error
            entity, problems, deps = self._prepare(document, file.location, text)
            state.deps.extend(deps)
            ref = _ref_of(document.data)
            if problems:
                clean = False
                if ref is not None:
                    outcome.entities.setdefault(
                        ref,
                        ProcessedEntity(
                            ref=ref,
                            kind="",
                            namespace="",
                            name="",
                            location=file.location,
                            parent_ref=pending.location_ref,
                            body=None,
                            relations=[],
                            errors=[status_item(problem) for problem in problems],
                            failed=True,
                        ),
                    )
                else:
                    for problem in problems:
                        outcome.add_child_error(pending.location_ref, problem)
                continue
            assert entity is not None
            self._annotate(entity, file.location, origin)
            processed = self._entity(entity, file.location, pending.location_ref)
            if processed.ref in outcome.entities or processed.ref in outcome.retained_refs:
                clean = False
                first = outcome.entities.get(processed.ref)
                where = _display(first.location) if first else "an unchanged file of this source"
                outcome.add_child_error(
                    pending.location_ref,
                    f"{_display(file.location)}:{document.line}: entity {processed.ref} is "
                    f"already defined in {where}; this copy is ignored",
                    "ConflictError",
                )
                continue
            outcome.entities[processed.ref] = processed
            state.refs.append(processed.ref)
            if processed.kind == "location":
                outcome.location_refs.add(processed.ref)
                for child_type, child_target in _location_targets(entity, pending.type):
                    try:
                        resolved = resolve_target(
                            file.location, child_target, target_type=child_type
                        )
                    except LocationReadError as exc:
                        outcome.add_child_error(processed.ref, exc.message, exc.name)
                        continue
                    state.children.append((processed.ref, child_type, resolved))
                    children.append(
                        _Pending(processed.ref, child_type, resolved, pending.depth + 1)
                    )
        if not clean:
            # Remembered (so a later unreachable parent keeps its entities), but with no
            # version, so the next pass reads it again and reports its errors again.
            state.version = None
        outcome.files[file.location] = state
        return children

    def _prepare(
        self, document: ParsedDocument, location: str, text: bytes
    ) -> tuple[dict[str, Any] | None, list[str], list[tuple[str, str | None]]]:
        """Substitute placeholders and validate; problems are `file:line field: rule` lines."""
        data = document.data
        assert data is not None
        substituted, placeholder_issues, read_files = resolve_placeholders(
            data, location, self.readers
        )
        deps = [(ref.location, ref.version) for ref in read_files]
        problems = [
            self._problem(location, text, document, issue.path, issue.message)
            for issue in placeholder_issues
        ]
        if problems:
            return None, problems, deps
        issues = validate_entity(substituted)
        problems = [
            self._problem(location, text, document, issue.path, issue.message) for issue in issues
        ]
        if problems:
            return None, problems, deps
        return normalize_entity(substituted), [], deps

    @staticmethod
    def _problem(
        location: str,
        text: bytes,
        document: ParsedDocument,
        path: tuple[str | int, ...],
        message: str,
    ) -> str:
        line = field_line(text, document.index, path) or document.line
        field = render_path(path) or "(document)"
        return f"{_display(location)}:{line} {field}: {rule_text(field, message)}"

    @staticmethod
    def _annotate(entity: dict[str, Any], location: str, origin: str) -> None:
        metadata = entity["metadata"]
        written = dict(metadata.get("annotations") or {})
        automatic = {ANNOTATION_LOCATION: location, ANNOTATION_ORIGIN_LOCATION: origin}
        automatic.update(view_urls(location))
        annotations = {**automatic, **written}  # what the team wrote wins
        for key in _URL_ANNOTATIONS:
            value = annotations.get(key)
            if isinstance(value, str) and classify_url(value) == "unsafe":
                annotations[key] = REJECTED_URL
        metadata["annotations"] = annotations

    @staticmethod
    def _entity(entity: dict[str, Any], location: str, parent_ref: str | None) -> ProcessedEntity:
        metadata = entity["metadata"]
        kind = str(entity["kind"]).lower()
        namespace = str(metadata.get("namespace", "default")).lower()
        name = str(metadata["name"]).lower()
        # What the writer stores is computed by ProcessedEntity.pack, in the worker process.
        return ProcessedEntity(
            ref=f"{kind}:{namespace}/{name}",
            kind=kind,
            namespace=namespace,
            name=name,
            location=location,
            parent_ref=parent_ref,
            body=entity,
            relations=relations_of(entity),
            errors=[],
        )


def _drop_copies_of_retained(outcome: SourceOutcome) -> None:
    """A changed file that defines an entity an unchanged file of the source still gives.

    When the unchanged file was skipped before the changed one was read, the copy was
    refused on the spot; when it lies deeper in the Location tree, it is only known to
    be retained now. Either way the stored entity stays and the copy is reported.
    """
    for ref in [ref for ref in outcome.entities if ref in outcome.retained_refs]:
        copy = outcome.entities.pop(ref)
        state = outcome.files.get(copy.location)
        if state is not None:
            state.refs = [kept for kept in state.refs if kept != ref]
            state.version = None  # read again next pass, so the error stays until fixed
        owner = next(
            (
                other.location
                for other in outcome.files.values()
                if other.location != copy.location and ref in other.refs
            ),
            None,
        )
        where = _display(owner) if owner else "an unchanged file of this source"
        outcome.add_child_error(
            copy.parent_ref or outcome.root_ref,
            f"{_display(copy.location)}: entity {ref} is already defined in {where}; "
            "this copy is ignored",
            "ConflictError",
        )


def _location_targets(entity: Mapping[str, Any], parent_type: str) -> list[tuple[str, str]]:
    spec = entity.get("spec") or {}
    # A Location's type defaults to the type of the location that read it, so a
    # tree of relative paths works both as `file` and as `url`.
    location_type = str(spec.get("type") or parent_type)
    targets: list[str] = []
    if isinstance(spec.get("target"), str):
        targets.append(spec["target"])
    targets.extend(t for t in spec.get("targets") or [] if isinstance(t, str))
    return [(location_type, target) for target in targets]


def _ref_of(data: Mapping[str, Any]) -> str | None:
    """The canonical ref a (possibly invalid) document claims, when it can be told."""
    kind = data.get("kind")
    metadata = data.get("metadata")
    if not isinstance(kind, str) or not isinstance(metadata, Mapping):
        return None
    name, namespace = metadata.get("name"), metadata.get("namespace", "default")
    if not isinstance(name, str) or not isinstance(namespace, str):
        return None
    try:
        return str(parse_entity_ref({"kind": kind, "namespace": namespace, "name": name}))
    except InvalidEntityRef:
        return None


def rule_text(field: str, message: str) -> str:
    """The rule part of a validation message, without repeating the field it names."""
    prefix = f'"{field}" '
    if message.startswith(prefix):
        message = message[len(prefix) :].removeprefix("is not valid; ")
    return message


def _display(location: str) -> str:
    """`file:/x/y.yaml` reads better without the `file:` prefix in messages."""
    return location[5:] if location.startswith("file:") else location
