"""The ASGI application: one process serves the JSON API, the UI and (embedded) the workers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from greenroom import __version__
from greenroom.api_errors import install_error_handlers
from greenroom.audit.middleware import AuditMiddleware
from greenroom.auth.authorization import Permissions, read_guard
from greenroom.auth.permissions import Action
from greenroom.auth.policy import DefaultPolicy
from greenroom.db import migrate
from greenroom.errors import ConfigurationError
from greenroom.ops.logging import configure_logging
from greenroom.ops.middleware import RequestContextMiddleware
from greenroom.runtime import Runtime
from greenroom.settings import Settings, get_settings
from greenroom.web.csrf import csrf_guard
from greenroom.web.protection import SecurityHeadersMiddleware
from greenroom.web.shell import install_web
from greenroom.workers import WorkerPool

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the application; routes and workers come from the plugins."""
    runtime = runtime or Runtime.build(settings or get_settings())
    settings = runtime.settings
    configure_logging(settings)
    check_safe_to_serve(settings)

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
        swagger_ui_oauth2_redirect_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # Every route: CSRF for cookie-authenticated changes, and a read permission for GETs.
        dependencies=[Depends(csrf_guard), Depends(read_guard)],
    )
    app.state.runtime = runtime
    app.state.database = runtime.database
    app.state.settings = settings
    app.state.permissions = build_permissions(runtime)
    install_error_handlers(app)
    app.add_middleware(AuditMiddleware, database=runtime.database)
    install_web(app, runtime)
    app.add_middleware(
        SecurityHeadersMiddleware, https=settings.resolved_base_url.startswith("https://")
    )
    app.add_middleware(RequestContextMiddleware)
    for routers in runtime.plugins.hook.register_routes(settings=settings):
        for router in routers:
            app.include_router(router)
    return app


def build_permissions(runtime: Runtime) -> Permissions:
    """Every declared action, and the policy: a plugin's, or the default one."""
    actions: dict[str, Action] = {}
    for declared in runtime.plugins.hook.permission_actions():
        for action in declared:
            if action.name in actions and actions[action.name] != action:
                raise ConfigurationError(f"permission {action.name!r} is declared twice")
            actions[action.name] = action
    policy = runtime.plugins.hook.permission_policy(settings=runtime.settings)
    return Permissions(actions=actions, policy=policy or DefaultPolicy(runtime.settings.auth))


PLACEHOLDER_SECRETS = frozenset({"development-only-secret", "changeme", "change-me", "secret"})
MIN_SECRET_LENGTH = 32


def check_safe_to_serve(settings: Settings) -> None:
    """Refuse to start in production with settings that would make sessions forgeable."""
    secret = settings.session_secret.get_secret_value()
    if settings.env == "production":
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigurationError(
                "GREENROOM_SESSION_SECRET must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters in production (for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        if settings.auth.development_identity:
            raise ConfigurationError(
                "auth.development_identity lets anyone act as anyone; it cannot be enabled "
                "with GREENROOM_ENV=production."
            )
