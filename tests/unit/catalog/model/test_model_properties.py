"""Properties over generated input: refs round-trip, validation never raises and always points
into the document, and whatever the format patterns generate is accepted."""

from __future__ import annotations

import string
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.catalog.model import (
    EntityRef,
    FieldPath,
    normalize_entity,
    parse_entity_ref,
    relations_of,
    validate_entity,
)
from greenroom.catalog.model.formats import (
    ENTITY_NAME_PATTERN,
    KIND_PATTERN,
    NAMESPACE_PATTERN,
    TAG_PATTERN,
)


def _pattern(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= 63)


entity_names = _pattern(ENTITY_NAME_PATTERN)
namespaces = _pattern(NAMESPACE_PATTERN)
tags = _pattern(TAG_PATTERN)
kinds = _pattern(KIND_PATTERN)

# Any text works as a ref part as long as the separators after it are unambiguous:
# the kind holds no ":" or "/", the namespace no "/", the name anything.
ref_kinds = st.text(min_size=1).filter(lambda s: ":" not in s and "/" not in s)
ref_namespaces = st.text(min_size=1).filter(lambda s: "/" not in s)
ref_names = st.text(min_size=1)
ascii_parts = st.text(string.ascii_letters + string.digits + "-_.", min_size=1)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
SPEC_FIELDS = [
    "type",
    "lifecycle",
    "owner",
    "system",
    "subcomponentOf",
    "providesApis",
    "consumesApis",
    "dependsOn",
    "dependencyOf",
    "definition",
    "domain",
    "subdomainOf",
    "parent",
    "children",
    "members",
    "memberOf",
    "profile",
    "target",
    "targets",
    "presence",
    "steps",
    "parameters",
    "output",
]
KINDS = [
    "Component",
    "API",
    "Resource",
    "System",
    "Domain",
    "Group",
    "User",
    "Location",
    "Template",
]
METADATA_FIELDS = ["name", "namespace", "title", "description", "labels", "annotations"]
entity_shaped = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(
            ["backstage.io/v1alpha1", "backstage.io/v1beta1", "scaffolder.backstage.io/v1beta3"]
        )
        | json_values,
        "kind": st.sampled_from([*KINDS]) | json_values,
        "metadata": st.dictionaries(st.sampled_from(METADATA_FIELDS), json_values)
        | st.fixed_dictionaries(
            {},
            optional={
                "name": entity_names,
                "tags": st.lists(json_values),
                "links": st.lists(
                    st.dictionaries(st.sampled_from(["url", "title", "icon", "type"]), json_values)
                    | json_values
                ),
            },
        ),
        "spec": st.dictionaries(
            st.sampled_from(SPEC_FIELDS),
            json_values | st.lists(st.text(max_size=12)) | st.text(max_size=12),
        ),
    },
    optional={"status": json_values, "extra": json_values},
)


refs = st.one_of(
    entity_names,
    st.builds(lambda k, n: f"{k}:{n}", kinds, entity_names),
    st.builds(lambda k, ns, n: f"{k}:{ns}/{n}", kinds, namespaces, entity_names),
)
kinded_refs = st.builds(lambda k, n: f"{k}:{n}", kinds, entity_names)
valid_components = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
        "kind": st.just("Component"),
        "metadata": st.fixed_dictionaries(
            {"name": entity_names}, optional={"namespace": namespaces, "tags": st.lists(tags)}
        ),
        "spec": st.fixed_dictionaries(
            {"type": st.text(min_size=1), "lifecycle": st.text(min_size=1), "owner": refs},
            optional={
                "system": refs,
                "subcomponentOf": refs,
                "providesApis": st.lists(refs, max_size=3),
                "consumesApis": st.lists(refs, max_size=3),
                "dependsOn": st.lists(kinded_refs, max_size=3),
                "dependencyOf": st.lists(kinded_refs, max_size=3),
            },
        ),
    }
)


def points_into(doc: object, path: FieldPath) -> bool:
    """True when `path` names a value in `doc`, or a missing key of a mapping in `doc`."""
    node = doc
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, Mapping):
            matches = [key for key in node if str(key) == part]
            if not matches:
                return last
            node = node[matches[0]]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True


@given(kind=ref_kinds, namespace=ref_namespaces, name=ref_names)
def test_a_canonical_ref_parses_back_to_itself(kind: str, namespace: str, name: str) -> None:
    ref = EntityRef(kind, namespace, name)
    parsed = parse_entity_ref(str(ref), default_kind="Other", default_namespace="other")
    assert parsed == ref
    assert str(parsed) == str(ref)


@given(kind=ref_kinds, namespace=ref_namespaces, name=ref_names)
def test_the_canonical_form_is_lowercase(kind: str, namespace: str, name: str) -> None:
    assert str(EntityRef(kind, namespace, name)) == f"{kind}:{namespace}/{name}".lower()


@given(kind=ascii_parts, namespace=ascii_parts, name=ascii_parts)
def test_refs_that_differ_only_in_case_are_equal(kind: str, namespace: str, name: str) -> None:
    ref = EntityRef(kind, namespace, name)
    shouted = EntityRef(kind.upper(), namespace.upper(), name.swapcase())
    assert shouted == ref
    assert hash(shouted) == hash(ref)


@settings(deadline=None)
@given(doc=json_values)
def test_validation_never_raises_on_any_json_value(doc: object) -> None:
    issues = validate_entity(doc)
    assert issues or isinstance(doc, Mapping)
    for issue in issues:
        assert points_into(doc, issue.path), issue


@settings(deadline=None, max_examples=300)
@given(doc=entity_shaped)
def test_validation_never_raises_on_entity_shaped_input(doc: dict[str, object]) -> None:
    issues = validate_entity(doc)
    for issue in issues:
        assert issue.message
        assert points_into(doc, issue.path), issue


@settings(deadline=None)
@given(doc=valid_components)
def test_a_valid_component_gives_a_relation_pair_per_reference(doc: dict[str, object]) -> None:
    assert validate_entity(doc) == []
    spec = doc["spec"]
    assert isinstance(spec, dict)
    references = sum(
        len(v) if isinstance(v, list) else 1
        for k, v in spec.items()
        if k not in ("type", "lifecycle")
    )
    relations = relations_of(doc)
    assert len(relations) == 2 * references
    for forward, reverse in zip(relations[::2], relations[1::2], strict=True):
        assert (reverse.source, reverse.target) == (forward.target, forward.source)
    normalized = normalize_entity(doc)
    assert validate_entity(normalized) == []
    assert relations_of(normalized) == relations


@given(name=entity_names, namespace=namespaces, tag_list=st.lists(tags, max_size=5))
def test_names_namespaces_and_tags_from_the_patterns_are_valid(
    name: str, namespace: str, tag_list: list[str]
) -> None:
    doc = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "namespace": namespace, "tags": tag_list},
        "spec": {"type": "service", "lifecycle": "production", "owner": name},
    }
    assert validate_entity(doc) == []
    (owned_by, owner_of) = relations_of(doc)
    assert str(owned_by.target) == f"group:{namespace}/{name}".lower()
    assert owner_of.target == owned_by.source


@given(kind=kinds)
def test_kinds_from_the_pattern_are_well_formed(kind: str) -> None:
    doc = {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": "a"}}
    messages = [issue.message for issue in validate_entity(doc) if issue.path == ("kind",)]
    assert not any(message.startswith('"kind" is not valid') for message in messages)
