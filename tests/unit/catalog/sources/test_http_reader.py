"""Plain http(s) files read with httpx from a real local server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from greenroom.catalog.sources import FileRef, HttpReader, LocationReadError
from greenroom.catalog.sources.base import redirect_refusal


@pytest.fixture
def reader(http_client: httpx.Client) -> HttpReader:
    return HttpReader(http_client, max_file_bytes=1000, timeout=2.0)


def test_a_url_is_one_file_with_an_unknown_version(reader: HttpReader) -> None:
    assert reader.list_files("url", "https://example.com/c.yaml") == [
        FileRef("url:https://example.com/c.yaml", None)
    ]


def test_200_returns_the_body(reader: HttpReader, http_server: str, web_root: Path) -> None:
    (web_root / "catalog-info.yaml").write_text("kind: Component\n")
    (ref,) = reader.list_files("url", f"{http_server}/catalog-info.yaml")
    assert reader.read_file(ref) == b"kind: Component\n"


def test_redirects_are_followed(reader: HttpReader, http_server: str, web_root: Path) -> None:
    (web_root / "moved.yaml").write_text("moved: true\n")
    assert reader.read_file(FileRef(f"url:{http_server}/redirect/moved.yaml", None)) == (
        b"moved: true\n"
    )


def test_a_confined_read_refuses_a_redirect_to_a_host_it_may_not_read(
    reader: HttpReader, http_server: str, web_root: Path
) -> None:
    (web_root / "c.yaml").write_text("kind: Component\n")
    ref = FileRef(f"url:{http_server}/elsewhere/c.yaml", None)
    assert reader.read_file(ref) == b"kind: Component\n"  # trusted: redirects are followed

    def refuse_localhost(url: str) -> str | None:
        return "host localhost is not allowed" if "//localhost:" in url else None

    token = redirect_refusal.set(refuse_localhost)
    try:
        with pytest.raises(LocationReadError) as caught:
            reader.read_file(ref)
        # A redirect within the allowed host is still followed.
        assert reader.read_file(FileRef(f"url:{http_server}/redirect/c.yaml", None)) == (
            b"kind: Component\n"
        )
    finally:
        redirect_refusal.reset(token)
    assert "Not read: it redirects to http://localhost:" in caught.value.reason
    assert "host localhost is not allowed" in caught.value.reason


def test_endless_redirects_are_an_error(reader: HttpReader, http_server: str) -> None:
    # /redirect/redirect/... strips one step per hop: eleven hops is over the limit.
    target = f"{http_server}/" + "redirect/" * 11 + "c.yaml"
    with pytest.raises(LocationReadError) as caught:
        reader.read_file(FileRef(f"url:{target}", None))
    assert caught.value.reason == "too many redirects"


def test_404_is_an_error_with_the_status(reader: HttpReader, http_server: str) -> None:
    with pytest.raises(LocationReadError) as caught:
        reader.read_file(FileRef(f"url:{http_server}/missing.yaml", None))
    assert str(caught.value) == f"url:{http_server}/missing.yaml: HTTP 404 File not found"


def test_too_large_is_refused_by_length_and_while_streaming(
    reader: HttpReader, http_server: str, web_root: Path
) -> None:
    (web_root / "big.yaml").write_bytes(b"x" * 1001)
    for path in ("big.yaml", "endless"):
        with pytest.raises(LocationReadError, match="larger than the limit of 1000 bytes"):
            reader.read_file(FileRef(f"url:{http_server}/{path}", None))


def test_an_unreachable_host_fails_fast_and_clean(http_client: httpx.Client) -> None:
    reader = HttpReader(http_client, max_file_bytes=1000, timeout=2.0)
    started = time.monotonic()
    with pytest.raises(LocationReadError) as caught:
        reader.read_file(FileRef("url:https://user:pw@greenroom.invalid/x.yaml", None))
    assert time.monotonic() - started < 5
    assert str(caught.value).startswith("url:https://greenroom.invalid/x.yaml: could not fetch")
    assert "pw" not in str(caught.value)


def test_only_http_urls_are_claimed(reader: HttpReader) -> None:
    assert reader.can_read("url", "http://h/x.yaml")
    assert reader.can_read("url", "HTTPS://h/x.yaml")
    assert not reader.can_read("url", "file:///x.yaml")
    assert not reader.can_read("file", "http://h/x.yaml")
    with pytest.raises(LocationReadError, match="no host"):
        reader.list_files("url", "http:///x.yaml")
