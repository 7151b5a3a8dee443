"""Entity references: Backstage's parser, its defaults and error messages, and ref identity."""

from __future__ import annotations

import pytest

from greenroom.catalog.model import EntityRef, InvalidEntityRef, entity_ref_of, parse_entity_ref
from greenroom.catalog.model.refs import split_entity_ref


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("component:default/foo", ("component", "default", "foo")),
        ("Component:Default/Foo", ("Component", "Default", "Foo")),
        ("user:jdoe", ("user", "default", "jdoe")),
        ("team-a", ("Group", "default", "team-a")),
        ("ns1/team-a", ("Group", "ns1", "team-a")),
        # A "/" before the ":" makes the ":" part of the name.
        ("default/a:b", ("Group", "default", "a:b")),
        ("component:default/a:b", ("component", "default", "a:b")),
        # Only the first ":" and the first "/" separate parts.
        ("a:b:c", ("a", "default", "b:c")),
        ("ns/a/b", ("Group", "ns", "a/b")),
        ("k:ns/a/b:c", ("k", "ns", "a/b:c")),
    ],
)
def test_parses_the_way_backstage_does(text: str, expected: tuple[str, str, str]) -> None:
    ref = parse_entity_ref(text, default_kind="Group")
    assert (ref.kind, ref.namespace, ref.name) == expected


def test_a_missing_namespace_comes_from_the_context() -> None:
    ref = parse_entity_ref("group:pet-managers", default_namespace="ns1")
    assert str(ref) == "group:ns1/pet-managers"


def test_an_empty_default_namespace_falls_back_to_default() -> None:
    assert str(parse_entity_ref("group:a", default_namespace="")) == "group:default/a"


def test_a_written_kind_and_namespace_win_over_the_defaults() -> None:
    ref = parse_entity_ref("user:other/jdoe", default_kind="Group", default_namespace="ns1")
    assert str(ref) == "user:other/jdoe"


@pytest.mark.parametrize(
    "text", ["component:", "component:/x", ":x", "/x", "ns/", "k:ns/", "k:/", ":", "/"]
)
def test_an_empty_part_is_not_on_the_form(text: str) -> None:
    with pytest.raises(InvalidEntityRef) as raised:
        parse_entity_ref(text, default_kind="Component")
    assert str(raised.value) == (
        f'Entity reference "{text}" was not on the form [<kind>:][<namespace>/]<name>'
    )


def test_an_empty_reference_is_rejected() -> None:
    with pytest.raises(InvalidEntityRef, match="must not be empty"):
        parse_entity_ref("", default_kind="Component")


def test_a_missing_kind_without_a_default_is_rejected() -> None:
    with pytest.raises(InvalidEntityRef) as raised:
        parse_entity_ref("db")
    assert str(raised.value) == (
        'Entity reference "db" had missing or empty kind '
        '(e.g. did not start with "component:" or similar)'
    )


def test_invalid_entity_ref_is_a_value_error() -> None:
    assert issubclass(InvalidEntityRef, ValueError)


@pytest.mark.parametrize(
    ("compound", "canonical"),
    [
        ({"kind": "Group", "name": "a"}, "group:default/a"),
        ({"kind": "Group", "namespace": "ns", "name": "a"}, "group:ns/a"),
        # The compound form exists for names holding ":" or "/".
        ({"kind": "Group", "namespace": "ns", "name": "a:b/c"}, "group:ns/a:b/c"),
        ({"name": "a"}, "component:default/a"),
    ],
)
def test_accepts_the_compound_form(compound: dict[str, object], canonical: str) -> None:
    assert str(parse_entity_ref(compound, default_kind="Component")) == canonical


@pytest.mark.parametrize(
    ("compound", "message"),
    [
        ({"kind": "Group"}, "had missing or empty name"),
        ({"kind": "Group", "name": ""}, "had missing or empty name"),
        ({"kind": "", "name": "a"}, "had missing or empty kind"),
        ({"name": "a"}, "had missing or empty kind"),
        ({"kind": "Group", "namespace": "", "name": "a"}, "had missing or empty namespace"),
        ({"kind": 1, "name": "a"}, "has a kind that is not a string"),
        ({"kind": "Group", "name": ["a"]}, "has a name that is not a string"),
    ],
)
def test_rejects_a_broken_compound_form(compound: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidEntityRef, match=message):
        parse_entity_ref(compound)


@pytest.mark.parametrize("value", [42, None, ["group:a"], True])
def test_rejects_what_is_neither_a_string_nor_an_object(value: object) -> None:
    with pytest.raises(InvalidEntityRef, match="must be a string or an object"):
        parse_entity_ref(value)  # type: ignore[arg-type]


def test_refs_keep_their_case_but_print_canonical_lowercase() -> None:
    ref = EntityRef("Component", "Default", "MyService")
    assert (ref.kind, ref.namespace, ref.name) == ("Component", "Default", "MyService")
    assert str(ref) == "component:default/myservice"
    assert repr(ref) == "EntityRef(kind='Component', namespace='Default', name='MyService')"


def test_refs_compare_and_hash_case_insensitively() -> None:
    upper = EntityRef("Component", "Default", "Foo")
    lower = EntityRef("component", "default", "foo")
    assert upper == lower
    assert hash(upper) == hash(lower)
    assert len({upper, lower}) == 1
    assert upper != EntityRef("component", "default", "bar")
    assert upper != "component:default/foo"


def test_refs_are_immutable() -> None:
    ref = EntityRef("Component", "default", "foo")
    with pytest.raises(AttributeError):
        ref.name = "bar"  # type: ignore[misc]


def test_entity_ref_of_reads_kind_namespace_and_name() -> None:
    entity = {"kind": "Component", "metadata": {"name": "Foo", "namespace": "ns"}}
    assert entity_ref_of(entity) == EntityRef("Component", "ns", "Foo")
    assert str(entity_ref_of({"kind": "API", "metadata": {"name": "a"}})) == "api:default/a"


@pytest.mark.parametrize(
    "entity",
    [
        {},
        {"kind": "Component"},
        {"kind": "Component", "metadata": "x"},
        {"kind": "Component", "metadata": {"name": ""}},
        {"kind": 5, "metadata": {"name": "a"}},
        {"kind": "Component", "metadata": {"name": "a", "namespace": ""}},
    ],
)
def test_entity_ref_of_rejects_an_entity_without_identity(entity: dict[str, object]) -> None:
    with pytest.raises(InvalidEntityRef):
        entity_ref_of(entity)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a", (None, None, "a")),
        ("k:a", ("k", None, "a")),
        ("ns/a", (None, "ns", "a")),
        ("k:ns/a", ("k", "ns", "a")),
        ("", None),
        ("k:", None),
        ("k:/a", None),
    ],
)
def test_split_entity_ref_leaves_out_what_is_not_written(
    text: str, parts: tuple[str | None, str | None, str] | None
) -> None:
    assert split_entity_ref(text) == parts
