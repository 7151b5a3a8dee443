"""Leases on sources: an engine keeps the sources it is still processing claimed."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from greenroom.catalog.models import SourceRow
from tests.functional.catalog.org import write_org
from tests.functional.conftest import Portal, PortalFactory


def claimed_until(portal: Portal) -> datetime | None:
    with portal.runtime.database.transaction() as session:
        return session.scalar(select(SourceRow.claimed_until))


def test_an_engine_renews_the_leases_of_sources_it_is_still_processing(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    portal = make_portal([{"type": "file", "target": str(write_org(tmp_path / "org"))}])
    engine = portal.engine
    engine.lease = timedelta(seconds=3)  # renewed every second
    engine.sync_sources()
    batch = engine._start_batch(10)  # claimed and being processed, not written yet
    assert batch is not None
    first = claimed_until(portal)
    assert first is not None

    with engine.keeping_leases():
        deadline = time.monotonic() + 20
        while (claimed_until(portal) or first) <= first:
            assert time.monotonic() < deadline, "the lease was not renewed"
            time.sleep(0.1)

    engine._write_batch(*batch)
    assert claimed_until(portal) is None
    assert engine.in_flight == set()
    assert engine.renew_leases() == 0
    assert "ledger" in portal.names(filter="kind=component")
