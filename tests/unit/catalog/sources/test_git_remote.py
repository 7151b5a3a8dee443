"""Remote git repositories, mirrored into the cache; served by a real local HTTP server.

git's "dumb" HTTP protocol needs nothing but static files, so the test server is the
same http.server the http reader's tests use.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from greenroom.catalog.sources import GitReader, LocationReadError, resolve_target, view_urls
from greenroom.catalog.sources.base import redirect_refusal

from .conftest import blob_id, commit, git, publish

ServeRepo = Callable[[str, dict[str, str | bytes]], Path]


@pytest.fixture
def reader(tmp_path: Path) -> GitReader:
    return GitReader(
        max_file_bytes=10_000,
        cache_dir=tmp_path / "cache",
        min_fetch_interval=0,
        network_timeout=30,
    )


def test_hosting_url_is_mirrored_and_read_with_canonical_blob_locations(
    reader: GitReader, http_server: str, served_repo: ServeRepo, tmp_path: Path
) -> None:
    work = served_repo("org/payments", {"catalog-info.yaml": "a: 1\n", "apis/x.yaml": "b: 2\n"})

    (ref,) = reader.list_files("url", f"{http_server}/org/payments/blob/main/catalog-info.yaml")

    assert ref.location == f"url:{http_server}/org/payments/blob/main/catalog-info.yaml"
    assert ref.version == blob_id(work, "main:catalog-info.yaml")
    assert reader.read_file(ref) == b"a: 1\n"
    assert len(list((tmp_path / "cache").glob("*.git"))) == 1


def test_a_confined_clone_does_not_follow_a_redirect_to_another_host(
    reader: GitReader, http_server: str, served_repo: ServeRepo
) -> None:
    # Published at /moved; asked for as the repository "elsewhere/moved", which the
    # server redirects to http://localhost:<port>/moved.
    served_repo("moved", {"catalog-info.yaml": "a: 1\n"})
    target = f"{http_server}/elsewhere/moved/blob/main/catalog-info.yaml"
    token = redirect_refusal.set(lambda url: "not allowed")
    try:
        with pytest.raises(LocationReadError) as caught:
            reader.list_files("url", target)
    finally:
        redirect_refusal.reset(token)
    assert "302" in caught.value.reason
    # Trusted, the same URL is cloned through the redirect.
    (ref,) = reader.list_files("url", target)
    assert reader.read_file(ref) == b"a: 1\n"


def test_tree_urls_list_folders_and_fetch_sees_new_commits(
    reader: GitReader, http_server: str, served_repo: ServeRepo, web_root: Path
) -> None:
    work = served_repo("org/svc", {"a/catalog-info.yaml": "v: 1\n", "a/b/catalog-info.yml": "x"})
    target = f"{http_server}/org/svc/tree/main/a"

    first = reader.list_files("url", target)
    commit(work, {"a/catalog-info.yaml": "v: 2\n"})
    publish(work, web_root / "org/svc")
    second = reader.list_files("url", target)

    assert [ref.location for ref in first] == [
        f"url:{http_server}/org/svc/blob/main/a/b/catalog-info.yml",
        f"url:{http_server}/org/svc/blob/main/a/catalog-info.yaml",
    ]
    assert first[0] == second[0]
    assert first[1].version != second[1].version
    assert reader.read_files(second)[second[1]] == b"v: 2\n"


def test_branches_with_slashes_are_split_using_the_remote_refs(
    reader: GitReader, http_server: str, served_repo: ServeRepo, web_root: Path
) -> None:
    work = served_repo("org/app", {"catalog-info.yaml": "main\n"})
    git("-C", work, "checkout", "-q", "-b", "release/2024")
    commit(work, {"deploy/catalog-info.yaml": "release\n"})
    git("-C", work, "push", "-q", web_root / "org/app", "release/2024")
    git("--git-dir", web_root / "org/app", "update-server-info")

    (ref,) = reader.list_files(
        "url", f"{http_server}/org/app/blob/release/2024/deploy/catalog-info.yaml"
    )

    assert reader.read_file(ref) == b"release\n"
    sibling = resolve_target(ref.location, "../catalog-info.yaml", target_type=None)
    assert sibling == f"{http_server}/org/app/blob/release/2024/catalog-info.yaml"
    (sibling_ref,) = reader.list_files("url", sibling)
    assert reader.read_file(sibling_ref) == b"main\n"
    with pytest.raises(LocationReadError, match="leaves the repository"):
        resolve_target(ref.location, "../../../../x.yaml", target_type=None)


def test_dot_git_urls_with_path_and_branch(
    reader: GitReader, http_server: str, served_repo: ServeRepo
) -> None:
    served_repo("org/infra.git", {"teams/a/catalog-info.yaml": "t: a\n"})

    (ref,) = reader.list_files("url", f"{http_server}/org/infra.git?path=teams/*/catalog-*#main")

    assert ref.location == f"url:{http_server}/org/infra.git#main:teams/a/catalog-info.yaml"
    assert reader.read_file(ref) == b"t: a\n"
    assert view_urls(ref.location) == {
        "backstage.io/managed-by-location": ref.location,
        "backstage.io/source-location": f"url:{http_server}/org/infra.git#main:teams/a/",
    }


def test_credentials_never_appear_in_locations_or_errors(
    reader: GitReader, http_server: str, served_repo: ServeRepo
) -> None:
    served_repo("org/private.git", {"catalog-info.yaml": "p: 1\n"})
    host = http_server.removeprefix("http://")

    (ref,) = reader.list_files("url", f"http://bot:s3cret@{host}/org/private.git")
    with pytest.raises(LocationReadError) as caught:
        reader.list_files("url", f"http://bot:s3cret@{host}/org/missing.git")

    assert ref.location == f"url:{http_server}/org/private.git#main:catalog-info.yaml"
    assert reader.read_file(ref) == b"p: 1\n"
    assert "s3cret" not in str(caught.value)
    assert "could not fetch the repository" in str(caught.value)


def test_an_unreachable_host_is_a_clean_error(reader: GitReader) -> None:
    with pytest.raises(LocationReadError) as caught:
        reader.list_files("url", "http://127.0.0.1:9/org/repo/blob/main/catalog-info.yaml")
    assert caught.value.reason.startswith("could not fetch the repository http://127.0.0.1:9/")


def test_worker_threads_share_one_mirror(
    reader: GitReader, http_server: str, served_repo: ServeRepo, tmp_path: Path
) -> None:
    served_repo("org/shared.git", {"catalog-info.yaml": "s: 1\n"})
    target = f"{http_server}/org/shared.git"

    with ThreadPoolExecutor(4) as pool:
        listings = list(pool.map(lambda _: reader.list_files("url", target), range(8)))

    assert all(listing == listings[0] for listing in listings)
    (mirror,) = (tmp_path / "cache").iterdir()  # one mirror, no half-cloned leftovers
    assert mirror.name.endswith(".git")
    assert not mirror.name.startswith(".")
