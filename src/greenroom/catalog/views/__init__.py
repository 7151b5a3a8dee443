"""The catalog's HTML pages: the index, entity pages, and registering a component."""

from __future__ import annotations

from fastapi import APIRouter

from greenroom.catalog.views.entity import router as entity_router
from greenroom.catalog.views.graph import router as graph_router
from greenroom.catalog.views.index import router as index_router
from greenroom.catalog.views.register import router as register_router

routers: list[APIRouter] = [index_router, register_router, graph_router, entity_router]
