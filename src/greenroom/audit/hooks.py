"""The audit log registers its API, page, command and sidebar entry like any plugin."""

from __future__ import annotations

from pathlib import Path

import click
from fastapi import APIRouter

from greenroom.audit.api import router as api_router
from greenroom.audit.cli import audit_group
from greenroom.audit.views import router as views_router
from greenroom.hookspecs import hookimpl
from greenroom.settings import Settings
from greenroom.web.extensions import NavEntry


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [api_router, views_router]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(audit_group)


@hookimpl
def template_directories() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def navigation_entries(settings: Settings) -> list[NavEntry]:
    return [
        NavEntry(
            "Audit log",
            "/admin/audit",
            icon="audit",
            order=850,
            section="footer",
            action="audit.read",
        )
    ]
