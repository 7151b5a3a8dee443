"""Health, readiness, metrics, request ids, the OpenAPI document and error shapes."""

from __future__ import annotations

from tests.functional.conftest import PortalFactory


def test_health_and_readiness(make_portal: PortalFactory) -> None:
    portal = make_portal()
    assert portal.client.get("/healthz").json() == {"status": "ok"}
    ready = portal.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}


def test_metrics_count_requests_by_route_template(make_portal: PortalFactory) -> None:
    portal = make_portal()
    portal.client.get("/api/catalog/entities/by-name/component/default/nope")
    text = portal.client.get("/metrics").text
    assert (
        'greenroom_http_requests_total{method="GET",'
        'route="/api/catalog/entities/by-name/{kind}/{namespace}/{name}",status="404"}'
    ) in text
    assert "greenroom_catalog_processing_seconds" in text


def test_request_ids_are_returned_and_unsafe_ones_replaced(make_portal: PortalFactory) -> None:
    portal = make_portal()
    kept = portal.client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    replaced = portal.client.get("/healthz", headers={"X-Request-Id": "bad id\nwith newline"})
    assert replaced.headers["x-request-id"] != "bad id\nwith newline"
    assert len(replaced.headers["x-request-id"]) == 32


def test_openapi_document_lists_the_catalog_routes(make_portal: PortalFactory) -> None:
    portal = make_portal()
    spec = portal.client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/catalog/entities/by-query",
        "/api/catalog/entities/by-refs",
        "/api/catalog/entity-facets",
        "/api/catalog/locations",
        "/api/catalog/refresh",
    } <= paths


def test_errors_are_json_in_backstage_shape(make_portal: PortalFactory) -> None:
    portal = make_portal()
    response = portal.client.post("/api/catalog/entities/by-refs", content=b"{not json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["name"] == "InputError"
    assert body["response"] == {"statusCode": 400}
    unknown = portal.client.get("/api/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["name"] == "NotFoundError"
