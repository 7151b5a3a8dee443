"""Operations registers its routes through the same hooks as every other domain."""

from __future__ import annotations

from fastapi import APIRouter

from greenroom.hookspecs import hookimpl
from greenroom.ops.api import router
from greenroom.settings import Settings


@hookimpl
def register_routes(settings: Settings) -> list[APIRouter]:
    return [router]
