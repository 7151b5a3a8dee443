"""Backstage's filter, order, projection and cursor syntax (`greenroom.catalog.filters`)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenroom.catalog.filters import (
    EntityFilter,
    FilterSet,
    SortField,
    decode_cursor,
    encode_cursor,
    parse_fields,
    parse_filter_params,
    parse_list_order,
    parse_order_field,
    project,
)
from greenroom.errors import InputError


def _conditions(params: list[str]) -> list[dict[str, frozenset[str] | None]]:
    return [filter_set.conditions for filter_set in parse_filter_params(params).sets]


# --- parse_filter_params ---------------------------------------------------------------


def test_no_filter_params_give_a_filter_without_sets() -> None:
    assert parse_filter_params([]) == EntityFilter(())


def test_one_statement_gives_one_set_with_one_value() -> None:
    assert parse_filter_params(["kind=component"]) == EntityFilter(
        (FilterSet({"kind": frozenset({"component"})}),)
    )


def test_each_filter_param_is_its_own_set_in_order() -> None:
    # filter=kind=component,spec.type=service&filter=kind=api: (component AND service) OR api
    assert _conditions(["kind=component,spec.type=service", "kind=api"]) == [
        {"kind": frozenset({"component"}), "spec.type": frozenset({"service"})},
        {"kind": frozenset({"api"})},
    ]


def test_comma_separated_statements_with_different_keys_are_all_required() -> None:
    (conditions,) = _conditions(["kind=component,spec.type=service,spec.lifecycle=production"])
    assert set(conditions) == {"kind", "spec.type", "spec.lifecycle"}


def test_a_key_repeated_in_one_set_collects_its_values() -> None:
    assert _conditions(["kind=component,kind=api"]) == [{"kind": frozenset({"component", "api"})}]


def test_a_key_repeated_across_sets_stays_in_separate_sets() -> None:
    assert _conditions(["kind=component", "kind=api"]) == [
        {"kind": frozenset({"component"})},
        {"kind": frozenset({"api"})},
    ]


def test_a_statement_is_split_on_the_first_equals_sign() -> None:
    assert _conditions(["metadata.annotations.a=b=c"]) == [
        {"metadata.annotations.a": frozenset({"b=c"})}
    ]


def test_a_key_without_equals_asks_that_it_exists() -> None:
    assert _conditions(["metadata.tags.java"]) == [{"metadata.tags.java": None}]


def test_a_key_with_equals_and_no_value_asks_for_the_empty_value() -> None:
    assert _conditions(["spec.type="]) == [{"spec.type": frozenset({""})}]


def test_existence_and_equality_statements_combine_in_one_set() -> None:
    assert _conditions(["kind=component,spec.owner"]) == [
        {"kind": frozenset({"component"}), "spec.owner": None}
    ]


def test_keys_and_values_are_lowercased() -> None:
    assert _conditions(["Kind=Component,Metadata.Tags.JAVA"]) == [
        {"kind": frozenset({"component"}), "metadata.tags.java": None}
    ]


def test_keys_differing_only_in_case_are_one_key() -> None:
    assert _conditions(["Kind=component,KIND=API"]) == [{"kind": frozenset({"component", "api"})}]


def test_keys_and_values_are_trimmed() -> None:
    assert _conditions(["  kind =  component , spec.type\t=\tservice  , metadata.tags.go "]) == [
        {
            "kind": frozenset({"component"}),
            "spec.type": frozenset({"service"}),
            "metadata.tags.go": None,
        }
    ]


def test_whitespace_inside_a_value_is_kept() -> None:
    assert _conditions(["metadata.title= My Service "]) == [
        {"metadata.title": frozenset({"my service"})}
    ]


def test_empty_statements_are_ignored() -> None:
    assert _conditions([",kind=component,, ,"]) == [{"kind": frozenset({"component"})}]


@pytest.mark.parametrize("raw", ["", ",", " , ,", "   "])
def test_a_param_with_only_empty_statements_adds_no_set(raw: str) -> None:
    assert parse_filter_params([raw, "kind=api"]) == EntityFilter(
        (FilterSet({"kind": frozenset({"api"})}),)
    )


@pytest.mark.parametrize("raw", ["=component", " =component", "kind=api,=x", "  = "])
def test_an_empty_key_is_an_input_error(raw: str) -> None:
    with pytest.raises(InputError, match="empty key") as caught:
        parse_filter_params(["kind=component", raw])
    assert caught.value.status_code == 400
    assert repr(raw) in caught.value.message


def test_parsed_filters_are_immutable_and_hashable() -> None:
    parsed = parse_filter_params(["kind=component,kind=api"])
    assert parsed == parse_filter_params(["kind=api,kind=component"])
    assert isinstance(parsed.sets[0].conditions["kind"], frozenset)
    with pytest.raises(AttributeError):
        parsed.sets = ()  # type: ignore[misc]


@given(st.lists(st.text()))
def test_arbitrary_text_parses_or_raises_input_error(params: list[str]) -> None:
    try:
        parsed = parse_filter_params(params)
    except InputError:
        return
    for filter_set in parsed.sets:
        assert filter_set.conditions
        for key, values in filter_set.conditions.items():
            assert key
            assert key == key.strip().lower()
            assert values is None or all(v == v.strip().lower() for v in values)


@given(st.lists(st.text(alphabet="=, \tkKiInd.AaB")))
def test_statement_like_text_parses_or_raises_input_error(params: list[str]) -> None:
    try:
        parsed = parse_filter_params(params)
    except InputError:
        return
    assert len(parsed.sets) <= len(params)
    for filter_set in parsed.sets:
        assert all(key and "," not in key and "=" not in key for key in filter_set.conditions)


# --- parse_order_field / parse_list_order ------------------------------------------------


def test_no_order_field_sorts_by_uid_ascending() -> None:
    assert parse_order_field([]) == SortField("metadata.uid", "asc")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("metadata.name", SortField("metadata.name", "asc")),
        ("metadata.name,asc", SortField("metadata.name", "asc")),
        ("metadata.name,desc", SortField("metadata.name", "desc")),
        ("metadata.name,DESC", SortField("metadata.name", "desc")),
        (" metadata.name , desc ", SortField("metadata.name", "desc")),
        ("metadata.name,", SortField("metadata.name", "asc")),
    ],
)
def test_order_field_is_a_field_and_an_optional_direction(raw: str, expected: SortField) -> None:
    assert parse_order_field([raw]) == expected


def test_only_the_first_order_field_is_used() -> None:
    assert parse_order_field(["spec.type,desc", "metadata.name,asc"]) == SortField(
        "spec.type", "desc"
    )


@pytest.mark.parametrize("raw", ["", ",desc", "  ,asc"])
def test_an_empty_order_field_is_an_input_error(raw: str) -> None:
    with pytest.raises(InputError, match="field is empty"):
        parse_order_field([raw])


@pytest.mark.parametrize("raw", ["metadata.name,up", "metadata.name,desc,asc", "a,ascending"])
def test_an_unknown_direction_is_an_input_error(raw: str) -> None:
    with pytest.raises(InputError, match="asc or desc") as caught:
        parse_order_field([raw])
    assert repr(raw) in caught.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("asc:metadata.name", SortField("metadata.name", "asc")),
        ("desc:metadata.name", SortField("metadata.name", "desc")),
        ("desc: spec.type ", SortField("spec.type", "desc")),
        ("asc:metadata.annotations.a:b", SortField("metadata.annotations.a:b", "asc")),
    ],
)
def test_list_order_is_direction_colon_field(raw: str, expected: SortField) -> None:
    assert parse_list_order(raw) == expected


@pytest.mark.parametrize(
    "raw", ["metadata.name", "up:metadata.name", "asc:", "desc:  ", ":metadata.name", ""]
)
def test_a_malformed_list_order_is_an_input_error(raw: str) -> None:
    with pytest.raises(InputError, match="expected asc:<field> or desc:<field>"):
        parse_list_order(raw)


# --- parse_fields / project --------------------------------------------------------------


def test_fields_are_split_on_commas_trimmed_and_flattened_in_order() -> None:
    assert parse_fields(["metadata.name, spec.type", "kind,,", " "]) == (
        "metadata.name",
        "spec.type",
        "kind",
    )


def test_no_fields_param_gives_no_fields() -> None:
    assert parse_fields([]) == ()


ENTITY: dict[str, Any] = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "name": "petstore",
        "namespace": "default",
        "tags": ["java"],
        "annotations": {"backstage.io/techdocs-ref": "dir:."},
    },
    "spec": {"type": "service", "owner": "team-a", "profile": {"displayName": "Pets"}},
}


def test_no_fields_returns_the_entity_unchanged() -> None:
    assert project(ENTITY, ()) == ENTITY


def test_projection_keeps_only_the_named_subtrees() -> None:
    assert project(ENTITY, ["kind", "metadata.name", "spec"]) == {
        "kind": "Component",
        "metadata": {"name": "petstore"},
        "spec": ENTITY["spec"],
    }


def test_dotted_paths_under_one_parent_merge() -> None:
    assert project(ENTITY, ["metadata.name", "spec.profile.displayName", "metadata.tags"]) == {
        "metadata": {"name": "petstore", "tags": ["java"]},
        "spec": {"profile": {"displayName": "Pets"}},
    }


def test_a_parent_and_its_child_give_the_whole_parent() -> None:
    expected = {"metadata": ENTITY["metadata"]}
    assert project(ENTITY, ["metadata", "metadata.name"]) == expected
    assert project(ENTITY, ["metadata.name", "metadata"]) == expected


@pytest.mark.parametrize(
    "missing",
    ["metadata.title", "status", "spec.type.length", "metadata.tags.0", "metadata.", ""],
)
def test_missing_paths_are_skipped(missing: str) -> None:
    assert project(ENTITY, ["metadata.name", missing]) == {"metadata": {"name": "petstore"}}


def test_only_missing_paths_give_an_empty_object() -> None:
    assert project(ENTITY, ["spec.lifecycle", "relations"]) == {}


def test_a_null_value_is_kept_not_skipped() -> None:
    entity = {"metadata": {"name": "x", "title": None}}
    assert project(entity, ["metadata.title"]) == {"metadata": {"title": None}}


def test_projection_does_not_change_the_entity() -> None:
    entity = json.loads(json.dumps(ENTITY))
    project(entity, ["metadata", "metadata.name", "spec.profile.displayName"])
    assert entity == ENTITY


# --- encode_cursor / decode_cursor -------------------------------------------------------


def test_a_cursor_round_trips() -> None:
    state = {"f": ["kind=component"], "o": ["metadata.name", "asc"], "n": 42, "t": None}
    assert decode_cursor(encode_cursor(state)) == state


def test_a_cursor_is_url_safe_without_padding() -> None:
    # Bytes that base64 to `+`, `/` and `=` in the standard alphabet.
    cursor = encode_cursor({"v": "\u00ff\u00fe>>>???", "x": 1})
    assert {"-", "_"} <= set(cursor)
    assert not set(cursor) & {"+", "/", "=", "&", "?", "#", " "}


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%%",
        "a",  # one base64 character: truncated input
        "abcde",  # bad padding length
        base64.urlsafe_b64encode(b"{not json").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe\x00garbage").decode(),
        "",
    ],
)
def test_garbage_cursors_are_input_errors(cursor: str) -> None:
    with pytest.raises(InputError, match="Malformed cursor") as caught:
        decode_cursor(cursor)
    assert caught.value.status_code == 400


@pytest.mark.parametrize("value", [[1, 2], "text", 3, None, True])
def test_a_cursor_that_is_not_a_json_object_is_an_input_error(value: Any) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
    with pytest.raises(InputError, match="Malformed cursor"):
        decode_cursor(cursor)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), JSON_VALUES))
def test_any_json_object_round_trips_through_a_cursor(data: dict[str, Any]) -> None:
    cursor = encode_cursor(data)
    assert "=" not in cursor
    assert decode_cursor(cursor) == data


@given(st.text())
def test_arbitrary_text_decodes_to_an_object_or_raises_input_error(cursor: str) -> None:
    try:
        decoded = decode_cursor(cursor)
    except InputError:
        return
    assert isinstance(decoded, dict)


def test_existence_wins_over_a_value_for_the_same_key_in_either_order() -> None:
    for statements in ("metadata.tags,metadata.tags=java", "metadata.tags=java,metadata.tags"):
        [filter_set] = parse_filter_params([statements]).sets
        assert filter_set.conditions == {"metadata.tags": None}


def test_a_deeply_nested_cursor_is_an_input_error() -> None:
    cursor = base64.urlsafe_b64encode(b"[" * 100_000).decode()
    with pytest.raises(InputError):
        decode_cursor(cursor)
