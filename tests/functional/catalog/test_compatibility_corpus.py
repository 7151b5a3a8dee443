"""The demo organisation and Backstage's own example catalog load as they should."""

from __future__ import annotations

from collections import Counter

from tests.conftest import FIXTURES, REPO_ROOT
from tests.functional.conftest import PortalFactory

DEMO = REPO_ROOT / "examples" / "demo-org" / "catalog-info.yaml"
EXAMPLES = FIXTURES / "backstage-examples"


def _all_items(portal, filter_: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    params = {"limit": 1000}
    if filter_:
        params["filter"] = filter_
    return portal.query(**params)["items"]


def test_demo_organisation_loads_with_no_errors(make_portal: PortalFactory) -> None:
    portal = make_portal([{"type": "file", "target": str(DEMO)}])
    portal.process()

    items = _all_items(portal)
    kinds = Counter(item["kind"] for item in items)
    assert kinds["Component"] >= 60
    assert kinds["API"] >= 15
    assert kinds["Group"] >= 12
    assert kinds["User"] >= 40
    assert kinds["Domain"] >= 10
    assert {"System", "Resource", "Location"} <= set(kinds)
    with_errors = [item["metadata"]["name"] for item in items if item.get("status")]
    assert with_errors == []

    api_types = {item["spec"]["type"] for item in _all_items(portal, "kind=api")}
    assert api_types == {"openapi", "asyncapi", "graphql", "grpc"}
    # `$text` definitions were read from the repositories' own files.
    for api in _all_items(portal, "kind=api"):
        assert isinstance(api["spec"]["definition"], str)
        assert len(api["spec"]["definition"]) > 50


def test_backstage_examples_load_and_invalid_ones_are_explained(make_portal: PortalFactory) -> None:
    assert EXAMPLES.is_dir(), f"the compatibility corpus is not beside the checkout: {EXAMPLES}"
    portal = make_portal(
        [
            {"type": "file", "target": str(EXAMPLES / "all.yaml")},
            {"type": "file", "target": str(EXAMPLES / "acme-corp.yaml")},
        ],
        http_timeout_seconds=2,
    )
    portal.process()

    components = portal.names(filter="kind=component")
    assert {"artist-lookup", "petstore", "playback-order", "wayback-search"} <= set(components)
    assert "team-a" in portal.names(filter="kind=group")
    assert "breanna.davison" in portal.names(filter="kind=user")
    # A user of another namespace is a separate entity, not a duplicate of default/guest.
    assert portal.entity("user", "guest", namespace="development")["metadata"]["namespace"] == (
        "development"
    )
    # The sibling-file `$text` loads.
    webhook = portal.entity("api", "petstore-webhook")
    assert "openapi" in webhook["spec"]["definition"]

    apis = portal.names(filter="kind=api")
    # No `spec.definition`: rejected, as Backstage's released schema does.
    assert "backstage-mcp-server" not in apis
    # `$text` from https (no network here): kept out, with the read error reported.
    assert "spotify" not in apis

    messages = [
        item["message"]
        for location in _all_items(portal, "kind=location")
        for item in (location.get("status") or {}).get("items", [])
    ]
    mcp = [m for m in messages if "backstage-mcp-server-api.yaml" in m]
    assert mcp, messages
    assert "spec.definition" in mcp[0]
    assert any("spotify-api.yaml" in m and "$text" in m for m in messages), messages
    # all-ai-resources.yaml points at files absent from this copy.
    assert any("ai-resources" in m for m in messages), messages
