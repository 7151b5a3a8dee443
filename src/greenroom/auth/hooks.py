"""Sign-in registers its pages, API, actions and policy like any other plugin."""

from __future__ import annotations

from pathlib import Path

import click
from fastapi import APIRouter

from greenroom.auth.actions import AUTH_ACTIONS
from greenroom.auth.api import router as api_router
from greenroom.auth.cli import token_group
from greenroom.auth.development import router as development_router
from greenroom.auth.oidc import router as oidc_router
from greenroom.auth.permissions import Action
from greenroom.auth.views import router as views_router
from greenroom.hookspecs import hookimpl
from greenroom.settings import Settings


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [views_router, development_router, oidc_router, api_router]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(token_group)


@hookimpl
def template_directories() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def permission_actions() -> list[Action]:
    return AUTH_ACTIONS
