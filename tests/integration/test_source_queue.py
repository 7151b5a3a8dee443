"""The processing queue: leases, and refreshes asked for while a source is being processed."""

from __future__ import annotations

from datetime import timedelta

from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.repository import SourceRepository, now_utc
from greenroom.db.session import Database

SPEC = SourceSpec("config:file:/x.yaml", "config", "file", "/x.yaml")


def test_a_claimed_source_is_not_claimed_twice(database: Database) -> None:
    with database.transaction(write=True) as session:
        SourceRepository(session).sync([SPEC], now_utc())
    with database.transaction(write=True) as session:
        first = SourceRepository(session).claim_due(now_utc(), limit=10, lease=timedelta(minutes=5))
    with database.transaction(write=True) as session:
        second = SourceRepository(session).claim_due(
            now_utc(), limit=10, lease=timedelta(minutes=5)
        )
    assert [spec.key for spec in first] == [SPEC.key]
    assert second == []


def test_a_refresh_during_processing_survives_the_end_of_the_pass(database: Database) -> None:
    with database.transaction(write=True) as session:
        SourceRepository(session).sync([SPEC], now_utc())
    with database.transaction(write=True) as session:
        SourceRepository(session).claim_due(now_utc(), limit=10, lease=timedelta(minutes=5))
    with database.transaction(write=True) as session:  # POST /refresh arrives meanwhile
        SourceRepository(session).schedule([SPEC.key], now_utc() + timedelta(milliseconds=5))
    with database.transaction(write=True) as session:
        SourceRepository(session).finish(
            SPEC.key,
            now=now_utc(),
            next_at=now_utc() + timedelta(hours=1),
            duration=0.1,
            error=None,
        )
    with database.transaction(write=True) as session:
        again = SourceRepository(session).claim_due(
            now_utc() + timedelta(seconds=1), limit=10, lease=timedelta(minutes=5)
        )
    assert [spec.key for spec in again] == [SPEC.key]
