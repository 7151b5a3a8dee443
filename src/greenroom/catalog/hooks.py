"""The catalog registers its routes, providers, workers and commands as a plugin."""

from __future__ import annotations

import click
from fastapi import APIRouter

from greenroom.catalog.api import router
from greenroom.catalog.cli import catalog_group
from greenroom.catalog.engine import CatalogWorker
from greenroom.catalog.providers import EntityProvider, builtin_providers
from greenroom.hookspecs import hookimpl
from greenroom.runtime import Runtime
from greenroom.settings import Settings
from greenroom.workers import BackgroundWorker


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [router]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(catalog_group)


@hookimpl
def catalog_entity_providers(settings: Settings) -> list[EntityProvider]:
    return builtin_providers(settings)


@hookimpl
def background_workers(runtime: Runtime) -> list[BackgroundWorker]:
    return [CatalogWorker(runtime)]
