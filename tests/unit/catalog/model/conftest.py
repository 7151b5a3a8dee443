"""A builder for minimal valid entities of every built-in kind, to break one rule at a time."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import pytest

MINIMAL_SPECS: dict[str, dict[str, Any]] = {
    "Component": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    "API": {
        "type": "openapi",
        "lifecycle": "production",
        "owner": "team-a",
        "definition": "openapi: 3.0.0",
    },
    "Resource": {"type": "database", "owner": "team-a"},
    "System": {"owner": "team-a"},
    "Domain": {"owner": "team-a"},
    "Group": {"type": "team", "children": []},
    "User": {"memberOf": []},
    "Location": {},
    "Template": {"type": "service", "steps": [{"id": "log", "action": "debug:log"}]},
}

EntityBuilder = Callable[..., dict[str, Any]]


def build_entity(
    kind: str = "Component",
    *,
    spec: dict[str, Any] | None = None,
    drop: Iterable[str] = (),
    api_version: str | None = None,
    **metadata: Any,
) -> dict[str, Any]:
    """A valid entity of `kind`, with `spec` merged in, `drop` spec keys removed and
    `metadata` fields set (name defaults to "example")."""
    full_spec = {**copy.deepcopy(MINIMAL_SPECS[kind]), **(spec or {})}
    for key in drop:
        del full_spec[key]
    if api_version is None:
        api_version = (
            "scaffolder.backstage.io/v1beta3" if kind == "Template" else "backstage.io/v1alpha1"
        )
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "example", **metadata},
        "spec": full_spec,
    }


@pytest.fixture
def entity() -> EntityBuilder:
    """`entity(kind, spec={...}, drop=[...], api_version=..., **metadata)`."""
    return build_entity
