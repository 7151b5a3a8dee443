"""`type: url` locations that are plain http(s) files (anything GitReader does not claim).

Listing does not touch the network: a URL names exactly one file, and its version is
unknown (None) until it is read. Reading follows up to MAX_REDIRECTS redirects (each
checked against the confinement of an API-registered source), refuses anything but a
2xx answer, and stops as soon as the body passes the size limit, so a huge or endless
response costs at most `max_file_bytes` of memory. `timeout` bounds the whole request,
not only each network wait, so a server that trickles bytes cannot hold a worker.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx

from greenroom.catalog.sources.base import FileRef, LocationReadError, redirect_refusal
from greenroom.catalog.sources.urls import redact, scheme_of

URL_PREFIX = "url:"
MAX_REDIRECTS = 10


class HttpReader:
    """Reads single files over http(s) with the application's httpx client."""

    def __init__(self, client: httpx.Client, *, max_file_bytes: int, timeout: float) -> None:
        self._client = client
        self._max_bytes = max_file_bytes
        self._timeout = timeout

    def can_read(self, location_type: str, target: str) -> bool:
        return location_type == "url" and scheme_of(target) in ("http", "https")

    def list_files(self, location_type: str, target: str) -> list[FileRef]:
        if not urlsplit(target).hostname:
            raise LocationReadError(f"{location_type}:{redact(target)}", "the URL has no host")
        return [FileRef(f"{URL_PREFIX}{target}", None)]

    def read_file(self, ref: FileRef) -> bytes:
        location = redact(ref.location)
        url = ref.location.removeprefix(URL_PREFIX)
        deadline = time.monotonic() + self._timeout
        request = self._client.build_request("GET", url, timeout=self._timeout)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = self._client.send(request, stream=True, follow_redirects=False)
                try:
                    if response.next_request is None:
                        return self._answer(response, location, deadline)
                    request = response.next_request
                finally:
                    response.close()
                self._check_redirect(str(request.url), location)
            raise LocationReadError(location, "too many redirects")
        except httpx.TimeoutException:
            raise LocationReadError(location, f"no answer within {self._timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise LocationReadError(location, f"could not fetch: {redact(str(exc))}") from None

    @staticmethod
    def _check_redirect(url: str, location: str) -> None:
        refuse = redirect_refusal.get()
        refusal = refuse(url) if refuse is not None else None
        if refusal is not None:
            raise LocationReadError(
                location, f"Not read: it redirects to {redact(url)}, and {refusal}"
            )

    def _answer(self, response: httpx.Response, location: str, deadline: float) -> bytes:
        if not response.is_success:
            raise LocationReadError(
                location, f"HTTP {response.status_code} {response.reason_phrase}".strip()
            )
        return self._body(response, location, deadline)

    def _body(self, response: httpx.Response, location: str, deadline: float) -> bytes:
        too_large = f"the file is larger than the limit of {self._max_bytes} bytes"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise LocationReadError(location, too_large)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise LocationReadError(location, too_large)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("deadline passed")
            chunks.append(chunk)
        return b"".join(chunks)
