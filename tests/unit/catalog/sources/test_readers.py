"""Choosing a reader for a target, and the default reader list."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from greenroom.catalog.sources import (
    FileReader,
    GitReader,
    HttpReader,
    LocationReadError,
    build_default_readers,
    read_all,
)

from .conftest import make_repo


def test_default_readers_route_targets(tmp_path: Path, http_client: httpx.Client) -> None:
    readers = build_default_readers(1000, tmp_path / "cache", http_client)

    assert isinstance(readers.for_target("file", "/srv/x.yaml"), FileReader)
    assert isinstance(readers.for_target("url", "/srv/repos/x"), GitReader)
    assert isinstance(readers.for_target("url", "file:///srv/repos/x.git"), GitReader)
    assert isinstance(readers.for_target("url", "https://github.com/o/r/blob/m/c.yaml"), GitReader)
    assert isinstance(readers.for_target("url", "https://example.com/c.yaml"), HttpReader)


def test_no_reader_is_a_location_read_error(tmp_path: Path, http_client: httpx.Client) -> None:
    readers = build_default_readers(1000, tmp_path / "cache", http_client)
    with pytest.raises(LocationReadError) as caught:
        readers.for_target("github-org", "https://github.com/acme")
    assert caught.value.reason == ("No reader is able to handle github-org:https://github.com/acme")


def test_read_all_batches_and_reports_per_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"catalog-info.yaml": "a\n", "b/catalog-info.yaml": "b\n"})
    reader = GitReader(1000, tmp_path / "cache")
    refs = reader.list_files("url", f"{repo}?path=b/")
    assert read_all(reader, refs) == {refs[0]: b"b\n"}
