"""Entity providers: where the catalog's sources come from.

A provider contributes sources (root locations). The built-in ones are the
locations in configuration, the locations registered through the API, and git
discovery over many repositories. A plugin adds its own through the
`catalog_entity_providers` hook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from sqlalchemy.orm import Session

from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.source_repository import LocationRepository
from greenroom.catalog.sources.git import discover_repositories
from greenroom.settings import GitDiscoverySetting, LocationSetting, Settings, config_file_path


class EntityProvider(Protocol):
    """Contributes root locations; each becomes a source the processing loop refreshes."""

    name: str

    def sources(self, session: Session) -> list[SourceSpec]:
        """The sources this provider wants ingested now (called on every sync)."""
        ...


class ConfigLocationsProvider:
    """`catalog.locations` from settings; relative file targets are relative to greenroom.yaml."""

    name = "config"

    def __init__(self, locations: list[LocationSetting], base: Path) -> None:
        self.locations = locations
        self.base = base

    def sources(self, session: Session) -> list[SourceSpec]:
        specs = []
        for location in self.locations:
            target = location.target
            if location.type == "file" and not Path(target).is_absolute():
                target = str((self.base / target).resolve())
            specs.append(
                SourceSpec(f"config:{location.type}:{target}", self.name, location.type, target)
            )
        return specs


class RegisteredLocationsProvider:
    """Locations registered through `POST /api/catalog/locations` or `greenroom catalog import`."""

    name = "registered"

    def sources(self, session: Session) -> list[SourceSpec]:
        return [
            SourceSpec(
                registered_source_key(row.id),
                IMPORTED_PROVIDER if row.trusted else self.name,
                row.type,
                row.target,
            )
            for row in LocationRepository(session).list()
        ]


IMPORTED_PROVIDER = "imported"
"""Provider name of locations an operator imported with the CLI (trusted, not confined)."""


def registered_source_key(location_id: str) -> str:
    return f"location:{location_id}"


class GitDiscoveryProvider:
    """Scans a folder of git repositories (or a list of git URLs) for catalog files."""

    name = "git-discovery"

    def __init__(self, discoveries: list[GitDiscoverySetting], base: Path) -> None:
        self.discoveries = discoveries
        self.base = base

    def sources(self, session: Session) -> list[SourceSpec]:
        specs: list[SourceSpec] = []
        for discovery in self.discoveries:
            urls = list(discovery.urls)
            if discovery.root:
                root = Path(discovery.root)
                if not root.is_absolute():
                    root = (self.base / root).resolve()
                if root.is_dir():
                    urls.extend(discover_repositories(root))
            for url in urls:
                target = repository_target(url, discovery.branch, discovery.catalog_path)
                specs.append(SourceSpec(f"discovery:{target}", self.name, "url", target))
        return specs


def repository_target(url: str, branch: str | None, catalog_path: str) -> str:
    """The `url` location of a repository's catalog file (see sources/git.py for the forms)."""
    if "://" not in url:
        url = Path(url).resolve().as_uri()
    fragment = f"#{branch}" if branch else ""
    return f"{url}?path={quote(catalog_path)}{fragment}"


def builtin_providers(settings: Settings) -> list[EntityProvider]:
    config_file = config_file_path()
    base = config_file.parent.resolve() if config_file else Path.cwd()
    return [
        ConfigLocationsProvider(settings.catalog.locations, base),
        RegisteredLocationsProvider(),
        GitDiscoveryProvider(settings.catalog.git_discovery, base),
    ]
