"""The processing loop: keeps the catalog's sources in step with what they say.

Every replica may run it: sources are claimed with a lease (and `FOR UPDATE
SKIP LOCKED` on PostgreSQL), so two workers never process the same source at
once. `wake()` makes a refresh requested in this process start at once.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from greenroom.catalog.outcome import SourceOutcome
from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.processing_pool import Processing, Result, build_processing
from greenroom.catalog.providers import EntityProvider
from greenroom.catalog.repository import (
    CatalogWriteRepository,
    WriteStats,
    bump_generation,
    catalog_is_empty,
    create_query_indexes,
    drop_query_indexes,
    now_utc,
    refresh_planner_statistics,
)
from greenroom.catalog.request_reads import RequestReads
from greenroom.catalog.source_repository import SourceRepository
from greenroom.catalog.sources.urls import redact
from greenroom.ops.metrics import (
    CATALOG_ENTITIES_WRITTEN,
    CATALOG_PASS_SECONDS,
    CATALOG_PROCESSING_ERRORS,
)
from greenroom.runtime import Runtime

log = logging.getLogger(__name__)

CLAIM_BATCH = 50
LEASE = timedelta(minutes=5)
"""How long a claim on a source lasts; renewed every third of it while the source is in flight."""
IDLE_POLL_SECONDS = 1.0
STATISTICS_AFTER_WRITES = 1000
"""A pass that wrote this many entities refreshes the planner's statistics."""
WRITE_CHUNK_ENTITIES = 10_000
"""Entities gathered before they are written in one transaction (bounds memory too)."""


@dataclass
class PassStats:
    """Figures of the latest full pass (from the first due source to an empty queue)."""

    started: float | None = None
    finished: float | None = None
    sources: int = 0
    entities: int = 0
    written: int = 0
    unchanged: int = 0
    errors: int = 0
    files_read: int = 0
    files_skipped: int = 0
    wait_seconds: float = 0.0
    """Time the writer spent waiting for sources to be read and parsed."""
    write_seconds: float = 0.0
    """Time the writer spent writing to the database."""

    def as_dict(self) -> dict[str, Any]:
        elapsed = (self.finished or time.time()) - (self.started or time.time())
        return {
            "started": self.started,
            "finished": self.finished,
            "seconds": round(elapsed, 3),
            "sources": self.sources,
            "entities": self.entities,
            "entities_per_second": round(self.entities / elapsed, 1) if elapsed > 0 else None,
            "written": self.written,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "files_read": self.files_read,
            "files_skipped": self.files_skipped,
            "wait_seconds": round(self.wait_seconds, 2),
            "write_seconds": round(self.write_seconds, 2),
        }


@dataclass
class CatalogEngine:
    runtime: Runtime
    providers: list[EntityProvider]
    processing: Processing
    wake_event: threading.Event = field(default_factory=threading.Event)
    new_pass_requested: threading.Event = field(default_factory=threading.Event)
    bulk_loading: bool = False
    current: PassStats | None = None
    last_pass: PassStats | None = None
    next_sync: float = 0.0
    lease: timedelta = LEASE
    in_flight: set[str] = field(default_factory=set)
    """Sources claimed by this engine and not finished yet: their leases are renewed."""
    _in_flight_lock: threading.Lock = field(default_factory=threading.Lock)
    _request_reads: RequestReads | None = None

    @classmethod
    def build(cls, runtime: Runtime) -> CatalogEngine:
        providers: list[EntityProvider] = [
            provider
            for group in runtime.plugins.hook.catalog_entity_providers(settings=runtime.settings)
            for provider in group
        ]
        return cls(
            runtime=runtime, providers=providers, processing=build_processing(runtime.settings)
        )

    @property
    def request_reads(self) -> RequestReads:
        """Reads for dry runs and analyses, in this process, bounded in time and number."""
        if self._request_reads is None:
            catalog = self.runtime.settings.catalog
            self._request_reads = RequestReads(
                self.processing.processor,
                timeout=catalog.request_read_timeout_seconds,
                concurrency=catalog.request_read_concurrency,
            )
        return self._request_reads

    # --- the queue --------------------------------------------------------------

    def sync_sources(self) -> None:
        """Register new sources (due now) and retire the ones no provider gives any more."""
        catalog = self.runtime.settings.catalog
        failed: set[str] = set()
        with self.runtime.database.transaction(write=True) as session:
            specs: list[SourceSpec] = []
            for provider in self.providers:
                try:
                    specs.extend(provider.sources(session))
                except Exception:
                    # One broken provider must not stop the others, nor retire its sources.
                    log.exception("entity provider %s failed to list its sources", provider.name)
                    CATALOG_PROCESSING_ERRORS.labels(provider.name).inc()
                    failed.add(provider.name)
            unique = list({spec.key: spec for spec in specs}.values())
            repository = SourceRepository(session)
            retired = repository.sync(unique, now_utc(), keep_providers=failed)
            for key in retired:
                removed = repository.remove(key, orphan_strategy=catalog.orphan_strategy)
                log.info("source %s retired; %d entities removed or orphaned", redact(key), removed)
        if retired:
            self.entities_changed()
        interval = catalog.processing_interval_seconds
        wait = interval if interval > 0 else 30.0
        self.next_sync = time.monotonic() + (min(wait, 30.0) if failed else wait)

    def process_due(self, limit: int = CLAIM_BATCH, *, max_batches: int = 20) -> int:
        """Process due sources, up to `max_batches` batches of `limit`; returns how many.

        The next batch is claimed and handed to the worker processes before the
        current one is written, so reading and parsing overlap with writing.
        """
        if self.new_pass_requested.is_set():
            # Everything was rescheduled: what ran before belongs to the previous pass.
            self.new_pass_requested.clear()
            self._finish_pass()
        if self.current is None:
            self._maybe_start_bulk_load()
        batch = self._start_batch(limit)
        if batch is None:
            self._finish_pass()
            return 0
        if self.current is None:
            self.current = PassStats(started=time.time())
        processed = 0
        try:
            for remaining in range(max_batches - 1, -1, -1):
                following = self._start_batch(limit) if remaining else None
                self._write_batch(*batch)
                processed += len(batch[0])
                if following is None:
                    break
                batch = following
        except BaseException:
            # Whatever was claimed and not finished is let go: its leases lapse and any
            # replica (this one included) claims it again.
            with self._in_flight_lock:
                self.in_flight.clear()
            raise
        return processed

    def _start_batch(self, limit: int) -> tuple[list[SourceSpec], Iterator[Result]] | None:
        """Claim due sources and start processing them; None when nothing is due."""
        # Claiming reads and then writes: take SQLite's write lock up front.
        with self.runtime.database.transaction(write=True) as session:
            due = SourceRepository(session).claim_due(now_utc(), limit=limit, lease=self.lease)
        if not due:
            return None
        with self._in_flight_lock:
            self.in_flight.update(spec.key for spec in due)
        return due, self._start_processing(due)

    def _start_processing(self, specs: list[SourceSpec]) -> Iterator[Result]:
        """Hand sources, with what their last pass read, to the processing workers."""
        with self.runtime.database.transaction() as session:
            previous = CatalogWriteRepository(session).file_states_of([s.key for s in specs])
        return self.processing.run([(spec, previous[spec.key]) for spec in specs])

    def entities_changed(self) -> None:
        """Mark committed changes to entities, so caches keyed on the generation refresh."""
        with self.runtime.database.transaction(write=True) as session:
            bump_generation(session)

    def _maybe_start_bulk_load(self) -> None:
        """An empty catalog about to be filled from many sources: defer its query indexes."""
        threshold = self.runtime.settings.catalog.bulk_load_min_sources
        if threshold <= 0 or self.bulk_loading:
            return
        with self.runtime.database.transaction() as session:
            if not catalog_is_empty(session):
                return
            if SourceRepository(session).pending_count(now_utc()) < threshold:
                return
        log.info("filling an empty catalog: query indexes are built when the pass ends")
        drop_query_indexes(self.runtime.database.engine)
        self.bulk_loading = True

    def _finish_pass(self) -> None:
        if self.bulk_loading:
            started = time.perf_counter()
            create_query_indexes(self.runtime.database.engine)
            self.bulk_loading = False
            log.info("query indexes built in %.1f s", time.perf_counter() - started)
        if self.current is None:
            return
        self.current.finished = time.time()
        self.last_pass, self.current = self.current, None
        if self.last_pass.written >= STATISTICS_AFTER_WRITES:
            refresh_planner_statistics(self.runtime.database.engine)
        log.info("catalog pass finished: %s", self.last_pass.as_dict())

    def process_source(self, spec: SourceSpec) -> WriteStats | None:
        """Process one source now (the CLI's import); returns what was written."""
        return self.process_sources([spec])[spec.key]

    def process_sources(self, specs: list[SourceSpec]) -> dict[str, WriteStats | None]:
        """Process the given sources now (the CLI's import), whether due or not."""
        return self._write_batch(specs, self._start_processing(specs))

    def _write_batch(
        self, specs: list[SourceSpec], outcomes: Iterator[Result]
    ) -> dict[str, WriteStats | None]:
        """Write a batch's outcomes in a few transactions, as they arrive.

        Outcomes are gathered until about WRITE_CHUNK_ENTITIES entities are ready and
        then written in one transaction: commits (and on SQLite, WAL checkpoints)
        stay rare, memory stays bounded however large a source is, and the write
        lock is never held while a source is still being read (a git clone can take
        minutes). A savepoint per source means a failure writing one source loses
        nothing of the others.
        """
        results: dict[str, WriteStats | None] = {}
        ready: list[tuple[SourceSpec, Result]] = []
        size = 0
        waited = time.perf_counter()
        for spec, result in zip(specs, outcomes, strict=True):
            ready.append((spec, result))
            size += len(result[0].entities) if result[0] is not None else 0
            if size >= WRITE_CHUNK_ENTITIES:
                self._note_wait(waited)
                results.update(self._write_ready(ready))
                ready, size, waited = [], 0, time.perf_counter()
        self._note_wait(waited)
        results.update(self._write_ready(ready))
        if any(stats is not None and stats.written for stats in results.values()):
            self.entities_changed()
        return results

    def _note_wait(self, since: float) -> None:
        if self.current is not None:
            self.current.wait_seconds += time.perf_counter() - since

    def _write_ready(self, ready: list[tuple[SourceSpec, Result]]) -> dict[str, WriteStats | None]:
        if not ready:
            return {}
        settings = self.runtime.settings.catalog
        interval = settings.processing_interval_seconds
        next_at = now_utc() + (
            timedelta(seconds=interval) if interval > 0 else timedelta(days=3650)
        )
        results: dict[str, WriteStats | None] = {}
        with self.runtime.database.transaction(write=True) as session:
            started = time.perf_counter()
            written, errors = self._write_outcomes(session, ready, settings.orphan_strategy)
            elapsed = time.perf_counter() - started
            share = elapsed / len(ready)  # the batch's write time, shared out between its sources
            if self.current is not None:
                self.current.write_seconds += elapsed
            finished: list[tuple[str, float, str | None]] = []
            for spec, (outcome, error, duration) in ready:
                stats = written.get(spec.key)
                error = error or errors.get(spec.key)
                if stats is not None and outcome is not None:
                    self._count(spec, outcome, stats)
                if error is not None:
                    CATALOG_PROCESSING_ERRORS.labels(spec.provider).inc()
                duration += share
                CATALOG_PASS_SECONDS.labels(spec.provider).observe(duration)
                finished.append((spec.key, duration, error))
                results[spec.key] = stats
            SourceRepository(session).finish_many(finished, now=now_utc(), next_at=next_at)
        with self._in_flight_lock:
            self.in_flight.difference_update(results)
        return results

    def _write_outcomes(
        self, session: Session, ready: list[tuple[SourceSpec, Result]], orphan_strategy: str
    ) -> tuple[dict[str, WriteStats], dict[str, str]]:
        """Write the processed outcomes together; one by one when that fails.

        A savepoint per source in the one-by-one path means a failure writing one
        source loses nothing of the others; its error is reported on that source.
        """
        outcomes = [outcome for _, (outcome, _, _) in ready if outcome is not None]
        if not outcomes:
            return {}, {}
        writer = CatalogWriteRepository(session)
        checkpoints = [outcome.checkpoint() for outcome in outcomes]
        try:
            with session.begin_nested():
                return writer.write_many(
                    outcomes, orphan_strategy=orphan_strategy, now=now_utc()
                ), {}
        except Exception:
            if len(outcomes) == 1:
                log.exception("writing source %s failed", redact(outcomes[0].source_key))
                return {}, {outcomes[0].source_key: _failure()}
            log.warning(
                "writing %d sources together failed; writing them one by one", len(outcomes)
            )
            # The failed try may have added errors or dropped file versions: undo that.
            for outcome, checkpoint in zip(outcomes, checkpoints, strict=True):
                outcome.restore(checkpoint)
        written: dict[str, WriteStats] = {}
        errors: dict[str, str] = {}
        for outcome in outcomes:
            try:
                with session.begin_nested():
                    written[outcome.source_key] = CatalogWriteRepository(session).write(
                        outcome, orphan_strategy=orphan_strategy, now=now_utc()
                    )
            except Exception:
                log.exception("writing source %s failed", redact(outcome.source_key))
                errors[outcome.source_key] = _failure()
        return written, errors

    def renew_leases(self) -> int:
        """Extend the claims on the sources still in flight; returns how many were renewed.

        A batch can outlive one lease (a slow clone, a huge repository); without this,
        another replica would claim the same sources and process them twice.
        """
        with self._in_flight_lock:
            keys = sorted(self.in_flight)
        if not keys:
            return 0
        with self.runtime.database.transaction(write=True) as session:
            return SourceRepository(session).extend_leases(keys, until=now_utc() + self.lease)

    @contextmanager
    def keeping_leases(self) -> Iterator[None]:
        """Renew the leases of in-flight sources in a background thread while inside."""
        stop = threading.Event()
        interval = self.lease.total_seconds() / 3

        def keep() -> None:
            while not stop.wait(interval):
                try:
                    self.renew_leases()
                except Exception:
                    log.exception("renewing the catalog's source leases failed; retrying")

        thread = threading.Thread(target=keep, name="catalog-leases", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _count(self, spec: SourceSpec, outcome: SourceOutcome, stats: WriteStats) -> None:
        if self.current is not None:
            self.current.sources += 1
            self.current.entities += len(outcome.entities) + len(outcome.retained_refs)
            self.current.written += stats.written
            self.current.unchanged += stats.unchanged + len(outcome.retained_refs)
            self.current.errors += outcome.error_count
            self.current.files_read += outcome.files_read
            self.current.files_skipped += outcome.files_skipped
        for operation in ("inserted", "updated", "deleted", "orphaned"):
            CATALOG_ENTITIES_WRITTEN.labels(operation).inc(getattr(stats, operation))
        if outcome.error_count:
            CATALOG_PROCESSING_ERRORS.labels(spec.provider).inc(outcome.error_count)

    # --- control ----------------------------------------------------------------

    def wake(self) -> None:
        self.wake_event.set()

    def request_sync(self) -> None:
        """Every source was rescheduled: sync providers and start a new pass."""
        self.next_sync = 0.0
        self.new_pass_requested.set()
        self.wake()

    def run(self, stop: threading.Event) -> None:
        """The worker loop; returns once `stop` is set."""
        # A bulk load cut short (a crash, a restart) left indexes missing: build them.
        create_query_indexes(self.runtime.database.engine)
        try:
            with self.keeping_leases():
                self._loop(stop)
        finally:
            self.processing.shutdown()

    def _loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if time.monotonic() >= self.next_sync:
                    self.sync_sources()
                while not stop.is_set() and self.process_due():
                    pass
            except Exception:
                log.exception("catalog processing loop error; retrying")
                stop.wait(5)
            self.wake_event.wait(IDLE_POLL_SECONDS)
            self.wake_event.clear()

    def run_until_idle(self, timeout: float = 600.0) -> None:
        """Sync and process until nothing is due (for the CLI and tests)."""
        deadline = time.monotonic() + timeout
        self.sync_sources()
        with self.keeping_leases():
            while self.process_due():
                if time.monotonic() > deadline:
                    raise TimeoutError("catalog processing did not finish in time")


def _failure() -> str:
    """The exception being handled, as a source's last error."""
    exc = sys.exc_info()[1]
    return f"{type(exc).__name__}: {exc}"


def catalog_engine(runtime: Runtime) -> CatalogEngine:
    """The process's engine, built on first use."""
    return runtime.service("catalog.engine", CatalogEngine.build)


class CatalogWorker:
    name = "catalog-processing"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, stop: threading.Event) -> None:
        catalog_engine(self.runtime).run(stop)
