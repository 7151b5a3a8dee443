"""The ASGI application: one process serves the JSON API, the UI and (embedded) the workers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from greenroom import __version__
from greenroom.api_errors import install_error_handlers
from greenroom.db import migrate
from greenroom.ops.logging import configure_logging
from greenroom.ops.middleware import RequestContextMiddleware
from greenroom.runtime import Runtime
from greenroom.settings import Settings, get_settings
from greenroom.web.shell import install_web
from greenroom.workers import WorkerPool

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the application; routes and workers come from the plugins."""
    runtime = runtime or Runtime.build(settings or get_settings())
    settings = runtime.settings
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime.database.dialect == "sqlite":
            # The embedded database upgrades itself; PostgreSQL is upgraded by the
            # operator (`greenroom db upgrade`) so replicas never race on DDL.
            migrate.upgrade(runtime.database.engine)
        workers = (
            [w for ws in runtime.plugins.hook.background_workers(runtime=runtime) for w in ws]
            if settings.run_workers
            else []
        )
        pool = WorkerPool(workers)
        pool.start()
        log.info("greenroom %s serving at %s", __version__, settings.resolved_base_url)
        try:
            yield
        finally:
            pool.shutdown()

    app = FastAPI(
        title="greenroom",
        version=__version__,
        description="Internal developer portal: software catalog and platform API.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.database = runtime.database
    app.state.settings = settings
    install_error_handlers(app)
    install_web(app, runtime)
    app.add_middleware(RequestContextMiddleware)
    for routers in runtime.plugins.hook.register_routes(settings=settings):
        for router in routers:
            app.include_router(router)
    return app
