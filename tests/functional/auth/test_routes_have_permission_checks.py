"""Every route of the app is guarded: a test a later domain cannot forget to pass.

A state-changing route (POST, PUT, PATCH, DELETE) must carry a PermissionCheck
dependency: an action (`permission(...)`), a resource check the route makes
itself (`resource_permission()` with `AuthorizerDep`), or an explicit exemption
with its reason (`exempt(...)`). Every other route goes through the app-wide
read guard and CSRF guard. Routes come from every plugin, so a new domain's
routes are enumerated here the day they are registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from greenroom.app import create_app
from greenroom.auth.authorization import PermissionCheck, read_guard
from greenroom.settings import Settings
from greenroom.web.csrf import csrf_guard

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Routes FastAPI itself serves outside every router (no data), and static files.
FRAMEWORK_PATHS = {"/api/openapi.json", "/api/docs", "/static"}


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: set[str]
    dependant: Dependant


def effective_routes(app: FastAPI) -> Iterator[RouteInfo | str]:
    """Every route as FastAPI runs it (with the app's own dependencies), or the path of a
    route outside FastAPI's dependency system."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            yield RouteInfo(route.path, set(route.methods), route.dependant)
        elif hasattr(route, "effective_route_contexts"):  # FastAPI >= 0.16x: included routers
            yield from _contexts(route)
        else:
            yield str(getattr(route, "path", route))


def _contexts(included: object) -> Iterator[RouteInfo]:
    for context in included.effective_route_contexts():  # type: ignore[attr-defined]
        if hasattr(context, "effective_route_contexts"):
            yield from _contexts(context)
        else:
            yield RouteInfo(context.path, set(context.methods or ()), context.dependant)


def all_calls(dependant: Dependant) -> Iterator[object]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from all_calls(dependency)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    data = tmp_path_factory.mktemp("routes")
    return create_app(Settings(env="test", data_dir=Path(data), run_workers=False))


@pytest.fixture(scope="module")
def routes(app: FastAPI) -> list[RouteInfo]:
    found = list(effective_routes(app))
    outside = {item for item in found if isinstance(item, str)}
    assert outside <= FRAMEWORK_PATHS, f"routes outside FastAPI's dependencies: {outside}"
    guarded = [item for item in found if isinstance(item, RouteInfo)]
    assert len(guarded) > 40, "the app should have every domain's routes"
    return guarded


def test_every_state_changing_route_declares_its_permission_check(routes: list[RouteInfo]) -> None:
    unguarded = []
    for route in routes:
        if not route.methods & STATE_CHANGING:
            continue
        checks = [call for call in all_calls(route.dependant) if isinstance(call, PermissionCheck)]
        if not checks:
            unguarded.append(f"{sorted(route.methods)} {route.path}")
    assert not unguarded, (
        "state-changing routes without permission(...), resource_permission() or exempt(...): "
        + ", ".join(unguarded)
    )


def test_exemptions_say_why(routes: list[RouteInfo]) -> None:
    for route in routes:
        for call in all_calls(route.dependant):
            if isinstance(call, PermissionCheck) and call.exempt_reason is not None:
                assert len(call.exempt_reason) > 10, route.path
                assert call.audit_action, route.path


def test_every_route_passes_the_read_and_csrf_guards(routes: list[RouteInfo]) -> None:
    for route in routes:
        calls = set(map(id, all_calls(route.dependant)))
        assert id(read_guard) in calls, route.path
        assert id(csrf_guard) in calls, route.path


def test_every_checked_action_is_declared(app: FastAPI, routes: list[RouteInfo]) -> None:
    declared = set(app.state.permissions.actions)
    for route in routes:
        for call in all_calls(route.dependant):
            if isinstance(call, PermissionCheck) and call.action is not None:
                assert call.action in declared, f"{route.path} checks undeclared {call.action}"
