"""`type: file` locations: a file, a folder of catalog files, a glob; limits and errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from greenroom.catalog.sources import FileReader, FileRef, LocationReadError
from greenroom.catalog.sources.readers import read_all

from .conftest import write_files


@pytest.fixture
def reader() -> FileReader:
    return FileReader(max_file_bytes=1000)


def test_a_file_is_listed_with_its_absolute_location_and_read(
    reader: FileReader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"org/catalog-info.yaml": "kind: Component\n"})
    monkeypatch.chdir(tmp_path / "org")

    (ref,) = reader.list_files("file", "./catalog-info.yaml")

    assert ref.location == f"file:{tmp_path}/org/catalog-info.yaml"
    stat = os.stat(tmp_path / "org/catalog-info.yaml")
    assert ref.version == f"{stat.st_mtime_ns}:{stat.st_size}"
    assert reader.read_file(ref) == b"kind: Component\n"


def test_the_version_changes_when_the_file_changes(reader: FileReader, tmp_path: Path) -> None:
    path = tmp_path / "catalog-info.yaml"
    path.write_text("a: 1\n")
    (before,) = reader.list_files("file", str(path))
    path.write_text("a: 22\n")
    (after,) = reader.list_files("file", str(path))
    assert before.version != after.version


def test_a_folder_means_every_catalog_file_below_it(reader: FileReader, tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "catalog-info.yaml": "a",
            "svc/one/catalog-info.yml": "b",
            "svc/two/catalog-info.yaml": "c",
            "svc/two/other.yaml": "not a catalog file",
            "svc/.git/catalog-info.yaml": "inside .git",
            "web/node_modules/pkg/catalog-info.yaml": "inside node_modules",
        },
    )

    refs = reader.list_files("file", str(tmp_path))

    assert [ref.location.removeprefix(f"file:{tmp_path}/") for ref in refs] == [
        "catalog-info.yaml",
        "svc/one/catalog-info.yml",
        "svc/two/catalog-info.yaml",
    ]


def test_a_glob_matches_recursively_without_dot_folders(reader: FileReader, tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "a/x.yaml": "",
            "a/b/c/y.yaml": "",
            "a/b/c/z.json": "",
            "a/.github/workflows/ci.yaml": "",
            "a/node_modules/m/n.yaml": "",
        },
    )

    refs = reader.list_files("file", f"{tmp_path}/a/**/*.yaml")

    assert [ref.location for ref in refs] == [
        f"file:{tmp_path}/a/b/c/y.yaml",
        f"file:{tmp_path}/a/x.yaml",
    ]


def test_a_single_level_glob(reader: FileReader, tmp_path: Path) -> None:
    write_files(tmp_path, {"t/one/catalog-info.yaml": "", "t/one/deeper/catalog-info.yaml": ""})
    refs = reader.list_files("file", f"{tmp_path}/t/*/catalog-info.yaml")
    assert [ref.location for ref in refs] == [f"file:{tmp_path}/t/one/catalog-info.yaml"]


def test_a_glob_matching_nothing_is_empty_not_an_error(reader: FileReader, tmp_path: Path) -> None:
    assert reader.list_files("file", f"{tmp_path}/nowhere/**/*.yaml") == []


def test_a_missing_file_is_an_error(reader: FileReader, tmp_path: Path) -> None:
    with pytest.raises(LocationReadError, match="file not found") as caught:
        reader.list_files("file", str(tmp_path / "missing.yaml"))
    assert caught.value.location == f"file:{tmp_path}/missing.yaml"


def test_a_file_removed_after_listing_is_an_error_on_read(
    reader: FileReader, tmp_path: Path
) -> None:
    with pytest.raises(LocationReadError, match="file not found"):
        reader.read_file(FileRef(f"file:{tmp_path}/gone.yaml", None))


def test_a_file_over_the_limit_is_refused_naming_file_and_limit(
    reader: FileReader, tmp_path: Path
) -> None:
    (tmp_path / "big.yaml").write_bytes(b"x" * 1001)
    (tmp_path / "exact.yaml").write_bytes(b"x" * 1000)
    (big,) = reader.list_files("file", str(tmp_path / "big.yaml"))
    (exact,) = reader.list_files("file", str(tmp_path / "exact.yaml"))

    with pytest.raises(LocationReadError) as caught:
        reader.read_file(big)

    assert str(caught.value) == (
        f"file:{tmp_path}/big.yaml: the file is larger than the limit of 1000 bytes"
    )
    assert reader.read_file(exact) == b"x" * 1000
    results = read_all(reader, [big, exact])
    assert isinstance(results[big], LocationReadError)
    assert results[exact] == b"x" * 1000


def test_only_file_locations_are_claimed(reader: FileReader) -> None:
    assert reader.can_read("file", "/srv/x.yaml")
    assert not reader.can_read("url", "/srv/x.yaml")
