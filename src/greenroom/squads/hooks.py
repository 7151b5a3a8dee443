"""Squads and people register their page, sidebar entry and entity tabs as a plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter

from greenroom.hookspecs import hookimpl
from greenroom.settings import Settings
from greenroom.squads.tabs import squad_tabs
from greenroom.squads.views import router
from greenroom.web.extensions import EntityTab, NavEntry


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [router]


@hookimpl
def template_directories() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def navigation_entries(settings: Settings) -> list[NavEntry]:
    return [NavEntry("Your Squads", "/squads", icon="squads", order=20)]


@hookimpl
def entity_tabs(entity: dict[str, Any]) -> list[EntityTab]:
    return squad_tabs(entity)
