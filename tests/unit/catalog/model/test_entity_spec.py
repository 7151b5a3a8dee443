"""The `spec` rules of each built-in kind: required fields, field types and references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greenroom.catalog.model import ValidationIssue, validate_entity

EntityBuilder = Callable[..., dict[str, Any]]

REQUIRED = [
    ("Component", "type"),
    ("Component", "lifecycle"),
    ("Component", "owner"),
    ("API", "type"),
    ("API", "lifecycle"),
    ("API", "owner"),
    ("API", "definition"),
    ("Resource", "type"),
    ("Resource", "owner"),
    ("System", "owner"),
    ("Domain", "owner"),
    ("Group", "type"),
    ("Group", "children"),
    ("User", "memberOf"),
    ("Template", "type"),
    ("Template", "steps"),
]

STRING_FIELDS = [
    ("Component", "type"),
    ("Component", "lifecycle"),
    ("Component", "owner"),
    ("Component", "system"),
    ("Component", "subcomponentOf"),
    ("API", "type"),
    ("API", "lifecycle"),
    ("API", "owner"),
    ("API", "definition"),
    ("API", "system"),
    ("Resource", "type"),
    ("Resource", "owner"),
    ("Resource", "system"),
    ("System", "owner"),
    ("System", "domain"),
    ("System", "type"),
    ("Domain", "owner"),
    ("Domain", "subdomainOf"),
    ("Domain", "type"),
    ("Group", "type"),
    ("Group", "parent"),
    ("Location", "type"),
    ("Location", "target"),
    ("Template", "type"),
    ("Template", "owner"),
    ("Template", "lifecycle"),
]

LIST_FIELDS = [
    ("Component", "providesApis"),
    ("Component", "consumesApis"),
    ("Component", "dependsOn"),
    ("Component", "dependencyOf"),
    ("Resource", "dependsOn"),
    ("Resource", "dependencyOf"),
    ("Group", "children"),
    ("Group", "members"),
    ("User", "memberOf"),
    ("Location", "targets"),
]


def fields(issues: list[ValidationIssue]) -> list[str]:
    return [issue.field for issue in issues]


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_required_spec_fields(entity: EntityBuilder, kind: str, field: str) -> None:
    issues = validate_entity(entity(kind, drop=[field]))
    assert [(i.field, i.message) for i in issues] == [
        (f"spec.{field}", f'"spec.{field}" is missing; every {kind} must have it')
    ]


def test_the_mcp_server_example_without_a_definition_is_rejected(entity: EntityBuilder) -> None:
    doc = entity("API", spec={"type": "mcp-server", "remotes": [{"url": "http://x"}]})
    del doc["spec"]["definition"]
    assert fields(validate_entity(doc)) == ["spec.definition"]


@pytest.mark.parametrize(("kind", "field"), STRING_FIELDS)
@pytest.mark.parametrize("value", ["", 5, None, ["a"], {"a": "b"}, True])
def test_string_fields_hold_non_empty_strings(
    entity: EntityBuilder, kind: str, field: str, value: object
) -> None:
    issues = validate_entity(entity(kind, spec={field: value}))
    assert fields(issues) == [f"spec.{field}"]
    assert issues[0].message.startswith(f'"spec.{field}" is not valid; expected a')


def test_an_api_definition_must_be_substituted_text(entity: EntityBuilder) -> None:
    issues = validate_entity(entity("API", spec={"definition": {"$text": "./openapi.yaml"}}))
    assert [i.message for i in issues] == [
        '"spec.definition" is not valid; expected a non-empty string, but found an object'
    ]


@pytest.mark.parametrize(("kind", "field"), LIST_FIELDS)
@pytest.mark.parametrize("value", ["a", {"a": "b"}, 5, None])
def test_list_fields_hold_lists(
    entity: EntityBuilder, kind: str, field: str, value: object
) -> None:
    assert fields(validate_entity(entity(kind, spec={field: value}))) == [f"spec.{field}"]


@pytest.mark.parametrize(("kind", "field"), LIST_FIELDS)
def test_list_items_are_non_empty_strings(entity: EntityBuilder, kind: str, field: str) -> None:
    issues = validate_entity(entity(kind, spec={field: ["component:ok", "", 5]}))
    assert fields(issues) == [f"spec.{field}[1]", f"spec.{field}[2]"]


@pytest.mark.parametrize(("kind", "field"), LIST_FIELDS)
def test_list_fields_may_be_empty(entity: EntityBuilder, kind: str, field: str) -> None:
    assert validate_entity(entity(kind, spec={field: []})) == []


def test_a_full_component_is_valid(entity: EntityBuilder) -> None:
    doc = entity(
        spec={
            "system": "payments",
            "subcomponentOf": "payments-core",
            "providesApis": ["payments-api", "api:other/legacy-api"],
            "consumesApis": ["ledger-api"],
            "dependsOn": ["resource:payments-db", "component:default/fraud-check"],
            "dependencyOf": ["component:checkout"],
            "remotes": [{"anything": "goes"}],  # unknown spec fields are kept, not judged
        }
    )
    assert validate_entity(doc) == []


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("Component", "owner"),
        ("Component", "system"),
        ("Component", "subcomponentOf"),
        ("API", "owner"),
        ("API", "system"),
        ("Resource", "owner"),
        ("Resource", "system"),
        ("System", "owner"),
        ("System", "domain"),
        ("Domain", "owner"),
        ("Domain", "subdomainOf"),
        ("Group", "parent"),
        ("Template", "owner"),
    ],
)
@pytest.mark.parametrize("ref", ["group:", "group:/x", ":x", "ns/", "a:b/"])
def test_single_references_must_parse(
    entity: EntityBuilder, kind: str, field: str, ref: str
) -> None:
    issues = validate_entity(entity(kind, spec={field: ref}))
    assert [(i.field, i.message) for i in issues] == [
        (
            f"spec.{field}",
            f'"spec.{field}" is not valid; expected an entity reference '
            f'[<kind>:][<namespace>/]<name>, but found "{ref}"',
        )
    ]


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("Component", "providesApis"),
        ("Component", "consumesApis"),
        ("Group", "children"),
        ("Group", "members"),
        ("User", "memberOf"),
    ],
)
def test_each_listed_reference_must_parse(entity: EntityBuilder, kind: str, field: str) -> None:
    issues = validate_entity(entity(kind, spec={field: ["fine", "ns/", "also-fine", "k:"]}))
    assert fields(issues) == [f"spec.{field}[1]", f"spec.{field}[3]"]


@pytest.mark.parametrize("ref", ["user:jdoe", "group:ns/team-a", "team-a", "Group:Default/Team-A"])
def test_owner_references_may_name_any_kind_and_namespace(entity: EntityBuilder, ref: str) -> None:
    assert validate_entity(entity(spec={"owner": ref})) == []


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("Component", "dependsOn"),
        ("Component", "dependencyOf"),
        ("Resource", "dependsOn"),
        ("Resource", "dependencyOf"),
    ],
)
def test_dependency_references_must_write_their_kind(
    entity: EntityBuilder, kind: str, field: str
) -> None:
    issues = validate_entity(entity(kind, spec={field: ["resource:db", "db", "ns/cache"]}))
    assert [(i.field, i.message) for i in issues] == [
        (
            f"spec.{field}[1]",
            f'"spec.{field}[1]" needs the kind written out, such as "component:db" or '
            f'"resource:db", because {field} has no default kind, but found "db"',
        ),
        (
            f"spec.{field}[2]",
            f'"spec.{field}[2]" needs the kind written out, such as "component:ns/cache" or '
            f'"resource:ns/cache", because {field} has no default kind, but found "ns/cache"',
        ),
    ]


@pytest.mark.parametrize("kind", ["Group", "User"])
def test_a_profile_is_an_object_of_non_empty_strings(entity: EntityBuilder, kind: str) -> None:
    good = {"displayName": "Team A", "email": "a@example.com", "picture": "https://x/p.png"}
    assert validate_entity(entity(kind, spec={"profile": good})) == []
    assert validate_entity(entity(kind, spec={"profile": {}})) == []
    bad = {"displayName": "", "email": 5, "picture": None, "other": 1}
    assert fields(validate_entity(entity(kind, spec={"profile": bad}))) == [
        "spec.profile.displayName",
        "spec.profile.email",
        "spec.profile.picture",
    ]
    assert fields(validate_entity(entity(kind, spec={"profile": "Team A"}))) == ["spec.profile"]


def test_user_profiles_may_carry_newer_fields(entity: EntityBuilder) -> None:
    profile = {"displayName": "Jo", "pronouns": "they/them", "jobTitle": "Engineer"}
    assert validate_entity(entity("User", spec={"profile": profile, "timezoneISO": "UTC"})) == []


def test_a_location_spec_may_be_empty(entity: EntityBuilder) -> None:
    assert validate_entity(entity("Location", spec={})) == []


@pytest.mark.parametrize("presence", ["required", "optional"])
def test_a_location_presence_is_required_or_optional(entity: EntityBuilder, presence: str) -> None:
    spec = {"type": "url", "target": "https://x/catalog-info.yaml", "presence": presence}
    assert validate_entity(entity("Location", spec=spec)) == []


@pytest.mark.parametrize("presence", ["maybe", "Required", "", True, None])
def test_a_location_presence_is_nothing_else(entity: EntityBuilder, presence: object) -> None:
    issues = validate_entity(entity("Location", spec={"presence": presence}))
    assert [i.field for i in issues] == ["spec.presence"]
    assert 'expected one of "required", "optional"' in issues[0].message


@pytest.mark.parametrize(
    "parameters",
    [{"properties": {"name": {"type": "string"}}}, [{"title": "A"}, {"title": "B"}], []],
)
def test_template_parameters_are_a_form_or_a_list_of_forms(
    entity: EntityBuilder, parameters: object
) -> None:
    assert validate_entity(entity("Template", spec={"parameters": parameters})) == []


@pytest.mark.parametrize(
    ("parameters", "field"),
    [("name", "spec.parameters"), (5, "spec.parameters"), ([{"a": 1}, "b"], "spec.parameters[1]")],
)
def test_template_parameters_are_nothing_else(
    entity: EntityBuilder, parameters: object, field: str
) -> None:
    assert fields(validate_entity(entity("Template", spec={"parameters": parameters}))) == [field]


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ({"action": "debug:log"}, "spec.steps"),
        ("debug:log", "spec.steps"),
        (["debug:log"], "spec.steps[0]"),
        ([{"id": "a", "action": "x"}, {"id": "b"}], "spec.steps[1].action"),
        ([{"action": 5}], "spec.steps[0].action"),
    ],
)
def test_template_steps_are_a_list_of_actions(
    entity: EntityBuilder, steps: object, field: str
) -> None:
    assert fields(validate_entity(entity("Template", spec={"steps": steps}))) == [field]


def test_template_steps_may_be_an_empty_list(entity: EntityBuilder) -> None:
    assert validate_entity(entity("Template", spec={"steps": []})) == []


@pytest.mark.parametrize(("output", "ok"), [({"links": []}, True), ([], False), ("x", False)])
def test_template_output_is_an_object(entity: EntityBuilder, output: object, ok: bool) -> None:
    issues = validate_entity(entity("Template", spec={"output": output}))
    assert fields(issues) == ([] if ok else ["spec.output"])
