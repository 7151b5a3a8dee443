"""The loader reads descriptors as Backstage's YAML 1.2 parser does, and survives hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from greenroom.catalog.sources import yamlcore
from greenroom.catalog.sources.documents import parse_documents


def load(text: str) -> Any:
    (document,) = parse_documents(text, "file:/x.yaml")
    assert document.error is None, document.error
    return document.data


def test_yaml_1_1_only_values_stay_strings() -> None:
    data = load(
        "a: on\nb: no\nc: yes\nd: 2024-01-01\ne: 1:20\nf: 1_000\ng: 0755\nh: ~\ni: TRUE\nj: .inf\n"
    )
    assert data == {
        "a": "on",
        "b": "no",
        "c": "yes",
        "d": "2024-01-01",
        "e": "1:20",
        "f": "1_000",
        "g": 755,
        "h": None,
        "i": True,
        "j": float("inf"),
    }


def test_core_schema_numbers() -> None:
    assert load("a: 0o17\nb: 0x1F\nc: -12\nd: 1.5e3\ne: .5\nf: +3\n") == {
        "a": 15,
        "b": 31,
        "c": -12,
        "d": 1500.0,
        "e": 0.5,
        "f": 3,
    }


def test_results_are_json_serialisable_whatever_the_tags() -> None:
    data = load("a: !!timestamp 2024-01-01\nb: !!binary aGVsbG8=\nc: !custom {x: 1}\n1: one\n")
    assert data == {"a": "2024-01-01", "b": "aGVsbG8=", "c": {"x": 1}, "1": "one"}
    json.dumps(data)


def test_merge_keys_are_plain_keys_as_in_yaml_1_2() -> None:
    assert load("base: &b {x: 1}\nother:\n  <<: *b\n") == {
        "base": {"x": 1},
        "other": {"<<": {"x": 1}},
    }


def test_aliases_work_but_cannot_explode() -> None:
    assert load("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}
    laughs = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 9)]
    (document,) = parse_documents("\n".join(laughs) + "\n", "file:/x.yaml")
    assert document.error is not None
    assert "aliases expand the document by more than" in document.error


def test_invalid_explicit_scalars_are_document_errors() -> None:
    (document,) = parse_documents("a: !!int twelve\n", "file:/x.yaml")
    assert document.error == "YAML error at line 1, column 4: 'twelve' is not a valid integer"


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    # libyaml's own composer would overflow the C stack and kill the process here; run it
    # in a child process so that a regression fails this test instead of the test run.
    code = (
        "from greenroom.catalog.sources.documents import parse_documents\n"
        "text = 'a: ' + '[' * 200000 + ']' * 200000 + '\\n---\\nb: 1\\n'\n"
        "print([d.error or d.data for d in parse_documents(text, 'x')])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # Our own check, or the depth limit that libyaml itself has since PyYAML 6.0.3.
    assert "nested too deeply" in done.stdout or "maximum nesting depth" in done.stdout
    assert "{'b': 1}" in done.stdout


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("a: [1, 2]\nb: {c: d}\n", False),
        ("a: " + "[" * 200, True),
        ("- " * 100 + "x", False),
        ("- " * 200 + "x", True),
        ("description: " + "word " * 100 + "\n", False),
    ],
)
def test_deep_nesting_guard(text: str, risky: bool) -> None:
    assert yamlcore.may_nest_deeply(text) is risky


@pytest.mark.skipif(not yamlcore.LIBYAML, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("engine", ["libyaml-events", "python"])
def test_every_engine_reads_the_same(engine: str) -> None:
    text = "a: &x {b: [1, 2.5, true, null, on]}\nc: *x\nd: |\n  text\n"
    values = []
    for name in ("libyaml", engine):
        loader = yamlcore.new_loader(text, engine=name)
        assert loader.check_node()
        values.append(loader.construct_document(loader.get_node()))
        loader.dispose()
    expected = {
        "a": {"b": [1, 2.5, True, None, "on"]},
        "c": {"b": [1, 2.5, True, None, "on"]},
        "d": "text\n",
    }
    assert values == [expected, expected]
