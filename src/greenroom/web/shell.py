"""Installs the web shell on the app: sessions, static assets, the frame, HTML errors."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from greenroom.runtime import Runtime
from greenroom.web.errors import render_error
from greenroom.web.page import Frame
from greenroom.web.session_cookie import SESSION_COOKIE, SESSION_MAX_AGE_SECONDS
from greenroom.web.static_files import VersionedStaticFiles
from greenroom.web.templating import STATIC_DIR, build_templates


def install_web(app: FastAPI, runtime: Runtime) -> None:
    settings = runtime.settings
    entries = [e for es in runtime.plugins.hook.navigation_entries(settings=settings) for e in es]
    app.state.frame = Frame(
        templates=build_templates(runtime.plugins),
        navigation=tuple(sorted(entries, key=lambda entry: (entry.order, entry.title))),
    )
    app.state.html_error_renderer = render_error
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_SECONDS,
        same_site="lax",
        https_only=settings.resolved_base_url.startswith("https://"),
    )
    app.mount("/static", VersionedStaticFiles(directory=STATIC_DIR), name="static")
