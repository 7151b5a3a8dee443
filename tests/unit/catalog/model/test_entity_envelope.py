"""The entity envelope: root fields, apiVersion, kind, and metadata and spec as objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greenroom.catalog.model import ValidationIssue, normalize_entity, validate_entity
from greenroom.catalog.model.formats import is_valid_api_version, is_valid_kind

EntityBuilder = Callable[..., dict[str, Any]]
BUILT_IN_KINDS = [
    "API",
    "Component",
    "Domain",
    "Group",
    "Location",
    "Resource",
    "System",
    "Template",
    "User",
]


def fields(issues: list[ValidationIssue]) -> list[str]:
    return [issue.field for issue in issues]


@pytest.mark.parametrize("kind", BUILT_IN_KINDS)
def test_a_minimal_entity_of_every_kind_is_valid(entity: EntityBuilder, kind: str) -> None:
    assert validate_entity(entity(kind)) == []


@pytest.mark.parametrize("kind", [k for k in BUILT_IN_KINDS if k != "Template"])
@pytest.mark.parametrize("api_version", ["backstage.io/v1alpha1", "backstage.io/v1beta1"])
def test_built_in_kinds_take_both_backstage_api_versions(
    entity: EntityBuilder, kind: str, api_version: str
) -> None:
    assert validate_entity(entity(kind, api_version=api_version)) == []


def test_a_template_takes_only_scaffolder_v1beta3(entity: EntityBuilder) -> None:
    issues = validate_entity(entity("Template", api_version="backstage.io/v1alpha1"))
    assert [(i.field, i.message) for i in issues] == [
        (
            "apiVersion",
            '"apiVersion" is not accepted for kind Template; expected '
            'scaffolder.backstage.io/v1beta3, but found "backstage.io/v1alpha1"',
        )
    ]


def test_a_component_does_not_take_the_template_api_version(entity: EntityBuilder) -> None:
    issues = validate_entity(entity(api_version="scaffolder.backstage.io/v1beta3"))
    assert [i.message for i in issues] == [
        '"apiVersion" is not accepted for kind Component; expected one of '
        "backstage.io/v1alpha1, backstage.io/v1beta1, but found "
        '"scaffolder.backstage.io/v1beta3"'
    ]


def test_an_unknown_kind_names_the_known_ones(entity: EntityBuilder) -> None:
    doc = entity()
    doc["kind"] = "Widget"
    assert [(i.field, i.message) for i in validate_entity(doc)] == [
        (
            "kind",
            '"kind" is not a kind the catalog knows; expected one of API, Component, Domain, '
            'Group, Location, Resource, System, Template, User, but found "Widget"',
        )
    ]


def test_kinds_are_case_sensitive_and_the_message_says_which_was_meant(
    entity: EntityBuilder,
) -> None:
    doc = entity()
    doc["kind"] = "component"
    (issue,) = validate_entity(doc)
    assert issue.field == "kind"
    assert issue.message.endswith('(kinds are case-sensitive: did you mean "Component"?)')


@pytest.mark.parametrize("key", ["foo", "Kind", "apiversion", "data"])
def test_unknown_root_fields_are_rejected_by_name(entity: EntityBuilder, key: str) -> None:
    doc = {**entity(), key: "x"}
    assert [(i.field, i.message) for i in validate_entity(doc)] == [
        (
            key,
            f'"{key}" is not allowed at the root of an entity; an entity has only '
            "apiVersion, kind, metadata and spec at its root",
        )
    ]


@pytest.mark.parametrize("key", ["relations", "status"])
def test_catalog_output_fields_are_rejected_on_input(entity: EntityBuilder, key: str) -> None:
    (issue,) = validate_entity({**entity(), key: []})
    assert issue.field == key
    assert "written by the catalog" in issue.message


def test_every_unknown_root_field_is_reported(entity: EntityBuilder) -> None:
    doc: dict[Any, Any] = {**entity(), "a": 1, "b.c": 2, 3: 4}
    assert fields(validate_entity(doc)) == ["a", '["b.c"]', '["3"]']


def test_a_missing_api_version_is_reported(entity: EntityBuilder) -> None:
    doc = entity()
    del doc["apiVersion"]
    assert [i.message for i in validate_entity(doc)] == [
        '"apiVersion" is missing; every entity needs one, such as "backstage.io/v1alpha1"'
    ]


@pytest.mark.parametrize(
    "api_version",
    [
        "backstage.io/",
        "/v1alpha1",
        "a/b/v1",
        "Backstage.io/v1alpha1",
        "backstage.io/v1-alpha1",
        "backstage..io/v1",
        "backstage.io/" + "v" * 64,
        "",
        42,
        None,
        ["backstage.io/v1alpha1"],
    ],
)
def test_a_malformed_api_version_is_reported(entity: EntityBuilder, api_version: object) -> None:
    doc = entity()
    doc["apiVersion"] = api_version
    (issue,) = validate_entity(doc)
    assert issue.field == "apiVersion"
    assert issue.message.startswith('"apiVersion" is not valid; expected a string "<group>/')


@pytest.mark.parametrize(
    "api_version", ["v1", "backstage.io/v1alpha1", "a.b-c.example/V2", "x/" + "v" * 63]
)
def test_well_formed_api_versions(api_version: str) -> None:
    assert is_valid_api_version(api_version)


def test_a_well_formed_but_unaccepted_api_version_says_what_is_accepted(
    entity: EntityBuilder,
) -> None:
    (issue,) = validate_entity(entity(api_version="backstage.io/v1"))
    assert issue.field == "apiVersion"
    assert "is not accepted for kind Component" in issue.message


def test_a_missing_kind_is_reported(entity: EntityBuilder) -> None:
    doc = entity()
    del doc["kind"]
    assert [(i.field, i.message) for i in validate_entity(doc)] == [
        ("kind", '"kind" is missing; every entity needs one, such as "Component"')
    ]


@pytest.mark.parametrize("kind", ["1Component", "Comp-onent", "Comp onent", "", "K" * 64, 5, None])
def test_a_malformed_kind_is_reported(entity: EntityBuilder, kind: object) -> None:
    doc = entity()
    doc["kind"] = kind
    (issue,) = validate_entity(doc)
    assert issue.field == "kind"
    assert issue.message.startswith('"kind" is not valid; expected a string of 1-63 characters')


@pytest.mark.parametrize("kind", ["Component", "a", "X9", "K" * 63])
def test_well_formed_kinds(kind: str) -> None:
    assert is_valid_kind(kind)


def test_missing_metadata_is_reported(entity: EntityBuilder) -> None:
    doc = entity()
    del doc["metadata"]
    assert [(i.field, i.message) for i in validate_entity(doc)] == [
        ("metadata", '"metadata" is missing; every entity needs metadata with at least a name')
    ]


@pytest.mark.parametrize(("value", "shown"), [(["a"], "a list"), ("a", '"a"'), (None, "null")])
def test_metadata_must_be_an_object(entity: EntityBuilder, value: object, shown: str) -> None:
    doc = entity()
    doc["metadata"] = value
    assert [i.message for i in validate_entity(doc)] == [
        f'"metadata" is not valid; expected an object with at least a name, but found {shown}'
    ]


@pytest.mark.parametrize("kind", BUILT_IN_KINDS)
def test_every_kind_needs_a_spec(entity: EntityBuilder, kind: str) -> None:
    doc = entity(kind)
    del doc["spec"]
    assert [(i.field, i.message) for i in validate_entity(doc)] == [
        ("spec", f'"spec" is missing; every {kind} needs a spec object')
    ]


@pytest.mark.parametrize("value", [[], "x", None, 1])
def test_spec_must_be_an_object(entity: EntityBuilder, value: object) -> None:
    doc = entity()
    doc["spec"] = value
    (issue,) = validate_entity(doc)
    assert issue.field == "spec"
    assert issue.message.startswith('"spec" is not valid; expected an object, but found')


def test_an_entity_of_an_unknown_kind_is_not_also_blamed_for_its_spec(
    entity: EntityBuilder,
) -> None:
    doc = entity()
    doc["kind"] = "Widget"
    del doc["spec"]
    assert fields(validate_entity(doc)) == ["kind"]


@pytest.mark.parametrize(
    ("doc", "shown"),
    [
        (None, "null"),
        ([], "a list"),
        (42, "42"),
        ("kind: Component", '"kind: Component"'),
        (True, "true"),
    ],
)
def test_a_document_that_is_not_an_object_is_one_issue_at_the_root(doc: object, shown: str) -> None:
    assert [(i.path, i.field, i.message) for i in validate_entity(doc)] == [
        (
            (),
            "",
            "An entity must be an object with apiVersion, kind, metadata and spec, "
            f"but found {shown}",
        )
    ]


def test_all_issues_are_reported_at_once_in_a_fixed_order() -> None:
    doc: dict[str, Any] = {
        "spec": {"type": ""},
        "metadata": {"name": "-bad-", "tags": ["Bad"]},
        "status": {},
        "kind": "Component",
        "apiVersion": "backstage.io/v1alpha1",
    }
    assert fields(validate_entity(doc)) == [
        "status",
        "metadata.name",
        "metadata.tags[0]",
        "spec.lifecycle",
        "spec.owner",
        "spec.type",
    ]


def test_normalize_defaults_the_namespace(entity: EntityBuilder) -> None:
    normalized = normalize_entity(entity())
    assert normalized["metadata"]["namespace"] == "default"  # type: ignore[index]


def test_normalize_keeps_a_written_namespace(entity: EntityBuilder) -> None:
    normalized = normalize_entity(entity(namespace="payments"))
    assert normalized["metadata"]["namespace"] == "payments"  # type: ignore[index]


def test_normalize_returns_an_independent_copy(entity: EntityBuilder) -> None:
    original = entity(tags=["java"], spec={"providesApis": ["a"]})
    normalized = normalize_entity(original)
    assert normalized == {**original, "metadata": {**original["metadata"], "namespace": "default"}}
    normalized["metadata"]["tags"].append("go")  # type: ignore[index]
    normalized["spec"]["providesApis"].clear()  # type: ignore[index]
    assert "namespace" not in original["metadata"]
    assert original["metadata"]["tags"] == ["java"]
    assert original["spec"]["providesApis"] == ["a"]


def test_normalize_survives_a_document_that_contains_itself(entity: EntityBuilder) -> None:
    # YAML aliases can build such a document (`a: &x [*x]`); copying must still end.
    doc = entity()
    loop: list[object] = []
    loop.append(loop)
    doc["spec"]["loop"] = loop
    normalized = normalize_entity(doc)
    copied = normalized["spec"]["loop"]  # type: ignore[index]
    assert copied is not loop
    assert copied[0] is copied
