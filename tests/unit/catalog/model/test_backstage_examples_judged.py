"""Backstage's own example catalog and sample templates are judged the way Backstage judges them.

The corpus lives outside the repository (`GREENROOM_BACKSTAGE_FIXTURES`, by default
/work/shared/fixtures); see its README, "How Backstage itself judges these files".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from greenroom.catalog.model import relations_of, validate_entity

FIXTURES = Path(os.environ.get("GREENROOM_BACKSTAGE_FIXTURES", "/work/shared/fixtures"))
CORPORA = ("backstage-examples", "backstage-templates")
# API definitions that entities pull in with `$text`; Backstage never reads them as entities.
NOT_ENTITIES = {
    "backstage-examples/apis/petstore.oas.yaml",
    "backstage-examples/apis/petstore-webhook.oas.yaml",
}
# Newer than Backstage's released API schema, which requires spec.definition.
REJECTED = {"backstage-examples/apis/backstage-mcp-server-api.yaml": ["spec.definition"]}


def _files() -> list[str]:
    return sorted(
        str(path.relative_to(FIXTURES))
        for corpus in CORPORA
        for path in (FIXTURES / corpus).glob("**/*.yaml")
    )


def _documents(relative: str) -> list[Any]:
    with (FIXTURES / relative).open(encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc is not None]


def _substitute_placeholders(value: Any) -> Any:
    # In the pipeline `$text`/`$json`/`$yaml` are resolved before validation; a stand-in
    # string takes the place of the fetched file here.
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("$text"), str):
            return "definition read from " + value["$text"]
        return {key: _substitute_placeholders(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute_placeholders(item) for item in value]
    return value


ENTITY_FILES = [name for name in _files() if name not in NOT_ENTITIES]


def test_the_corpus_is_present() -> None:
    assert len(ENTITY_FILES) >= 45, f"Backstage fixtures not found under {FIXTURES}"
    assert set(_files()) >= NOT_ENTITIES
    assert set(REJECTED) <= set(ENTITY_FILES)
    assert sum(len(_documents(name)) for name in ENTITY_FILES) >= 60


@pytest.mark.parametrize("relative", ENTITY_FILES)
def test_backstage_examples_are_judged_as_backstage_judges_them(relative: str) -> None:
    for doc in _documents(relative):
        entity = _substitute_placeholders(doc)
        issues = validate_entity(entity)
        assert [issue.field for issue in issues] == REJECTED.get(relative, []), issues
        if not issues:
            relations_of(entity)


@pytest.mark.parametrize("relative", sorted(NOT_ENTITIES))
def test_api_definition_files_are_not_entities(relative: str) -> None:
    (doc,) = _documents(relative)
    assert "openapi" in doc
    assert validate_entity(doc)


def test_an_example_reference_with_its_own_namespace_keeps_it() -> None:
    docs = _documents("backstage-examples/acme/team-a-group.yaml")
    (guest,) = [d for d in docs if d["metadata"].get("namespace") == "development"]
    assert [(str(r.source), r.type, str(r.target)) for r in relations_of(guest)] == [
        ("user:development/guest", "memberOf", "group:default/team-a"),
        ("group:default/team-a", "hasMember", "user:development/guest"),
    ]


def test_an_example_component_depends_on_its_database() -> None:
    (doc,) = _documents("backstage-examples/components/artist-lookup-component.yaml")
    produced = {(str(r.source), r.type, str(r.target)) for r in relations_of(doc)}
    assert ("component:default/artist-lookup", "dependsOn", "resource:default/artists-db") in (
        produced
    )
    assert ("resource:default/artists-db", "dependencyOf", "component:default/artist-lookup") in (
        produced
    )
