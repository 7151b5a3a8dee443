"""The web shell registers its pages and sidebar entries like any other plugin."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from greenroom.hookspecs import hookimpl
from greenroom.settings import Settings
from greenroom.web.extensions import NavEntry
from greenroom.web.views import router


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [router]


@hookimpl
def template_directories() -> list[Path]:
    return []  # the shell's own folder is always first; see templating.build_templates


@hookimpl
def navigation_entries(settings: Settings) -> list[NavEntry]:
    return [
        NavEntry("Feedback & Support", "/support", icon="support", order=800, section="footer"),
        NavEntry("Settings", "/settings", icon="settings", order=900, section="footer"),
    ]
