"""Where sources are processed: in this process, or in worker processes.

Reading and parsing YAML is CPU work that holds the GIL; writing to the
database mostly does not. With `catalog.processing_workers` > 0, sources are
processed in separate processes while this one writes the previous results,
so ingestion uses both cores of a small machine.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

import httpx

from greenroom.catalog.confinement import Confinement
from greenroom.catalog.outcome import FileState, SourceOutcome
from greenroom.catalog.processing import SourceProcessor, SourceSpec
from greenroom.catalog.sources.base import LocationReader
from greenroom.catalog.sources.readers import LocationReaders, build_default_readers
from greenroom.catalog.sources.urls import redact
from greenroom.ops.logging import configure_logging, request_id_var
from greenroom.plugins import get_plugin_manager
from greenroom.settings import Settings

log = logging.getLogger(__name__)

Job = tuple[SourceSpec, Mapping[str, FileState]]
Result = tuple[SourceOutcome | None, str | None, float]
"""(outcome, error message when processing failed, seconds spent)."""


def build_processor(settings: Settings) -> SourceProcessor:
    """A processor with the plugins' location readers first, then the built-in ones."""
    catalog = settings.catalog
    defaults = build_default_readers(
        max_file_bytes=catalog.max_file_bytes,
        cache_dir=settings.data_dir / "git-cache",
        http_client=httpx.Client(timeout=catalog.http_timeout_seconds, follow_redirects=True),
        http_timeout=catalog.http_timeout_seconds,
    )
    extra: list[LocationReader] = [
        reader
        for readers in get_plugin_manager().hook.catalog_location_readers(settings=settings)
        for reader in readers
    ]
    entity_readers = {
        provider.name: provider
        for providers in get_plugin_manager().hook.catalog_entity_providers(settings=settings)
        for provider in providers
        if hasattr(provider, "read_entities")
    }
    return SourceProcessor(
        LocationReaders([*extra, *defaults]),
        max_depth=catalog.max_location_depth,
        entity_readers=entity_readers,
        confinement=Confinement.of(
            catalog.registration_file_roots, catalog.registration_allowed_hosts
        ),
    )


def process_job(processor: SourceProcessor, job: Job) -> Result:
    spec, previous = job
    started = time.perf_counter()
    token = request_id_var.set(f"source:{redact(spec.key)[:48]}")
    try:
        return processor.process(spec, previous), None, time.perf_counter() - started
    except Exception as exc:
        # One broken source must not stop the others: log it and report it on the source.
        log.exception("processing source %s failed", redact(spec.key))
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - started
    finally:
        request_id_var.reset(token)


class Processing(Protocol):
    processor: SourceProcessor

    def run(self, jobs: Sequence[Job]) -> Iterator[Result]: ...

    def shutdown(self) -> None: ...


class InlineProcessing:
    """Processes sources one by one in this process (tests, the CLI, small catalogs)."""

    def __init__(self, processor: SourceProcessor) -> None:
        self.processor = processor

    def run(self, jobs: Sequence[Job]) -> Iterator[Result]:
        for job in jobs:
            yield process_job(self.processor, job)

    def shutdown(self) -> None:
        return None


_child_processor: SourceProcessor | None = None


def _start_child(settings: Settings) -> None:
    global _child_processor
    configure_logging(settings)
    _child_processor = build_processor(settings)


def _run_in_child(job: Job) -> Result:
    assert _child_processor is not None, "worker process was not initialised"
    outcome, error, seconds = process_job(_child_processor, job)
    if outcome is not None:
        outcome.pack()  # the writer needs rows, not parsed bodies: a smaller, cheaper pickle
    return outcome, error, seconds


class PooledProcessing:
    """Processes sources in worker processes; results come back in order, as they finish."""

    def __init__(self, settings: Settings, workers: int, processor: SourceProcessor) -> None:
        self.processor = processor  # dry runs and analysis still run here
        self.settings = settings
        self.workers = workers
        self.executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn, not fork: the serving process has threads, and forking those is unsafe.
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_child,
            initargs=(self.settings,),
        )

    def run(self, jobs: Sequence[Job]) -> Iterator[Result]:
        jobs = list(jobs)
        try:
            results = self.executor.map(_run_in_child, jobs)
        except BrokenProcessPool:
            self._replace_executor()
            results = self.executor.map(_run_in_child, jobs)
        return self._results(jobs, results)

    def _results(self, jobs: list[Job], results: Iterator[Result]) -> Iterator[Result]:
        done = 0
        try:
            for result in results:
                done += 1
                yield result
        except BrokenProcessPool:
            # A worker died (killed for memory, say): finish this batch here, and start
            # a new pool for the next one rather than failing every batch from now on.
            self._replace_executor()
            for job in jobs[done:]:
                yield process_job(self.processor, job)

    def _replace_executor(self) -> None:
        log.error("a catalog worker process died; starting a new pool")
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new_executor()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def build_processing(settings: Settings) -> Processing:
    processor = build_processor(settings)
    workers = settings.catalog.processing_workers
    if workers <= 0:
        return InlineProcessing(processor)
    return PooledProcessing(settings, workers, processor)
