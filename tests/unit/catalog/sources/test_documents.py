"""Multi-document descriptor files: entities, per-document errors, line numbers."""

from __future__ import annotations

import pytest

from greenroom.catalog.sources.documents import (
    ParsedDocument,
    decode_text,
    field_line,
    load_single_document,
    parse_documents,
)
from greenroom.errors import InputError

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  type: service
"""


def test_three_documents_and_a_trailing_separator_give_three_entities() -> None:
    text = "\n---\n".join(COMPONENT.format(name=name) for name in "abc") + "---\n"

    documents = parse_documents(text, "file:/x.yaml")

    assert [doc.data["metadata"]["name"] for doc in documents if doc.data] == ["a", "b", "c"]
    assert [doc.error for doc in documents] == [None, None, None]
    assert [doc.index for doc in documents] == [0, 1, 2]
    assert [doc.line for doc in documents] == [1, 9, 17]


def test_a_scalar_document_is_an_error_and_its_siblings_still_load() -> None:
    text = COMPONENT.format(name="a") + "---\njust a string\n---\n" + COMPONENT.format(name="b")

    documents = parse_documents(text, "file:/x.yaml")

    assert documents[0].data is not None
    assert documents[1] == ParsedDocument(1, 8, None, "Expected object at root, got string")
    assert documents[2].data is not None
    assert documents[2].data["metadata"]["name"] == "b"


@pytest.mark.parametrize(
    ("body", "kind"), [("- a\n- b", "array"), ("42", "number"), ("true", "boolean")]
)
def test_non_object_roots_name_their_json_type(body: str, kind: str) -> None:
    (document,) = parse_documents(body, "file:/x.yaml")
    assert document.error == f"Expected object at root, got {kind}"


def test_empty_file_and_comment_only_documents_give_nothing() -> None:
    assert parse_documents("", "file:/x.yaml") == []
    assert parse_documents("# only a comment\n---\n---\n", "file:/x.yaml") == []


def test_syntax_error_reports_line_and_column_and_keeps_earlier_documents() -> None:
    text = COMPONENT.format(name="a") + "---\nmetadata:\n  name: b\n   bad: indent\n"

    documents = parse_documents(text, "file:/x.yaml")

    assert documents[0].data is not None
    assert documents[1].data is None
    assert documents[1].error is not None
    assert documents[1].error.startswith("YAML error at line 10, column 7: ")
    assert documents[1].line == 10


def test_documents_after_a_syntax_error_load_too() -> None:
    text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n"

    documents = parse_documents(text, "file:/x.yaml")

    assert [doc.data for doc in documents] == [{"a": 1}, None, {"c": 3}]
    # libyaml notices the unclosed `[` where the next document starts.
    assert documents[1].error == (
        "YAML error at line 4, column 1: did not find expected ',' or ']'"
        " (while parsing a flow sequence)"
    )
    assert [doc.index for doc in documents] == [0, 1, 2]
    assert documents[2].line == 5


def test_a_broken_first_document_does_not_hide_the_rest() -> None:
    documents = parse_documents("--- ]\n---\nok: true\n", "file:/x.yaml")

    assert [doc.error is None for doc in documents] == [False, True]
    assert documents[1].data == {"ok": True}


def test_duplicate_keys_are_an_error_as_in_backstage() -> None:
    (document,) = parse_documents("metadata:\n  name: a\n  name: b\n", "file:/x.yaml")
    assert document.error == 'YAML error at line 3, column 3: duplicate key "name"'


def test_bytes_are_decoded_as_utf8_and_a_bom_is_accepted() -> None:
    (document,) = parse_documents("\ufeffname: café\n".encode(), "file:/x.yaml")
    assert document.data == {"name": "café"}


def test_non_utf8_bytes_are_rejected_as_an_error_document() -> None:
    text = "a: 1\nname: caf\xe9\n".encode("latin-1")

    assert parse_documents(text, "file:/x.yaml") == [
        ParsedDocument(0, 2, None, "not a UTF-8 text file (invalid byte 0xe9)")
    ]
    assert field_line(text, 0, ("a",)) is None
    with pytest.raises(InputError, match=r"^file:/x.yaml:2: not a UTF-8 text file"):
        decode_text(text, "file:/x.yaml")


def test_field_line_finds_keys_items_and_the_closest_ancestor() -> None:
    text = "a: 1\n---\n" + COMPONENT.format(name="b") + "  tags:\n    - x\n    - y\n"

    assert field_line(text, 1, ()) == 3
    assert field_line(text, 1, ("metadata", "name")) == 6
    assert field_line(text, 1, ("spec",)) == 7
    assert field_line(text, 1, ("spec", "tags", 1)) == 11
    assert field_line(text, 1, ("spec", "missing", "deeper")) == 7
    assert field_line(text, 1, ("spec", "tags", 9)) == 9
    assert field_line(text, 0, ("a",)) == 1
    assert field_line(text, 5, ()) is None


def test_field_line_counts_documents_like_parse_documents() -> None:
    # An empty document and a broken one still take an index.
    text = "a: 1\n---\n---\nb: [\n---\nc:\n  d: 1\n"
    documents = parse_documents(text, "file:/x.yaml")
    last = documents[-1]

    assert last.data == {"c": {"d": 1}}
    assert field_line(text, last.index, ("c", "d")) == 7


def test_load_single_document_needs_exactly_one() -> None:
    assert load_single_document("- a\n- b\n") == ["a", "b"]
    with pytest.raises(ValueError, match="exactly one YAML document, found 2"):
        load_single_document("a: 1\n---\nb: 2\n")
    with pytest.raises(ValueError, match="found 0"):
        load_single_document("")
