"""The catalog registers its routes, pages, providers, workers and commands as a plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from fastapi import APIRouter
from sqlalchemy.orm import Session

from greenroom.auth.permissions import Action
from greenroom.catalog.actions import CATALOG_ACTIONS
from greenroom.catalog.api import router
from greenroom.catalog.cli import catalog_group
from greenroom.catalog.engine import CatalogWorker
from greenroom.catalog.providers import EntityProvider, builtin_providers
from greenroom.catalog.search import search_catalog
from greenroom.catalog.tabs import catalog_tabs
from greenroom.catalog.views import routers as view_routers
from greenroom.hookspecs import hookimpl
from greenroom.runtime import Runtime
from greenroom.settings import Settings
from greenroom.web.extensions import EntityTab, NavEntry, SearchResult
from greenroom.workers import BackgroundWorker


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [router, *view_routers]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(catalog_group)


@hookimpl
def catalog_entity_providers(settings: Settings) -> list[EntityProvider]:
    return builtin_providers(settings)


@hookimpl
def background_workers(runtime: Runtime) -> list[BackgroundWorker]:
    return [CatalogWorker(runtime)]


@hookimpl
def template_directories() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def navigation_entries(settings: Settings) -> list[NavEntry]:
    return [
        NavEntry("Catalog", "/catalog", icon="catalog", order=10),
        NavEntry("Docs", "/docs", icon="docs", order=30),
        NavEntry("APIs", "/api-docs", icon="apis", order=40),
        NavEntry("Create…", "/create", icon="create", order=50),
    ]


@hookimpl
def entity_tabs(entity: dict[str, Any]) -> list[EntityTab]:
    return catalog_tabs(entity)


@hookimpl
def search_results(session: Session, term: str, limit: int) -> list[SearchResult]:
    return search_catalog(session, term, limit)


@hookimpl
def permission_actions() -> list[Action]:
    return CATALOG_ACTIONS
