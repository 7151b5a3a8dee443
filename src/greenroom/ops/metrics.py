"""Prometheus metrics: HTTP requests per route, catalog processing timings and errors."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "greenroom_http_requests_total",
    "HTTP requests handled, by route template, method and status code.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "greenroom_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
CATALOG_PASS_SECONDS = Histogram(
    "greenroom_catalog_processing_seconds",
    "Time to process one catalog source (a root location) end to end.",
    ["provider"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
CATALOG_ENTITIES_WRITTEN = Counter(
    "greenroom_catalog_entities_written_total",
    "Entities inserted, updated or deleted by catalog processing.",
    ["operation"],
    registry=REGISTRY,
)
CATALOG_PROCESSING_ERRORS = Counter(
    "greenroom_catalog_processing_errors_total",
    "Errors found while processing catalog sources (bad files, unreachable locations).",
    ["provider"],
    registry=REGISTRY,
)
CATALOG_ENTITIES = Gauge(
    "greenroom_catalog_entities",
    "Entities currently served by the catalog.",
    registry=REGISTRY,
)
