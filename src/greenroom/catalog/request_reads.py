"""Reading a location while a person waits (dry runs, analyses): bounded in time and number.

The processing loop reads sources in the background, where a slow clone costs
nobody a request. A dry run or an analysis reads in the request: git may take
minutes on a large remote repository, so the answer is given up after a time
limit (the read goes on in its thread and ends with git's own timeout), and only
a few such reads run at once, so repeated requests cannot take every thread.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from greenroom.catalog.outcome import FileState, SourceOutcome
from greenroom.catalog.processing import SourceProcessor, SourceSpec
from greenroom.catalog.sources.urls import redact
from greenroom.errors import UnavailableError


class RequestReads:
    """A SourceProcessor's `process` for request time: at most `concurrency` reads at once."""

    def __init__(self, processor: SourceProcessor, *, timeout: float, concurrency: int) -> None:
        self.processor = processor
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._threads = ThreadPoolExecutor(
            max_workers=max(1, concurrency), thread_name_prefix="catalog-request-read"
        )

    def process(
        self, source: SourceSpec, previous: Mapping[str, FileState] | None = None
    ) -> SourceOutcome:
        """Read `source` now; UnavailableError when busy or when it takes too long."""
        if not self._slots.acquire(blocking=False):
            raise UnavailableError(
                "Other locations are being read for dry runs or analyses right now; "
                "try again in a moment"
            )
        try:
            future = self._threads.submit(self.processor.process, source, previous or {})
        except BaseException:
            self._slots.release()
            raise
        # The slot is held until the read ends, even when the request stops waiting.
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            raise UnavailableError(
                f"Reading {source.type}:{redact(source.target)} took longer than "
                f"{self.timeout:g} s (catalog.request_read_timeout_seconds). Register the "
                "location without a dry run: the catalog reads it in the background and "
                "reports any error on its Location entity."
            ) from None
