"""Backstage's own example catalog, read from /work/shared/fixtures (read-only)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from greenroom.catalog.sources import (
    FileReader,
    LocationReaders,
    build_default_readers,
    parse_documents,
    resolve_placeholders,
    view_urls,
)

from .conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="fixtures not present")


@pytest.fixture
def readers(tmp_path: Path, http_client: httpx.Client) -> LocationReaders:
    return build_default_readers(5 * 1024 * 1024, tmp_path / "cache", http_client, http_timeout=2.0)


def test_every_example_file_parses_into_objects() -> None:
    reader = FileReader(5 * 1024 * 1024)
    refs = reader.list_files("file", f"{EXAMPLES}/**/*.yaml")
    entities = 0
    for ref in refs:
        for document in parse_documents(reader.read_file(ref), ref.location):
            assert document.error is None, (ref.location, document.error)
            assert document.data is not None
            if "kind" in document.data:
                entities += 1
    assert len(refs) > 40
    assert entities > 40


def test_petstore_webhook_text_placeholder_resolves(readers: LocationReaders) -> None:
    location = f"file:{EXAMPLES}/apis/petstore-webhook-api.yaml"
    (document,) = parse_documents(
        (EXAMPLES / "apis/petstore-webhook-api.yaml").read_bytes(), location
    )
    assert document.data is not None

    result, issues, refs = resolve_placeholders(document.data, location, readers)

    assert issues == []
    definition = result["spec"]["definition"]
    assert definition == (EXAMPLES / "apis/petstore-webhook.oas.yaml").read_text()
    assert [ref.location for ref in refs] == [f"file:{EXAMPLES}/apis/petstore-webhook.oas.yaml"]
    assert view_urls(location) == {"backstage.io/managed-by-location": location}


@pytest.mark.parametrize(
    "name", ["spotify-api.yaml", "wayback-archive-api.yaml", "wayback-search-api.yaml"]
)
def test_offline_https_text_placeholders_give_a_clean_issue(
    readers: LocationReaders, name: str
) -> None:
    location = f"file:{EXAMPLES}/apis/{name}"
    (document,) = parse_documents((EXAMPLES / "apis" / name).read_bytes(), location)
    assert document.data is not None
    started = time.monotonic()

    result, issues, refs = resolve_placeholders(document.data, location, readers)

    assert time.monotonic() - started < 10
    (issue,) = issues
    target = document.data["spec"]["definition"]["$text"]
    assert issue.path == ("spec", "definition")
    assert issue.message.startswith(f"Placeholder $text could not read location {target}: ")
    assert "could not fetch" in issue.message
    assert "Traceback" not in issue.message
    assert result["spec"]["definition"] == {"$text": target}
    assert refs == []
