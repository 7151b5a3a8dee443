"""Git locations read from local repositories: forms, versions, errors and injection."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from greenroom.catalog.sources import (
    FileRef,
    GitReader,
    LocationReadError,
    discover_repositories,
    git_target,
)

from .conftest import blob_id, commit, git, make_repo

FILES: dict[str, str | bytes] = {
    "catalog-info.yaml": "kind: Component\n",
    "services/api/catalog-info.yaml": "kind: API\n",
    "services/web/catalog-info.yml": "kind: Component\nweb: true\n",
    "services/web/openapi.yaml": "openapi: 3.0.0\n",
    "docs/index.md": "# docs\n",
}


@pytest.fixture
def reader(tmp_path: Path) -> GitReader:
    return GitReader(max_file_bytes=1000, cache_dir=tmp_path / "cache")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "payments", FILES)


@pytest.fixture
def bare(repo: Path, tmp_path: Path) -> Path:
    git("clone", "-q", "--bare", repo, tmp_path / "payments.git")
    return tmp_path / "payments.git"


def read(reader: GitReader, target: str) -> dict[str, bytes]:
    refs = reader.list_files("url", target)
    contents = reader.read_files(refs)
    assert all(isinstance(value, bytes) for value in contents.values()), contents
    return {ref.location: value for ref, value in contents.items()}  # type: ignore[misc]


def test_non_bare_repository_by_path_reads_catalog_info_on_head(
    reader: GitReader, repo: Path
) -> None:
    (ref,) = reader.list_files("url", str(repo))

    assert ref.location == f"url:file://{repo}#main:catalog-info.yaml"
    assert ref.version == blob_id(repo, "main:catalog-info.yaml")
    assert reader.read_file(ref) == b"kind: Component\n"


def test_bare_repository_and_file_url(reader: GitReader, bare: Path) -> None:
    assert read(reader, f"file://{bare}") == {
        f"url:file://{bare}#main:catalog-info.yaml": b"kind: Component\n"
    }
    assert read(reader, str(bare)) == read(reader, f"file://{bare}")


def test_path_parameter_file_folder_and_glob(reader: GitReader, bare: Path) -> None:
    base = f"url:file://{bare}#main:"
    assert list(read(reader, f"{bare}?path=services/web/openapi.yaml")) == [
        base + "services/web/openapi.yaml"
    ]
    assert list(read(reader, f"{bare}?path=services")) == [
        base + "services/api/catalog-info.yaml",
        base + "services/web/catalog-info.yml",
    ]
    assert list(read(reader, f"{bare}?path=**/*.yaml")) == [
        base + "catalog-info.yaml",
        base + "services/api/catalog-info.yaml",
        base + "services/web/openapi.yaml",
    ]
    assert read(reader, f"{bare}?path=nothing/**/*.yaml") == {}


def test_the_canonical_location_round_trips(reader: GitReader, bare: Path) -> None:
    refs = reader.list_files("url", f"{bare}?path=services/**/catalog-info.*")
    for ref in refs:
        assert reader.list_files("url", ref.location.removeprefix("url:")) == [ref]
        unversioned = FileRef(ref.location, None)
        assert reader.read_file(unversioned) == reader.read_file(ref)


def test_branch_fragment_and_slashes_in_names(reader: GitReader, repo: Path) -> None:
    git("-C", repo, "checkout", "-q", "-b", "feature/new+api")
    commit(repo, {"catalog-info.yaml": "kind: Feature\n", "dir with #/catalog-info.yaml": "x"})
    git("-C", repo, "checkout", "-q", "main")

    assert read(reader, f"{repo}#feature/new+api") == {
        f"url:file://{repo}#feature/new+api:catalog-info.yaml": b"kind: Feature\n"
    }
    (ref,) = reader.list_files("url", f"{repo}?path=dir%20with%20%23/#feature/new+api")
    assert ref.location == f"url:file://{repo}#feature/new+api:dir%20with%20%23/catalog-info.yaml"
    assert reader.read_file(FileRef(ref.location, None)) == b"x"
    assert read(reader, str(repo)) == {f"url:file://{repo}#main:catalog-info.yaml": FILES_MAIN}


FILES_MAIN = b"kind: Component\n"


def test_versions_are_blob_ids_and_change_after_a_commit(reader: GitReader, repo: Path) -> None:
    (before,) = reader.list_files("url", str(repo))
    (web_before,) = reader.list_files("url", f"{repo}?path=services/web/catalog-info.yml")
    commit(repo, {"catalog-info.yaml": "kind: Component\nchanged: true\n"})
    (after,) = reader.list_files("url", str(repo))
    (web_after,) = reader.list_files("url", f"{repo}?path=services/web/catalog-info.yml")

    assert before.location == after.location
    assert before.version != after.version
    assert after.version == blob_id(repo, "main:catalog-info.yaml")
    assert web_before == web_after
    # A listed version keeps reading the content it was listed with.
    assert reader.read_file(before) == b"kind: Component\n"
    assert reader.read_file(after) == b"kind: Component\nchanged: true\n"


def test_only_committed_content_is_read(reader: GitReader, repo: Path) -> None:
    (repo / "catalog-info.yaml").write_text("uncommitted\n")
    (ref,) = reader.list_files("url", str(repo))
    assert reader.read_file(ref) == b"kind: Component\n"


def test_detached_head_and_tags(reader: GitReader, repo: Path) -> None:
    first = git("-C", repo, "rev-parse", "HEAD")
    git("-C", repo, "tag", "v1")
    commit(repo, {"catalog-info.yaml": "kind: Later\n"})
    git("-C", repo, "checkout", "-q", "--detach", first)

    assert read(reader, str(repo)) == {f"url:file://{repo}#{first}:catalog-info.yaml": FILES_MAIN}
    assert read(reader, f"{repo}#v1") == {f"url:file://{repo}#v1:catalog-info.yaml": FILES_MAIN}
    assert list(read(reader, f"{repo}#main").values()) == [b"kind: Later\n"]


def test_batch_reads_across_repositories_with_per_file_errors(
    reader: GitReader, repo: Path, bare: Path, tmp_path: Path
) -> None:
    other = make_repo(tmp_path / "other", {"catalog-info.yaml": "kind: Other\n"})
    refs = reader.list_files("url", str(repo)) + reader.list_files("url", str(other))
    missing = FileRef(f"url:file://{bare}#main:nope.yaml", None)
    gone = FileRef(f"url:file://{tmp_path}/gone.git#main:catalog-info.yaml", None)

    results = reader.read_files([*refs, missing, gone])

    assert results[refs[0]] == b"kind: Component\n"
    assert results[refs[1]] == b"kind: Other\n"
    assert str(results[missing]) == f"url:file://{bare}#main:nope.yaml: file not found"
    assert isinstance(results[gone], LocationReadError)
    assert "repository not found" in str(results[gone])


def test_files_over_the_limit_are_refused(reader: GitReader, repo: Path) -> None:
    commit(repo, {"big.yaml": "x" * 1001})
    (ref,) = reader.list_files("url", f"{repo}?path=big.yaml")
    with pytest.raises(LocationReadError, match="larger than the limit of 1000 bytes"):
        reader.read_file(ref)


def test_symbolic_links_are_not_followed(reader: GitReader, repo: Path) -> None:
    os.symlink("/etc/passwd", repo / "link.yaml")
    commit(repo, {})
    with pytest.raises(LocationReadError, match="symbolic link"):
        reader.list_files("url", f"{repo}?path=link.yaml")
    assert reader.list_files("url", f"{repo}?path=*.yaml") == reader.list_files("url", str(repo))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{tmp}/nowhere", "repository not found: {tmp}/nowhere"),
        ("{tmp}/plain", "not a git repository: {tmp}/plain"),
        ("{repo}#unknown", "branch, tag or commit 'unknown' not found in {repo}"),
        ("{repo}?path=missing.yaml", "file not found: missing.yaml at main"),
        ("{repo}?path=a&other=1", "unknown parameter 'other'"),
        ("file://host{repo}", "file URLs with a host are not supported"),
    ],
)
def test_clear_errors(
    reader: GitReader, repo: Path, tmp_path: Path, target: str, message: str
) -> None:
    (tmp_path / "plain").mkdir()
    target = target.format(tmp=tmp_path, repo=repo)
    with pytest.raises(LocationReadError) as caught:
        reader.list_files("url", target)
    assert caught.value.reason == message.format(tmp=tmp_path, repo=repo)
    assert caught.value.location == f"url:{target}"


@pytest.mark.parametrize(
    "target",
    [
        "--upload-pack=touch {tmp}/pwned",
        "-x",
        "{repo}#--output={tmp}/pwned",
        "{repo}#-x",
        "{repo}#main..HEAD",
        "{repo}#HEAD@{{1}}",
        "{repo}#main~1",
        "{repo}?path=../../etc/passwd",
        "{repo}?path=services/../../../etc/passwd",
        "{repo}#main:../../etc/passwd",
        "{repo}?path=-x",
        "{repo}?path=--output={tmp}/pwned",
        "{repo}?path=a%0Ab",
    ],
)
def test_injection_attempts_are_refused(
    reader: GitReader, repo: Path, tmp_path: Path, target: str
) -> None:
    target = target.format(tmp=tmp_path, repo=repo)
    if reader.can_read("url", target):
        with pytest.raises(LocationReadError):
            reader.list_files("url", target)
    else:
        assert not target.startswith(("/", "file:"))
    assert not (tmp_path / "pwned").exists()
    assert not Path("pwned").exists()


def test_pathspec_magic_is_a_literal_file_name(reader: GitReader, repo: Path) -> None:
    with pytest.raises(LocationReadError, match="file not found"):
        reader.list_files("url", f"{repo}?path=:(top)catalog-info.yaml")


def test_can_read_claims_local_and_hosting_git_targets_only(reader: GitReader) -> None:
    assert reader.can_read("url", "/srv/repos/x")
    assert reader.can_read("url", "file:///srv/repos/x.git")
    assert reader.can_read("url", "https://git.example.com/team/x.git?path=a.yaml#main")
    assert reader.can_read("url", "https://github.com/o/r/blob/main/catalog-info.yaml")
    assert reader.can_read("url", "https://gitlab.com/g/sub/r/-/tree/main/dir")
    assert reader.can_read("url", "https://codeberg.org/o/r/src/branch/main/catalog-info.yaml")
    assert not reader.can_read("url", "https://example.com/files/catalog-info.yaml")
    assert not reader.can_read("file", "/srv/repos/x")


def test_discover_repositories(tmp_path: Path, repo: Path, bare: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "notes.txt").write_text("")
    git("init", "-q", "--bare", tmp_path / "empty.git")

    assert discover_repositories(tmp_path) == [
        str(tmp_path / "empty.git"),
        str(repo),
        str(bare),
    ]
    with pytest.raises(LocationReadError, match="folder not found"):
        discover_repositories(tmp_path / "missing")


def test_an_empty_repository_reports_its_missing_branch(reader: GitReader, tmp_path: Path) -> None:
    git("init", "-q", "--bare", tmp_path / "empty.git")
    with pytest.raises(LocationReadError, match="'main' not found"):
        reader.list_files("url", str(tmp_path / "empty.git"))


def test_git_target_builds_safe_targets(reader: GitReader, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "odd name", {"c++ & more/catalog-info.yaml": "odd\n"})
    target = git_target(str(repo), path="c++ & more/catalog-info.yaml", ref="main")

    assert target == f"file://{tmp_path}/odd%20name?path=c++%20%26%20more/catalog-info.yaml#main"
    assert list(read(reader, target).values()) == [b"odd\n"]
    with pytest.raises(LocationReadError, match="invalid branch"):
        git_target(str(repo), ref="--foo")


def test_a_plain_file_is_not_a_repository(reader: GitReader, repo: Path) -> None:
    with pytest.raises(LocationReadError, match="is a file"):
        reader.list_files("url", str(repo / "catalog-info.yaml"))
