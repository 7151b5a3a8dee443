"""The processing queue: leases, and refreshes asked for while a source is being processed."""

from __future__ import annotations

from datetime import timedelta

from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.repository import now_utc
from greenroom.catalog.source_repository import SourceRepository
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


def test_a_renewed_lease_keeps_a_source_claimed_and_a_finished_one_free(
    database: Database,
) -> None:
    other = SourceSpec("config:file:/y.yaml", "config", "file", "/y.yaml")
    start = now_utc()
    with database.transaction(write=True) as session:
        SourceRepository(session).sync([SPEC, other], start)
    with database.transaction(write=True) as session:
        SourceRepository(session).claim_due(start, limit=10, lease=timedelta(seconds=1))
    with database.transaction(write=True) as session:
        SourceRepository(session).finish(
            other.key, now=start, next_at=start, duration=0.1, error=None
        )
    with database.transaction(write=True) as session:
        renewed = SourceRepository(session).extend_leases(
            [SPEC.key, other.key], until=start + timedelta(minutes=5)
        )
    assert renewed == 1
    with database.transaction(write=True) as session:
        later = SourceRepository(session).claim_due(
            start + timedelta(seconds=2), limit=10, lease=timedelta(minutes=5)
        )
    # The renewed one is still claimed; the finished one was not claimed again by renewal.
    assert [spec.key for spec in later] == [other.key]
