"""Sign-in registers its pages like any other plugin."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from greenroom.auth.development import router
from greenroom.hookspecs import hookimpl
from greenroom.settings import Settings


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [router]


@hookimpl
def template_directories() -> list[Path]:
    return [Path(__file__).parent / "templates"]
