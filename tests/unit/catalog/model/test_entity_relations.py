"""Relations produced from spec fields, forward and reverse, and the relations output shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greenroom.catalog.model import (
    RELATION_API_CONSUMED_BY,
    RELATION_API_PROVIDED_BY,
    RELATION_CHILD_OF,
    RELATION_CONSUMES_API,
    RELATION_DEPENDENCY_OF,
    RELATION_DEPENDS_ON,
    RELATION_HAS_MEMBER,
    RELATION_HAS_PART,
    RELATION_MEMBER_OF,
    RELATION_OWNED_BY,
    RELATION_OWNER_OF,
    RELATION_PAIRS,
    RELATION_PARENT_OF,
    RELATION_PART_OF,
    RELATION_PROVIDES_API,
    EntityRef,
    InvalidEntityRef,
    Relation,
    relations_of,
    relations_output,
)

EntityBuilder = Callable[..., dict[str, Any]]


def triples(relations: list[Relation]) -> list[tuple[str, str, str]]:
    return [(str(r.source), r.type, str(r.target)) for r in relations]


def test_the_reference_component_example(entity: EntityBuilder) -> None:
    doc = entity(
        namespace="ns",
        name="svc",
        spec={
            "owner": "team-a",
            "system": "sys",
            "providesApis": ["api1"],
            "dependsOn": ["resource:db"],
        },
    )
    assert sorted(triples(relations_of(doc))) == sorted(
        [
            ("component:ns/svc", "ownedBy", "group:ns/team-a"),
            ("group:ns/team-a", "ownerOf", "component:ns/svc"),
            ("component:ns/svc", "partOf", "system:ns/sys"),
            ("system:ns/sys", "hasPart", "component:ns/svc"),
            ("component:ns/svc", "providesApi", "api:ns/api1"),
            ("api:ns/api1", "apiProvidedBy", "component:ns/svc"),
            ("component:ns/svc", "dependsOn", "resource:ns/db"),
            ("resource:ns/db", "dependencyOf", "component:ns/svc"),
        ]
    )


@pytest.mark.parametrize(
    ("kind", "field", "value", "forward", "target", "reverse"),
    [
        ("Component", "owner", "team-a", "ownedBy", "group:ns/team-a", "ownerOf"),
        ("API", "owner", "team-a", "ownedBy", "group:ns/team-a", "ownerOf"),
        ("Resource", "owner", "team-a", "ownedBy", "group:ns/team-a", "ownerOf"),
        ("System", "owner", "team-a", "ownedBy", "group:ns/team-a", "ownerOf"),
        ("Domain", "owner", "team-a", "ownedBy", "group:ns/team-a", "ownerOf"),
        ("Template", "owner", "team-a", "ownedBy", "group:ns/team-a", "ownerOf"),
        ("Component", "subcomponentOf", "core", "partOf", "component:ns/core", "hasPart"),
        ("Component", "system", "sys", "partOf", "system:ns/sys", "hasPart"),
        ("API", "system", "sys", "partOf", "system:ns/sys", "hasPart"),
        ("Resource", "system", "sys", "partOf", "system:ns/sys", "hasPart"),
        ("System", "domain", "dom", "partOf", "domain:ns/dom", "hasPart"),
        ("Domain", "subdomainOf", "dom", "partOf", "domain:ns/dom", "hasPart"),
        ("Component", "providesApis", ["a"], "providesApi", "api:ns/a", "apiProvidedBy"),
        ("Component", "consumesApis", ["a"], "consumesApi", "api:ns/a", "apiConsumedBy"),
        ("Component", "dependsOn", ["resource:db"], "dependsOn", "resource:ns/db", "dependencyOf"),
        ("Resource", "dependsOn", ["resource:db"], "dependsOn", "resource:ns/db", "dependencyOf"),
        (
            "Component",
            "dependencyOf",
            ["component:x"],
            "dependencyOf",
            "component:ns/x",
            "dependsOn",
        ),
        (
            "Resource",
            "dependencyOf",
            ["component:x"],
            "dependencyOf",
            "component:ns/x",
            "dependsOn",
        ),
        ("Group", "parent", "org", "childOf", "group:ns/org", "parentOf"),
        ("Group", "children", ["sub"], "parentOf", "group:ns/sub", "childOf"),
        ("Group", "members", ["jdoe"], "hasMember", "user:ns/jdoe", "memberOf"),
        ("User", "memberOf", ["team-a"], "memberOf", "group:ns/team-a", "hasMember"),
    ],
)
def test_every_reference_field_gives_a_relation_and_its_reverse(
    entity: EntityBuilder,
    kind: str,
    field: str,
    value: object,
    forward: str,
    target: str,
    reverse: str,
) -> None:
    doc = entity(kind, namespace="ns", name="self", spec={field: value})
    source = f"{kind.lower()}:ns/self"
    produced = triples(relations_of(doc))
    assert (source, forward, target) in produced
    assert (target, reverse, source) in produced


def test_forward_and_reverse_relations_come_in_pairs(entity: EntityBuilder) -> None:
    doc = entity("Group", spec={"parent": "org", "children": ["a", "b"], "members": ["u"]})
    relations = relations_of(doc)
    assert len(relations) == 8
    for forward, reverse in zip(relations[::2], relations[1::2], strict=True):
        assert (reverse.source, reverse.target) == (forward.target, forward.source)


def test_refs_default_to_the_entity_namespace_not_default(entity: EntityBuilder) -> None:
    doc = entity("User", namespace="development", spec={"memberOf": ["team-a"]})
    assert triples(relations_of(doc))[0] == (
        "user:development/example",
        "memberOf",
        "group:development/team-a",
    )


def test_written_kinds_and_namespaces_are_kept(entity: EntityBuilder) -> None:
    doc = entity(namespace="ns", spec={"owner": "user:people/jdoe"})
    assert triples(relations_of(doc))[0] == ("component:ns/example", "ownedBy", "user:people/jdoe")


def test_an_entity_without_a_namespace_is_in_default(entity: EntityBuilder) -> None:
    assert triples(relations_of(entity()))[0] == (
        "component:default/example",
        "ownedBy",
        "group:default/team-a",
    )


def test_refs_keep_their_written_case(entity: EntityBuilder) -> None:
    doc = entity(name="MyService", spec={"owner": "Team-A"})
    owned_by = relations_of(doc)[0]
    assert owned_by.source == EntityRef("Component", "default", "MyService")
    assert (owned_by.target.kind, owned_by.target.name) == ("Group", "Team-A")
    assert str(owned_by.target) == "group:default/team-a"


@pytest.mark.parametrize("kind", ["Location", "Widget"])
def test_kinds_without_reference_fields_give_no_relations(entity: EntityBuilder, kind: str) -> None:
    doc = entity("Location", spec={"target": "./x.yaml"})
    doc["kind"] = kind
    assert relations_of(doc) == []


def test_absent_null_and_empty_fields_give_no_relations(entity: EntityBuilder) -> None:
    doc = entity(spec={"system": None, "providesApis": [], "consumesApis": None})
    assert [r.type for r in relations_of(doc)] == ["ownedBy", "ownerOf"]


def test_a_reference_that_validation_rejects_raises(entity: EntityBuilder) -> None:
    with pytest.raises(InvalidEntityRef):
        relations_of(entity(spec={"dependsOn": ["db"]}))
    with pytest.raises(InvalidEntityRef):
        relations_of(entity(spec={"providesApis": [5]}))


def test_relations_output_is_distinct_sorted_and_lowercase() -> None:
    team = EntityRef("Group", "Default", "Team-A")
    pairs: list[tuple[str, EntityRef | str]] = [
        ("partOf", EntityRef("System", "default", "sys")),
        ("ownedBy", team),
        ("ownedBy", EntityRef("group", "default", "team-a")),
        ("dependsOn", "Resource:Default/DB"),
        ("dependsOn", EntityRef("component", "default", "a")),
    ]
    assert relations_output(pairs) == [
        {"type": "dependsOn", "targetRef": "component:default/a"},
        {"type": "dependsOn", "targetRef": "resource:default/db"},
        {"type": "ownedBy", "targetRef": "group:default/team-a"},
        {"type": "partOf", "targetRef": "system:default/sys"},
    ]


def test_relations_output_of_an_entity(entity: EntityBuilder) -> None:
    doc = entity(spec={"providesApis": ["b", "a", "a"]})
    source = relations_of(doc)[0].source
    outgoing = [(r.type, r.target) for r in relations_of(doc) if r.source == source]
    assert relations_output(outgoing) == [
        {"type": "ownedBy", "targetRef": "group:default/team-a"},
        {"type": "providesApi", "targetRef": "api:default/a"},
        {"type": "providesApi", "targetRef": "api:default/b"},
    ]


def test_relation_pairs_cover_every_relation_once() -> None:
    every = {
        RELATION_API_CONSUMED_BY,
        RELATION_API_PROVIDED_BY,
        RELATION_CHILD_OF,
        RELATION_CONSUMES_API,
        RELATION_DEPENDENCY_OF,
        RELATION_DEPENDS_ON,
        RELATION_HAS_MEMBER,
        RELATION_HAS_PART,
        RELATION_MEMBER_OF,
        RELATION_OWNED_BY,
        RELATION_OWNER_OF,
        RELATION_PARENT_OF,
        RELATION_PART_OF,
        RELATION_PROVIDES_API,
    }
    flat = [name for pair in RELATION_PAIRS for name in pair]
    assert sorted(flat) == sorted(every)
    assert RELATION_PAIRS[0] == ("ownerOf", "ownedBy")
