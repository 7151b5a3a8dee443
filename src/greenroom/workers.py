"""Background workers: threads in `greenroom serve` (embedded) or in `greenroom worker`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


class BackgroundWorker(Protocol):
    """A long-running loop that returns promptly once `stop` is set."""

    name: str

    def run(self, stop: threading.Event) -> None: ...


@dataclass
class WorkerPool:
    """Runs workers in daemon threads and stops them together."""

    workers: list[BackgroundWorker]
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for worker in self.workers:
            thread = threading.Thread(
                target=self._run, args=(worker,), name=f"greenroom-{worker.name}", daemon=True
            )
            thread.start()
            self.threads.append(thread)

    def _run(self, worker: BackgroundWorker) -> None:
        log.info("worker %s started", worker.name)
        try:
            worker.run(self.stop)
        except Exception:
            # A crashed worker must be visible; the process stays up for the others.
            log.exception("worker %s stopped with an error", worker.name)

    def shutdown(self, timeout: float = 10.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
