"""Every extension point of greenroom, as pluggy hook specifications.

Built-in domains implement these hooks exactly as a third-party package does
(through the `greenroom.plugins` entry-point group), so anything greenroom can
do, a company can add to without forking. Each hook is documented in
`docs/development/plugins.md`; a test fails when one is missing there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    import click
    from fastapi import APIRouter
    from sqlalchemy.orm import Session

    from greenroom.auth.permissions import Action, Policy
    from greenroom.catalog.providers import EntityProvider
    from greenroom.catalog.sources.base import LocationReader
    from greenroom.runtime import Runtime
    from greenroom.settings import Settings
    from greenroom.web.extensions import EntityTab, NavEntry, SearchResult
    from greenroom.workers import BackgroundWorker

hookspec = pluggy.HookspecMarker("greenroom")
hookimpl = pluggy.HookimplMarker("greenroom")


@hookspec
def register_routes(settings: Settings) -> list[APIRouter]:
    """Return FastAPI routers to mount on the application (JSON API or HTML pages)."""
    raise NotImplementedError


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the `greenroom` command line."""


@hookspec
def catalog_entity_providers(settings: Settings) -> list[EntityProvider]:
    """Return entity providers: sources of locations or entities the catalog ingests."""
    raise NotImplementedError


@hookspec
def catalog_location_readers(settings: Settings) -> list[LocationReader]:
    """Return location readers tried before the built-in ones (for example a new VCS host)."""
    raise NotImplementedError


@hookspec
def background_workers(runtime: Runtime) -> list[BackgroundWorker]:
    """Return background workers run by `greenroom worker` (and by `serve` when embedded)."""
    raise NotImplementedError


@hookspec
def template_directories() -> list[Path]:
    """Return folders of Jinja templates; a template named `<domain>/x.html` lives in one."""
    raise NotImplementedError


@hookspec
def navigation_entries(settings: Settings) -> list[NavEntry]:
    """Return entries for the portal's sidebar (a page, its title, its icon and order)."""
    raise NotImplementedError


@hookspec
def entity_tabs(entity: dict[str, Any]) -> list[EntityTab]:
    """Return the tabs this plugin adds to an entity's page (only those that apply to it)."""
    raise NotImplementedError


@hookspec
def search_results(session: Session, term: str, limit: int) -> list[SearchResult]:
    """Return results for the portal's global search box, best first."""
    raise NotImplementedError


@hookspec
def permission_actions() -> list[Action]:
    """Return the named actions this plugin checks (`deadletter.redeliver`, ...)."""
    raise NotImplementedError


@hookspec(firstresult=True)
def permission_policy(settings: Settings) -> Policy | None:
    """Return a policy that replaces the default one (the first plugin to return one wins)."""
