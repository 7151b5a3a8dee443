"""Checks for single `spec` values, the building blocks a `KindSpec` is described with.

A check takes the value and its path and returns the issues it finds (none when
the value is fine). Whether the field must be present is the kind's business.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TypeGuard

from greenroom.catalog.model.issues import (
    FieldPath,
    ValidationIssue,
    describe,
    invalid,
    missing,
    render_path,
)
from greenroom.catalog.model.refs import split_entity_ref
from greenroom.catalog.model.relations import RefField

ValueCheck = Callable[[object, FieldPath], list[ValidationIssue]]
"""Checks one present value at `path`; returns the issues found."""

_LIST = (list, tuple)
_PROFILE_FIELDS = ("displayName", "email", "picture")


def is_object(value: object) -> TypeGuard[Mapping[str, object]]:
    """A JSON object (a YAML mapping)."""
    # dict first: the Mapping ABC check alone costs five times more, on every value.
    return isinstance(value, (dict, Mapping))


def is_list(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    """A JSON array (a YAML sequence)."""
    return isinstance(value, _LIST)


def non_empty_string(value: object, path: FieldPath) -> list[ValidationIssue]:
    """A string of at least one character (Backstage's `minLength: 1`)."""
    if isinstance(value, str) and value:
        return []
    return [invalid(path, "a non-empty string", value)]


def string_list(value: object, path: FieldPath) -> list[ValidationIssue]:
    """A list (possibly empty) of non-empty strings."""
    if not is_list(value):
        return [invalid(path, "a list of strings", value)]
    return [
        invalid((*path, index), "a non-empty string", item)
        for index, item in enumerate(value)
        if not (isinstance(item, str) and item)
    ]


def an_object(value: object, path: FieldPath) -> list[ValidationIssue]:
    """Any object (a YAML mapping)."""
    if is_object(value):
        return []
    return [invalid(path, "an object", value)]


def one_of(choices: Collection[str]) -> ValueCheck:
    """A check that accepts exactly one of `choices`."""
    expected = "one of " + ", ".join(f'"{choice}"' for choice in choices)

    def check(value: object, path: FieldPath) -> list[ValidationIssue]:
        if isinstance(value, str) and value in choices:
            return []
        return [invalid(path, expected, value)]

    return check


def profile(value: object, path: FieldPath) -> list[ValidationIssue]:
    """A User or Group `profile`: an object whose displayName, email and picture are strings."""
    if not is_object(value):
        return [invalid(path, "an object with displayName, email and picture", value)]
    return [
        issue
        for key in _PROFILE_FIELDS
        if key in value
        for issue in non_empty_string(value[key], (*path, key))
    ]


def template_parameters(value: object, path: FieldPath) -> list[ValidationIssue]:
    """A Template's `parameters`: one form (an object) or a list of forms."""
    if is_object(value):
        return []
    if not is_list(value):
        return [invalid(path, "an object or a list of objects (form pages)", value)]
    return [
        invalid((*path, index), "an object (a form page)", page)
        for index, page in enumerate(value)
        if not is_object(page)
    ]


def template_steps(value: object, path: FieldPath) -> list[ValidationIssue]:
    """A Template's `steps`: a list of objects, each naming its `action`."""
    if not is_list(value):
        return [invalid(path, "a list of steps", value)]
    issues: list[ValidationIssue] = []
    for index, step in enumerate(value):
        if not is_object(step):
            issues.append(invalid((*path, index), "an object with an action", step))
        elif "action" not in step:
            issues.append(missing((*path, index, "action"), "every step needs an action"))
        elif not isinstance(step["action"], str):
            issues.append(invalid((*path, index, "action"), "a string", step["action"]))
    return issues


def entity_refs(field: RefField, value: object, path: FieldPath) -> list[ValidationIssue]:
    """The value of a reference field: one reference, or a list of them when `field.many`."""
    if not field.many:
        return _entity_ref(field, value, path)
    if not is_list(value):
        return [invalid(path, "a list of entity references", value)]
    return [
        issue
        for index, item in enumerate(value)
        for issue in _entity_ref(field, item, (*path, index))
    ]


def _entity_ref(field: RefField, value: object, path: FieldPath) -> list[ValidationIssue]:
    if not (isinstance(value, str) and value):
        return [invalid(path, "an entity reference (a non-empty string)", value)]
    parts = split_entity_ref(value)
    if parts is None:
        return [invalid(path, "an entity reference [<kind>:][<namespace>/]<name>", value)]
    if parts[0] is None and field.default_kind is None:
        return [
            ValidationIssue(
                path,
                f'"{render_path(path)}" needs the kind written out, such as '
                f'"component:{value}" or "resource:{value}", because {field.name} has no '
                f"default kind, but found {describe(value)}",
            )
        ]
    return []
