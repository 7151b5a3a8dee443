"""`greenroom serve` and `greenroom worker`."""

from __future__ import annotations

import signal
import threading

import click
import uvicorn

from greenroom.ops.logging import configure_logging
from greenroom.runtime import Runtime
from greenroom.settings import get_settings
from greenroom.workers import WorkerPool


@click.command("serve")
@click.option("--host", default=None, help="Address to bind (default: GREENROOM_HOST).")
@click.option("--port", type=int, default=None, help="Port (default: GREENROOM_PORT, 7007).")
def serve_command(host: str | None, port: int | None) -> None:
    """Serve the portal: web UI, JSON API and, embedded, the background workers."""
    from greenroom.app import create_app

    settings = get_settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    app = create_app(settings)
    click.echo(f"greenroom is serving at {settings.resolved_base_url}/")
    # proxy_headers=False: the client address must be the connection's peer, which is
    # what `auth.proxy.trusted_addresses` and the sign-in rate limit are checked against.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )


@click.command("worker")
def worker_command() -> None:
    """Run the background workers only (for production, beside `serve` replicas)."""
    settings = get_settings()
    configure_logging(settings)
    runtime = Runtime.build(settings)
    pool = WorkerPool(
        [w for ws in runtime.plugins.hook.background_workers(runtime=runtime) for w in ws]
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    pool.start()
    click.echo(f"greenroom worker running {len(pool.workers)} worker(s)")
    stopped.wait()
    pool.shutdown()
