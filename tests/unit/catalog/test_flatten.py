"""Entities flattened into search rows by Backstage's `buildEntitySearch` rules."""

from __future__ import annotations

from typing import Any

import pytest

from greenroom.catalog.flatten import flatten_entity
from greenroom.catalog.models import SEARCH_KEY_LENGTH, SEARCH_VALUE_LENGTH


def _entity(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "petstore", "namespace": "default"},
        "spec": spec,
    }


def _pairs(entity: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(key, value) for key, value, _ in flatten_entity(entity)}


def test_a_whole_entity_flattens_to_dotted_rows() -> None:
    entity = _entity(type="service", owner="team-a")
    assert flatten_entity(entity) == [
        ("apiversion", "backstage.io/v1alpha1", "backstage.io/v1alpha1"),
        ("kind", "component", "Component"),
        ("metadata.name", "petstore", "petstore"),
        ("metadata.namespace", "default", "default"),
        ("spec.type", "service", "service"),
        ("spec.owner", "team-a", "team-a"),
    ]


def test_keys_and_values_are_lowercased_and_the_original_kept() -> None:
    entity = _entity(profile={"displayName": "Pet Store"})
    assert ("spec.profile.displayname", "pet store", "Pet Store") in flatten_entity(entity)


def test_nested_objects_give_dotted_paths() -> None:
    entity = _entity(a={"b": {"c": {"d": "deep"}}})
    assert ("spec.a.b.c.d", "deep") in _pairs(entity)


def test_an_array_of_strings_gives_a_value_row_and_a_true_row_per_item() -> None:
    entity = _entity()
    entity["metadata"]["tags"] = ["java", "Team:Web"]
    rows = flatten_entity(entity)
    assert ("metadata.tags", "java", "java") in rows
    assert ("metadata.tags", "team:web", "Team:Web") in rows
    assert ("metadata.tags.java", "true", "true") in rows
    assert ("metadata.tags.team:web", "true", "true") in rows


def test_an_array_of_objects_is_descended_under_the_same_path() -> None:
    entity = _entity(links=[{"url": "https://a", "title": "A"}, {"url": "https://b"}])
    pairs = _pairs(entity)
    assert {("spec.links.url", "https://a"), ("spec.links.url", "https://b")} <= pairs
    assert ("spec.links.title", "a") in pairs
    assert not any(key.startswith("spec.links.0") for key, _ in pairs)


def test_arrays_of_strings_inside_arrays_of_objects_give_true_rows() -> None:
    entity = _entity(steps=[{"tags": ["Fast"]}])
    pairs = _pairs(entity)
    assert ("spec.steps.tags", "fast") in pairs
    assert ("spec.steps.tags.fast", "true") in pairs


def test_scalars_in_arrays_are_values_without_true_rows() -> None:
    entity = _entity(ports=[80, True])
    pairs = _pairs(entity)
    assert {("spec.ports", "80"), ("spec.ports", "true")} <= pairs
    assert not any(key.startswith("spec.ports.") for key, _ in pairs)


def test_an_empty_array_or_object_gives_no_row() -> None:
    entity = _entity(nothing=[], empty={})
    assert not any(key.startswith(("spec.nothing", "spec.empty")) for key, _ in _pairs(entity))


@pytest.mark.parametrize("root", ["relations", "status", "attachments"])
def test_relations_status_and_attachments_are_not_indexed(root: str) -> None:
    entity = _entity()
    entity[root] = {"items": [{"type": "ownedBy", "targetRef": "group:default/a"}]}
    assert not any(key.split(".")[0] == root for key, _ in _pairs(entity))


def test_skipped_names_are_indexed_below_the_root() -> None:
    entity = _entity(status="active", relations=["x"])
    pairs = _pairs(entity)
    assert ("spec.status", "active") in pairs
    assert ("spec.relations", "x") in pairs


@pytest.mark.parametrize(("flag", "expected"), [(True, "true"), (False, "false")])
def test_booleans_are_true_or_false(flag: bool, expected: str) -> None:
    assert ("spec.enabled", expected, expected) in flatten_entity(_entity(enabled=flag))


def test_numbers_are_their_text() -> None:
    rows = flatten_entity(_entity(replicas=3, ratio=0.5))
    assert ("spec.replicas", "3", "3") in rows
    assert ("spec.ratio", "0.5", "0.5") in rows


def test_a_null_value_gives_a_row_with_no_value() -> None:
    assert ("spec.system", None, None) in flatten_entity(_entity(system=None))


def test_a_key_over_the_limit_is_dropped_and_one_at_the_limit_kept() -> None:
    prefix = "spec."
    at_limit = "k" * (SEARCH_KEY_LENGTH - len(prefix))
    too_long = "K" * (SEARCH_KEY_LENGTH - len(prefix) + 1)
    keys = {key for key, _ in _pairs(_entity(**{at_limit: "a", too_long: "b"}))}
    assert prefix + at_limit in keys
    assert (prefix + too_long).lower() not in keys
    assert all(len(key) <= SEARCH_KEY_LENGTH for key in keys)


def test_a_long_string_item_drops_only_its_true_row() -> None:
    item = "x" * SEARCH_KEY_LENGTH
    pairs = _pairs(_entity(names=[item]))
    assert ("spec.names", item) in pairs
    assert not any(key.startswith("spec.names.") for key, _ in pairs)


def test_a_value_over_the_limit_has_no_value_but_keeps_its_original() -> None:
    long_text = "Long " * SEARCH_VALUE_LENGTH
    rows = flatten_entity(_entity(description=long_text))
    assert ("spec.description", None, long_text) in rows


def test_a_value_at_the_limit_is_indexed() -> None:
    text = "V" * SEARCH_VALUE_LENGTH
    assert ("spec.v", text.lower(), text) in flatten_entity(_entity(v=text))


def test_duplicate_rows_are_removed() -> None:
    entity = _entity(links=[{"type": "docs"}, {"type": "docs"}, {"type": "Docs"}])
    entity["metadata"]["tags"] = ["java", "java"]
    rows = flatten_entity(entity)
    keys_and_values = [(key, value) for key, value, _ in rows]
    assert len(keys_and_values) == len(set(keys_and_values))
    assert keys_and_values.count(("spec.links.type", "docs")) == 1
    assert keys_and_values.count(("metadata.tags", "java")) == 1
    assert keys_and_values.count(("metadata.tags.java", "true")) == 1


def test_the_same_key_with_different_values_gives_several_rows() -> None:
    entity = _entity(links=[{"type": "docs"}, {"type": "chat"}])
    assert {("spec.links.type", "docs"), ("spec.links.type", "chat")} <= _pairs(entity)


def test_a_missing_namespace_is_indexed_as_default() -> None:
    entity = _entity()
    del entity["metadata"]["namespace"]
    rows = flatten_entity(entity)
    assert [row for row in rows if row[0] == "metadata.namespace"] == [
        ("metadata.namespace", "default", "default")
    ]


def test_an_entity_without_metadata_still_has_a_namespace_row() -> None:
    assert flatten_entity({}) == [("metadata.namespace", "default", "default")]


def test_a_given_namespace_is_indexed_without_a_default_row() -> None:
    entity = _entity()
    entity["metadata"]["namespace"] = "Payments"
    rows = [row for row in flatten_entity(entity) if row[0] == "metadata.namespace"]
    assert rows == [("metadata.namespace", "payments", "Payments")]


def test_flattening_does_not_change_the_entity() -> None:
    entity = _entity(links=[{"url": "https://a"}])
    entity["metadata"]["tags"] = ["java"]
    before = repr(entity)
    flatten_entity(entity)
    assert repr(entity) == before


def test_keys_are_measured_after_lowercasing() -> None:
    rows = flatten_entity({"spec": {"x": ["İ" * 100]}})
    assert all(len(key) <= 200 for key, _, _ in rows)
