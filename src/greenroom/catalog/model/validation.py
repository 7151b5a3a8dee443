"""Validating one entity document against Backstage's rules, and normalising a valid one.

`validate_entity` reports every broken rule at once, for any input at all (a
YAML document may be a list, a number or null), so an author fixes a file in
one pass. It runs on every entity of every ingestion pass: it does no copying
and builds messages only for values that fail.
"""

from __future__ import annotations

from collections.abc import Mapping

from greenroom.catalog.model.fields import is_object
from greenroom.catalog.model.formats import (
    EXPECTED_API_VERSION,
    EXPECTED_KIND,
    is_valid_api_version,
    is_valid_kind,
)
from greenroom.catalog.model.issues import ValidationIssue, describe, invalid, missing
from greenroom.catalog.model.kinds import KindRegistry, KindSpec, default_kinds
from greenroom.catalog.model.metadata import check_metadata
from greenroom.catalog.model.refs import DEFAULT_NAMESPACE

ROOT_FIELDS = frozenset({"apiVersion", "kind", "metadata", "spec"})
_CATALOG_OUTPUT = frozenset({"relations", "status"})
_ABSENT = object()
_DEFAULT_KINDS = default_kinds()
_SCALARS = (str, int, float, type(None))


def validate_entity(doc: object, kinds: KindRegistry | None = None) -> list[ValidationIssue]:
    """Every rule `doc` breaks (root fields, apiVersion, kind, metadata, then spec); empty when
    `doc` is a valid entity of a kind in `kinds` (by default, the built-in kinds)."""
    if not is_object(doc):
        return [
            ValidationIssue(
                (),
                "An entity must be an object with apiVersion, kind, metadata and spec, "
                f"but found {describe(doc)}",
            )
        ]
    registry = _DEFAULT_KINDS if kinds is None else kinds
    issues = [_foreign_root_field(str(key)) for key in doc if key not in ROOT_FIELDS]

    api_version = doc.get("apiVersion", _ABSENT)
    api_version_ok = is_valid_api_version(api_version)
    if api_version is _ABSENT:
        issues.append(
            missing(("apiVersion",), 'every entity needs one, such as "backstage.io/v1alpha1"')
        )
    elif not api_version_ok:
        issues.append(invalid(("apiVersion",), EXPECTED_API_VERSION, api_version))

    kind = doc.get("kind", _ABSENT)
    kind_spec: KindSpec | None = None
    if kind is _ABSENT:
        issues.append(missing(("kind",), 'every entity needs one, such as "Component"'))
    elif not is_valid_kind(kind):
        issues.append(invalid(("kind",), EXPECTED_KIND, kind))
    elif not registry.api_versions(kind):
        issues.append(_unknown_kind(registry, kind))
    elif api_version_ok and isinstance(api_version, str):
        kind_spec = registry.lookup(kind, api_version)
        if kind_spec is None:
            issues.append(_not_accepted(registry, kind, api_version))

    metadata = doc.get("metadata", _ABSENT)
    if metadata is _ABSENT:
        issues.append(missing(("metadata",), "every entity needs metadata with at least a name"))
    else:
        check_metadata(metadata, issues)

    spec = doc.get("spec", _ABSENT)
    if spec is _ABSENT:
        if kind_spec is not None:
            issues.append(missing(("spec",), f"every {kind_spec.kind} needs a spec object"))
    elif not is_object(spec):
        issues.append(invalid(("spec",), "an object", spec))
    elif kind_spec is not None:
        issues += kind_spec.validate_spec(spec)
    return issues


def normalize_entity(doc: Mapping[str, object]) -> dict[str, object]:
    """A deep copy of a valid entity with `metadata.namespace` defaulted to `default`."""
    memo: dict[int, object] = {}
    entity: dict[str, object] = {}
    memo[id(doc)] = entity
    for key, value in doc.items():
        entity[key] = _copy(value, memo)
    metadata = entity.get("metadata")
    if isinstance(metadata, dict):
        metadata.setdefault("namespace", DEFAULT_NAMESPACE)
    return entity


def _foreign_root_field(key: str) -> ValidationIssue:
    if key in _CATALOG_OUTPUT:
        reason = "relations and status are written by the catalog, so remove it"
    else:
        reason = "an entity has only apiVersion, kind, metadata and spec at its root"
    return ValidationIssue((key,), f'"{key}" is not allowed at the root of an entity; {reason}')


def _not_accepted(registry: KindRegistry, kind: str, api_version: str) -> ValidationIssue:
    # Backstage only says "No processor recognized the entity as valid, possibly
    # caused by a foreign kind or apiVersion"; name the culprit and what would pass.
    return ValidationIssue(
        ("apiVersion",),
        f'"apiVersion" is not accepted for kind {kind}; expected '
        f"{_one_of(sorted(registry.api_versions(kind)))}, but found {describe(api_version)}",
    )


def _unknown_kind(registry: KindRegistry, kind: str) -> ValidationIssue:
    known = registry.kinds()
    hint = next(
        (
            f' (kinds are case-sensitive: did you mean "{k}"?)'
            for k in known
            if k.lower() == kind.lower()
        ),
        "",
    )
    return ValidationIssue(
        ("kind",),
        f'"kind" is not a kind the catalog knows; expected {_one_of(known)}, '
        f"but found {describe(kind)}{hint}",
    )


def _one_of(choices: list[str]) -> str:
    return choices[0] if len(choices) == 1 else "one of " + ", ".join(choices)


def _copy(value: object, memo: dict[int, object]) -> object:
    # A JSON-shaped deep copy, several times faster than copy.deepcopy. The memo
    # keeps YAML aliases shared and stops at a document that contains itself.
    if isinstance(value, _SCALARS):
        return value
    done = memo.get(id(value))
    if done is not None:
        return done
    if is_object(value):
        mapping: dict[object, object] = {}
        memo[id(value)] = mapping
        for key, item in value.items():
            mapping[key] = _copy(item, memo)
        return mapping
    if isinstance(value, list | tuple):
        sequence: list[object] = []
        memo[id(value)] = sequence
        sequence.extend(_copy(item, memo) for item in value)
        return sequence
    if isinstance(value, set):
        return set(value)
    return value  # dates and other immutable scalars YAML can produce
