"""How an issue's path is written for people; the caller finds the YAML line from the tuple."""

from __future__ import annotations

import pytest

from greenroom.catalog.model import ValidationIssue, render_path


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ((), ""),
        (("apiVersion",), "apiVersion"),
        (("spec", "owner"), "spec.owner"),
        (("metadata", "tags", 2), "metadata.tags[2]"),
        (("metadata", "annotations", "backstage.io/x"), 'metadata.annotations["backstage.io/x"]'),
        (("metadata", "labels", "my-label"), 'metadata.labels["my-label"]'),
        (("metadata", "links", 0, "url"), "metadata.links[0].url"),
        (("spec", "steps", 1, "action"), "spec.steps[1].action"),
        (("a b",), '["a b"]'),
        (("metadata", "labels", 'say "hi"'), 'metadata.labels["say \\"hi\\""]'),
        (("3",), '["3"]'),
    ],
)
def test_render_path(path: tuple[str | int, ...], field: str) -> None:
    assert render_path(path) == field
    assert ValidationIssue(path, "m").field == field


def test_an_issue_reads_as_its_message() -> None:
    assert str(ValidationIssue(("spec",), '"spec" is missing')) == '"spec" is missing'
