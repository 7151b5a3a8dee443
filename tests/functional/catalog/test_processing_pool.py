"""Processing in worker processes (`catalog.processing_workers`), as `greenroom serve` does.

The workers hand the writer packed entities (rows, not parsed bodies); what is
served must be exactly what processing in this process serves. A worker that
dies must not stop ingestion.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

from greenroom.catalog.processing_pool import InlineProcessing, PooledProcessing
from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory, write

FACETS = ["kind", "spec.type", "metadata.tags", "metadata.title", "relations.ownedBy"]


def served(portal: Portal) -> dict[str, Any]:
    """Everything the API answers about the catalog, minus what differs by write (uids)."""
    items = portal.query(limit=1000, orderField="metadata.name,asc")["items"]
    for item in items:
        item["metadata"].pop("uid", None)
        item["metadata"].pop("etag", None)
    facets = portal.client.get(
        "/api/catalog/entity-facets", params=[("facet", facet) for facet in FACETS]
    ).json()["facets"]
    filtered = {
        query: portal.names(filter=query)
        for query in (
            "kind=component,relations.ownedBy=group:default/team-b",
            "kind=component,metadata.tags=java",
            "spec.definition",
            "kind=user,spec.profile.email=ada@example.com",
            "relations.hasPart=component:default/ledger",
        )
    }
    return {"items": items, "facets": facets, "filtered": filtered}


def delete_everything(portal: Portal) -> None:
    for item in portal.query(limit=1000)["items"]:
        response = portal.client.delete(f"/api/catalog/entities/by-uid/{item['metadata']['uid']}")
        assert response.status_code == 204, response.text


def test_worker_processes_serve_exactly_what_inline_processing_serves(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    root = write_org(tmp_path / "org")
    portal = make_portal([{"type": "file", "target": str(root)}], processing_workers=2)
    assert isinstance(portal.engine.processing, PooledProcessing)
    portal.process()
    pooled = served(portal)
    assert pooled["filtered"]["kind=component,relations.ownedBy=group:default/team-b"] == [
        "checkout-web",
        "money-lib",
    ]
    assert {"value": "Ledger Service", "count": 1} in pooled["facets"]["metadata.title"]

    # The same files, read again in this process, give the same answers.
    portal.engine.processing.shutdown()
    portal.engine.processing = InlineProcessing(portal.engine.processing.processor)
    delete_everything(portal)
    portal.refresh_all()
    assert served(portal) == pooled


def test_a_worker_process_that_dies_does_not_stop_ingestion(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    services = tmp_path / "org" / "services" / "catalog-info.yaml"
    root = write_org(tmp_path / "org")
    portal = make_portal([{"type": "file", "target": str(root)}], processing_workers=1)
    portal.process()
    workers = multiprocessing.active_children()
    assert workers, "the pool started no worker process"
    for worker in workers:  # as the kernel's OOM killer would
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(timeout=30)

    write(services, services.read_text().replace("Books every payment", "Books it all"))
    portal.refresh_all()
    assert portal.entity("component", "ledger")["metadata"]["description"] == "Books it all"

    # A new pool took over: the next change is processed by a live worker again.
    write(services, services.read_text().replace("Books it all", "Books once more"))
    portal.refresh_all()
    assert portal.entity("component", "ledger")["metadata"]["description"] == "Books once more"
    assert {w.pid for w in multiprocessing.active_children()}.isdisjoint({w.pid for w in workers})
