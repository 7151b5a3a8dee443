"""Entity references: `[<kind>:][<namespace>/]<name>`, parsed the way Backstage's current parser is.

A reference keeps the case it was written in (for display) and compares, hashes
and prints in the canonical lowercase `kind:namespace/name` form that relations
and stored refs use.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from greenroom.catalog.model.issues import describe

DEFAULT_NAMESPACE = "default"


class InvalidEntityRef(ValueError):  # noqa: N818 - the name callers know from the design
    """A value that is not an entity reference; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True, eq=False)
class EntityRef:
    """A reference to one entity; equal to another when the canonical forms are equal."""

    kind: str
    namespace: str
    name: str
    # Computed once: str(), == and hash() run on it in hot loops.
    _canonical: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        canonical = f"{self.kind}:{self.namespace}/{self.name}".lower()
        object.__setattr__(self, "_canonical", canonical)

    def __str__(self) -> str:
        return self._canonical

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityRef):
            return self._canonical == other._canonical
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._canonical)


def parse_entity_ref(
    value: str | Mapping[str, object],
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse a string or `{kind, namespace?, name}` reference; raise `InvalidEntityRef`."""
    if isinstance(value, str):
        return _parse_string(value, default_kind, default_namespace)
    if not isinstance(value, Mapping):
        raise InvalidEntityRef(
            "Entity reference must be a string or an object with kind, namespace and name, "
            f"but found {describe(value)}"
        )
    kind = _compound_part(value, "kind")
    namespace = _compound_part(value, "namespace")
    name = _compound_part(value, "name") or ""
    return _complete(value, kind, namespace, name, default_kind, default_namespace)


# The same few owners, systems and groups are referred to from thousands of
# entities; references are immutable, so one parse can serve them all.
@lru_cache(maxsize=16384)
def _parse_string(value: str, default_kind: str | None, default_namespace: str) -> EntityRef:
    parts = split_entity_ref(value)
    if parts is None:
        if not value:
            raise InvalidEntityRef("Entity reference must not be empty")
        raise InvalidEntityRef(
            f'Entity reference "{value}" was not on the form [<kind>:][<namespace>/]<name>'
        )
    return _complete(value, *parts, default_kind, default_namespace)


def _complete(
    value: str | Mapping[str, object],
    kind: str | None,
    namespace: str | None,
    name: str,
    default_kind: str | None,
    default_namespace: str,
) -> EntityRef:
    if kind is None:
        kind = default_kind
    if namespace is None:
        namespace = default_namespace or DEFAULT_NAMESPACE
    if kind and namespace and name:
        return EntityRef(kind, namespace, name)
    absent = "kind" if not kind else "namespace" if not namespace else "name"
    hint = ' (e.g. did not start with "component:" or similar)' if absent == "kind" else ""
    raise InvalidEntityRef(f"Entity reference {_show(value)} had missing or empty {absent}{hint}")


def split_entity_ref(value: str) -> tuple[str | None, str | None, str] | None:
    """`(kind, namespace, name)` of a string reference, None for parts it leaves out; None
    when it is malformed (empty, or an empty part such as in `"component:"`)."""
    # Backstage's parser: the first ":" ends the kind and the first "/" ends the
    # namespace, except that a ":" after the first "/" belongs to the name
    # ("default/a:b" is namespace "default", name "a:b").
    colon = value.find(":")
    slash = value.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = value[:colon] if colon != -1 else None
    namespace = value[colon + 1 : slash] if slash != -1 else None
    name = value[max(colon, slash) + 1 :]
    if kind == "" or namespace == "" or not name:
        return None
    return kind, namespace, name


def entity_ref_of(entity: Mapping[str, object]) -> EntityRef:
    """The reference of an entity itself, from `kind`, `metadata.namespace` and `metadata.name`."""
    kind = entity.get("kind")
    metadata = entity.get("metadata")
    name = namespace = None
    if isinstance(metadata, (dict, Mapping)):
        name = metadata.get("name")
        namespace = metadata.get("namespace")
    if namespace is None:
        namespace = DEFAULT_NAMESPACE
    if not (kind and name and isinstance(kind, str) and isinstance(name, str)) or not (
        namespace and isinstance(namespace, str)
    ):
        raise InvalidEntityRef(
            "An entity needs a kind, a metadata.name and, if given, a metadata.namespace "
            "that are non-empty strings to be referred to"
        )
    return EntityRef(kind, namespace, name)


def _compound_part(ref: Mapping[str, object], key: str) -> str | None:
    part = ref.get(key)
    if part is None or isinstance(part, str):
        return part
    raise InvalidEntityRef(f"Entity reference {_show(ref)} has a {key} that is not a string")


def _show(ref: str | Mapping[str, object]) -> str:
    # As Backstage shows it: JSON. Only built for error messages.
    try:
        return json.dumps(
            ref if isinstance(ref, str) else dict(ref),
            ensure_ascii=False,
            default=str,
            skipkeys=True,
        )
    except ValueError:  # a YAML alias can make a document refer to itself
        return describe(ref)
