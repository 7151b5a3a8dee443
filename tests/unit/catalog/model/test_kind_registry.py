"""The kind registry: the built-in kinds, and a plugin adding its own kind and relations."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest

from greenroom.catalog.model import (
    BACKSTAGE_API_VERSIONS,
    KindRegistry,
    KindSpec,
    RefField,
    ValidationIssue,
    default_kinds,
    relations_of,
    validate_entity,
)
from greenroom.catalog.model.fields import non_empty_string


def _no_prod_without_owner_team(spec: Mapping[str, object]) -> list[ValidationIssue]:
    if spec.get("tier") == "prod" and "owner" not in spec:
        return [ValidationIssue(("spec", "owner"), "a prod environment needs an owner")]
    return []


ENVIRONMENT = KindSpec(
    "Environment",
    frozenset({"example.com/v1"}),
    required=("tier",),
    fields={"tier": non_empty_string},
    ref_fields=(RefField("owner", "Group", "ownedBy", "ownerOf"),),
    spec_validator=_no_prod_without_owner_team,
)


def environment(**spec: object) -> dict[str, object]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Environment",
        "metadata": {"name": "staging", "namespace": "ops"},
        "spec": spec,
    }


def registry_with_environment() -> KindRegistry:
    registry = default_kinds()
    registry.register(ENVIRONMENT)
    return registry


def test_the_default_kinds() -> None:
    registry = default_kinds()
    assert registry.kinds() == [
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
    assert registry.api_versions("Component") == BACKSTAGE_API_VERSIONS
    assert registry.api_versions("Template") == {"scaffolder.backstage.io/v1beta3"}
    assert registry.api_versions("Widget") == frozenset()
    assert registry.lookup("Component", "scaffolder.backstage.io/v1beta3") is None


def test_a_registered_kind_is_validated_with_its_rules() -> None:
    registry = registry_with_environment()
    assert validate_entity(environment(tier="staging", owner="sre"), registry) == []
    assert [i.field for i in validate_entity(environment(), registry)] == ["spec.tier"]
    assert [i.field for i in validate_entity(environment(tier=""), registry)] == ["spec.tier"]
    assert [i.field for i in validate_entity(environment(tier="x", owner="g:"), registry)] == [
        "spec.owner"
    ]


def test_a_kind_spec_validator_adds_whole_spec_rules() -> None:
    issues = validate_entity(environment(tier="prod"), kinds=registry_with_environment())
    assert [(i.field, i.message) for i in issues] == [
        ("spec.owner", "a prod environment needs an owner")
    ]


def test_a_registered_kind_does_not_leak_into_the_default_registry() -> None:
    registry_with_environment()
    (issue,) = validate_entity(environment(tier="staging"))
    assert issue.field == "kind"
    assert "Environment" in issue.message


def test_a_registered_kind_produces_its_relations() -> None:
    doc = environment(tier="staging", owner="sre")
    relations = relations_of(doc, kinds=registry_with_environment())
    assert [(str(r.source), r.type, str(r.target)) for r in relations] == [
        ("environment:ops/staging", "ownedBy", "group:ops/sre"),
        ("group:ops/sre", "ownerOf", "environment:ops/staging"),
    ]
    assert relations_of(doc) == []


def test_a_kind_may_take_more_api_versions_with_other_rules() -> None:
    registry = default_kinds()
    registry.register(KindSpec("Template", frozenset({"scaffolder.backstage.io/v1beta2"})))
    doc = {
        "apiVersion": "scaffolder.backstage.io/v1beta2",
        "kind": "Template",
        "metadata": {"name": "old-template"},
        "spec": {"templater": "cookiecutter"},
    }
    assert validate_entity(doc, registry) == []
    assert registry.api_versions("Template") == {
        "scaffolder.backstage.io/v1beta2",
        "scaffolder.backstage.io/v1beta3",
    }


def test_a_kind_and_api_version_is_registered_once() -> None:
    registry = default_kinds()
    taken = re.escape("kind Component is already registered for backstage.io/v1beta1")
    with pytest.raises(ValueError, match=taken):
        registry.register(KindSpec("Component", frozenset({"backstage.io/v1beta1", "x/v9"})))
    assert registry.api_versions("Component") == BACKSTAGE_API_VERSIONS


def test_a_kind_needs_an_api_version() -> None:
    with pytest.raises(ValueError, match="needs at least one apiVersion"):
        KindRegistry([KindSpec("Widget", frozenset())])
