"""Relative targets against file, git and http locations; Backstage's location annotations."""

from __future__ import annotations

import pytest

from greenroom.catalog.sources import LocationReadError, resolve_target, view_urls

GIT_FILE = "url:file:///srv/repos/payments.git#main:services/api/catalog-info.yaml"
GITHUB_FILE = "url:https://github.com/acme/payments/blob/main/services/catalog-info.yaml"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("./x.yaml", "/srv/org/team/x.yaml"),
        ("x.yaml", "/srv/org/team/x.yaml"),
        ("../apis/y.yaml", "/srv/org/apis/y.yaml"),
        ("/etc/elsewhere.yaml", "/etc/elsewhere.yaml"),
        ("https://example.com/a.yaml", "https://example.com/a.yaml"),
    ],
)
def test_file_locations(target: str, expected: str) -> None:
    base = "file:/srv/org/team/catalog-info.yaml"
    assert resolve_target(base, target, target_type=None) == expected
    assert resolve_target(base, target, target_type="file") == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("./openapi.yaml", "file:///srv/repos/payments.git#main:services/api/openapi.yaml"),
        ("../web/", "file:///srv/repos/payments.git#main:services/web/"),
        ("../../catalog-info.yaml", "file:///srv/repos/payments.git#main:catalog-info.yaml"),
        ("/docs/x.md", "file:///srv/repos/payments.git#main:docs/x.md"),
        ("a b#c.yaml", "file:///srv/repos/payments.git#main:services/api/a%20b%23c.yaml"),
        ("https://example.com/a.yaml", "https://example.com/a.yaml"),
    ],
)
def test_git_fragment_locations(target: str, expected: str) -> None:
    assert resolve_target(GIT_FILE, target, target_type="url") == expected


def test_git_targets_without_a_ref_keep_following_head() -> None:
    base = "url:/srv/repos/payments?path=teams/catalog-info.yaml"
    assert resolve_target(base, "./a.yaml", target_type=None) == (
        "file:///srv/repos/payments?path=teams/a.yaml"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("./api.yaml", "https://github.com/acme/payments/blob/main/services/api.yaml"),
        ("../catalog-info.yaml", "https://github.com/acme/payments/blob/main/catalog-info.yaml"),
        ("sub/", "https://github.com/acme/payments/tree/main/services/sub/"),
        ("/README.md", "https://github.com/acme/payments/blob/main/README.md"),
    ],
)
def test_hosting_locations(target: str, expected: str) -> None:
    assert resolve_target(GITHUB_FILE, target, target_type=None) == expected


def test_gitlab_style_is_kept() -> None:
    base = "url:https://gitlab.example.com/g/sub/repo/-/blob/main/catalog-info.yaml"
    assert resolve_target(base, "./x.yaml", target_type=None) == (
        "https://gitlab.example.com/g/sub/repo/-/blob/main/x.yaml"
    )


@pytest.mark.parametrize(
    "base", [GIT_FILE, GITHUB_FILE, "url:/srv/repos/payments#main:catalog-info.yaml"]
)
@pytest.mark.parametrize("target", ["../../../../etc/passwd", "../../../..", "/../x.yaml"])
def test_leaving_a_git_repository_is_refused(base: str, target: str) -> None:
    with pytest.raises(LocationReadError, match="leaves the repository"):
        resolve_target(base, target, target_type=None)


def test_http_locations_use_url_resolution() -> None:
    base = "url:https://example.com/catalog/team/catalog-info.yaml"
    assert resolve_target(base, "../apis/a.yaml", target_type=None) == (
        "https://example.com/catalog/apis/a.yaml"
    )
    assert resolve_target(base, "/root.yaml", target_type=None) == "https://example.com/root.yaml"


def test_a_relative_target_of_another_type_cannot_be_resolved() -> None:
    with pytest.raises(LocationReadError, match="cannot be resolved against url:"):
        resolve_target(GITHUB_FILE, "./local.yaml", target_type="file")
    assert resolve_target(GITHUB_FILE, "/srv/x.yaml", target_type="file") == "/srv/x.yaml"


def test_view_urls_for_a_github_file() -> None:
    assert view_urls(GITHUB_FILE) == {
        "backstage.io/managed-by-location": GITHUB_FILE,
        "backstage.io/view-url": GITHUB_FILE.removeprefix("url:"),
        "backstage.io/edit-url": "https://github.com/acme/payments/edit/main/services/catalog-info.yaml",
        "backstage.io/source-location": "url:https://github.com/acme/payments/blob/main/services/",
    }


def test_view_urls_for_gitlab_and_gitea_edit_pages() -> None:
    gitlab = view_urls("url:https://gitlab.com/g/r/-/blob/main/catalog-info.yaml")
    gitea = view_urls("url:https://codeberg.org/o/r/src/branch/main/catalog-info.yaml")
    assert gitlab["backstage.io/edit-url"] == "https://gitlab.com/g/r/-/edit/main/catalog-info.yaml"
    assert gitea["backstage.io/edit-url"] == "https://codeberg.org/o/r/_edit/main/catalog-info.yaml"


def test_view_urls_for_local_git_http_and_file_locations() -> None:
    assert view_urls(GIT_FILE) == {
        "backstage.io/managed-by-location": GIT_FILE,
        "backstage.io/source-location": "url:file:///srv/repos/payments.git#main:services/api/",
    }
    assert view_urls("url:https://bot:token@example.com/c/catalog-info.yaml") == {
        "backstage.io/managed-by-location": "url:https://example.com/c/catalog-info.yaml",
        "backstage.io/view-url": "https://example.com/c/catalog-info.yaml",
        "backstage.io/source-location": "url:https://example.com/c/",
    }
    assert view_urls("file:/srv/org/catalog-info.yaml") == {
        "backstage.io/managed-by-location": "file:/srv/org/catalog-info.yaml"
    }
