"""`$text`, `$json` and `$yaml` against real files, repositories and a local HTTP server."""

from __future__ import annotations

import copy
from pathlib import Path

import httpx
import pytest

from greenroom.catalog.sources import (
    LocationReaders,
    build_default_readers,
    parse_documents,
    resolve_placeholders,
)

from .conftest import blob_id, make_repo, write_files


@pytest.fixture
def readers(tmp_path: Path, http_client: httpx.Client) -> LocationReaders:
    return build_default_readers(10_000, tmp_path / "cache", http_client, http_timeout=2.0)


def api(definition: object) -> dict[str, object]:
    return {"kind": "API", "spec": {"type": "openapi", "definition": definition}}


def test_text_json_and_yaml_in_a_git_repository(readers: LocationReaders, tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "catalog-info.yaml": "",
            "apis/openapi.yaml": "openapi: 3.0.0\n",
            "apis/schema.json": '{"a": [1, 2]}',
            "apis/values.yaml": "x: on\ny: [1]\n",
        },
    )
    base = f"url:file://{repo}#main:catalog-info.yaml"
    data = {
        "metadata": {"name": "a"},
        "spec": {
            "text": {"$text": "./apis/openapi.yaml"},
            "json": {"$json": "apis/schema.json"},
            "list": [{"$yaml": "/apis/values.yaml"}, "plain"],
        },
    }
    original = copy.deepcopy(data)

    result, issues, refs = resolve_placeholders(data, base, readers)

    assert issues == []
    assert result["spec"] == {
        "text": "openapi: 3.0.0\n",
        "json": {"a": [1, 2]},
        "list": [{"x": "on", "y": [1]}, "plain"],
    }
    assert data == original
    assert result["metadata"] is data["metadata"]
    assert [ref.version for ref in refs] == [
        blob_id(repo, "main:apis/openapi.yaml"),
        blob_id(repo, "main:apis/schema.json"),
        blob_id(repo, "main:apis/values.yaml"),
    ]


def test_non_placeholders_are_left_alone(readers: LocationReaders) -> None:
    data = {
        "schema": {"$ref": "#/definitions/node"},
        "two_keys": {"$text": "./x", "other": 1},
        "not_a_string": {"$text": 42},
        "nested": {"$ref": {"$text": "./x"}},
    }
    result, issues, refs = resolve_placeholders(data, "file:/nowhere/c.yaml", readers)
    assert result is data
    assert (issues, refs) == ([], [])


def test_errors_name_the_placeholder_path_and_target(
    readers: LocationReaders, tmp_path: Path
) -> None:
    write_files(
        tmp_path / "cat",
        {"two.yaml": "a: 1\n---\nb: 2\n", "bad.json": "{nope", "latin.txt": b"caf\xe9"},
    )
    base = f"file:{tmp_path}/cat/catalog-info.yaml"
    data = api({"$text": "./missing.yaml"})
    data["spec"]["extra"] = [  # type: ignore[index]
        {"$yaml": "./two.yaml"},
        {"$json": "./bad.json"},
        {"$text": "./latin.txt"},
    ]

    result, issues, _ = resolve_placeholders(data, base, readers)

    assert result == data
    assert [issue.path for issue in issues] == [
        ("spec", "definition"),
        ("spec", "extra", 0),
        ("spec", "extra", 1),
        ("spec", "extra", 2),
    ]
    assert issues[0].message == (
        f"Placeholder $text could not read location ./missing.yaml: "
        f"file:{tmp_path}/cat/missing.yaml: file not found"
    )
    assert issues[1].message == (
        "Placeholder $yaml failed to parse YAML data at ./two.yaml: "
        "expected exactly one YAML document, found 2"
    )
    assert issues[2].message.startswith("Placeholder $json failed to parse JSON data at ./bad.json")
    assert issues[3].message.endswith("latin.txt: not a UTF-8 text file (invalid byte 0xe9)")


def test_http_placeholders(readers: LocationReaders, http_server: str, web_root: Path) -> None:
    write_files(web_root, {"apis/spec.json": '{"openapi": "3.1.0"}'})
    base = f"url:{http_server}/catalog/catalog-info.yaml"

    result, issues, refs = resolve_placeholders(api({"$json": "../apis/spec.json"}), base, readers)

    assert issues == []
    assert result["spec"]["definition"] == {"openapi": "3.1.0"}
    assert [ref.location for ref in refs] == [f"url:{http_server}/apis/spec.json"]


def test_a_placeholder_must_name_one_file(readers: LocationReaders, tmp_path: Path) -> None:
    write_files(tmp_path, {"a/one.yaml": "", "a/two.yaml": ""})
    _, issues, _ = resolve_placeholders(
        api({"$text": "./a/*.yaml"}), f"file:{tmp_path}/c.yaml", readers
    )
    assert issues[0].message.endswith("expected one file, found 2 files")


def test_a_file_read_twice_is_read_once(readers: LocationReaders, tmp_path: Path) -> None:
    write_files(tmp_path, {"x.txt": "x"})
    data = {"a": {"$text": "./x.txt"}, "b": {"$text": "x.txt"}}
    result, _, refs = resolve_placeholders(data, f"file:{tmp_path}/c.yaml", readers)
    assert result == {"a": "x", "b": "x"}
    assert len(refs) == 1


def test_documents_then_placeholders_end_to_end(readers: LocationReaders, tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "svc",
        {
            "catalog-info.yaml": "kind: API\nspec:\n  definition:\n    $text: ./api.graphql\n",
            "api.graphql": "type Query { a: Int }\n",
        },
    )
    reader = readers.for_target("url", str(repo))
    (ref,) = reader.list_files("url", str(repo))
    (document,) = parse_documents(reader.read_file(ref), ref.location)
    assert document.data is not None

    result, issues, _ = resolve_placeholders(document.data, ref.location, readers)

    assert issues == []
    assert result["spec"]["definition"] == "type Query { a: Int }\n"
