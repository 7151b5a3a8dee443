"""The processing queue (one row per source, claimed with a lease) and registered locations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence, Set
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from greenroom.catalog.models import EntityRow, LocationRow, SourceFileRow, SourceRow
from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.repository import CatalogWriteRepository, chunks


class SourceRepository:
    """The processing queue: one row per source, claimed with a lease."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def sync(
        self, specs: Sequence[SourceSpec], now: datetime, *, keep_providers: Set[str] = frozenset()
    ) -> list[str]:
        """Make the table match the providers' sources; returns keys that were removed.

        Sources of `keep_providers` (which could not list theirs this time) stay.
        """
        current = {row.key: row for row in self.session.scalars(select(SourceRow))}
        wanted = {spec.key: spec for spec in specs}
        for key, spec in wanted.items():
            if key not in current:
                self.session.add(
                    SourceRow(
                        key=key,
                        provider=spec.provider,
                        type=spec.type,
                        target=spec.target,
                        next_refresh_at=now,
                    )
                )
        return [
            key
            for key, row in current.items()
            if key not in wanted and row.provider not in keep_providers
        ]

    def sync_one(self, spec: SourceSpec, now: datetime) -> None:
        """Add (or re-schedule) one source so that it is processed at once."""
        row = self.session.get(SourceRow, spec.key)
        if row is None:
            self.session.add(
                SourceRow(
                    key=spec.key,
                    provider=spec.provider,
                    type=spec.type,
                    target=spec.target,
                    next_refresh_at=now,
                )
            )
        else:
            row.next_refresh_at = now

    def remove(self, key: str, *, orphan_strategy: str) -> int:
        """Forget a source; its entities are deleted or become orphans."""
        rows = [
            (str(uid), str(ref))
            for uid, ref in self.session.execute(
                select(EntityRow.uid, EntityRow.entity_ref).where(EntityRow.source_key == key)
            )
        ]
        writer = CatalogWriteRepository(self.session)
        if orphan_strategy == "delete":
            writer.delete_entities(rows)
        else:
            writer.mark_orphans([uid for uid, _ in rows])
        self.session.execute(delete(SourceFileRow).where(SourceFileRow.source_key == key))
        self.session.execute(delete(SourceRow).where(SourceRow.key == key))
        return len(rows)

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> list[SourceSpec]:
        """Due sources, leased to this worker; other replicas skip them (SKIP LOCKED)."""
        due = (
            select(SourceRow)
            .where(SourceRow.next_refresh_at <= now)
            .where(or_(SourceRow.claimed_until.is_(None), SourceRow.claimed_until < now))
            .order_by(SourceRow.next_refresh_at)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = list(self.session.scalars(due))
        for row in rows:
            row.claimed_until = now + lease
            row.last_started_at = now
        return [SourceSpec(row.key, row.provider, row.type, row.target) for row in rows]

    def extend_leases(self, keys: Sequence[str], *, until: datetime) -> int:
        """Extend the claims on these sources (a finished source, no longer claimed, stays so)."""
        renewed = 0
        for chunk in chunks(list(keys)):
            result = self.session.execute(
                update(SourceRow)
                .where(SourceRow.key.in_(chunk), SourceRow.claimed_until.is_not(None))
                .values(claimed_until=until)
            )
            renewed += result.rowcount or 0  # type: ignore[attr-defined]
        return renewed

    def finish_many(
        self, finished: Sequence[tuple[str, float, str | None]], *, now: datetime, next_at: datetime
    ) -> None:
        """Release processed sources, given as (key, seconds spent, error or None)."""
        if not finished:
            return
        sources = cast(Table, SourceRow.__table__)
        statement = (
            update(sources)
            .where(sources.c.key == bindparam("source_key"))
            .values(
                claimed_until=None,
                last_finished_at=now,
                last_duration_seconds=bindparam("duration"),
                last_error=bindparam("error"),
                # A refresh asked for while the source was being processed (its
                # next_refresh_at moved past the claim) must not be overwritten.
                next_refresh_at=case(
                    (
                        sources.c.next_refresh_at > sources.c.last_started_at,
                        sources.c.next_refresh_at,
                    ),
                    else_=next_at,
                ),
            )
        )
        self.session.execute(
            statement,
            [
                {"source_key": key, "duration": duration, "error": error}
                for key, duration, error in finished
            ],
        )

    def finish(
        self, key: str, *, now: datetime, next_at: datetime, duration: float, error: str | None
    ) -> None:
        self.finish_many([(key, duration, error)], now=now, next_at=next_at)

    def schedule(self, keys: Sequence[str], now: datetime) -> int:
        count = 0
        for chunk in chunks(list(keys)):
            result = self.session.execute(
                update(SourceRow).where(SourceRow.key.in_(chunk)).values(next_refresh_at=now)
            )
            count += result.rowcount or 0  # type: ignore[attr-defined]
        return count

    def schedule_all(self, now: datetime) -> None:
        self.session.execute(update(SourceRow).values(next_refresh_at=now))

    def pending_count(self, now: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(SourceRow)
                .where(
                    or_(
                        SourceRow.next_refresh_at <= now,
                        SourceRow.last_finished_at.is_(None),
                        SourceRow.claimed_until.is_not(None),
                    )
                )
            )
            or 0
        )

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(SourceRow)) or 0)

    def targets(self) -> set[str]:
        """The targets of every source (to tell whether a file is already read)."""
        return set(self.session.scalars(select(SourceRow.target)))

    def source_key_of(self, entity_ref: str) -> str | None:
        return self.session.scalar(
            select(EntityRow.source_key).where(EntityRow.entity_ref == entity_ref)
        )


class LocationRepository:
    """Locations registered through the API."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[LocationRow]:
        return list(self.session.scalars(select(LocationRow).order_by(LocationRow.created_at)))

    def get(self, location_id: str) -> LocationRow | None:
        return self.session.get(LocationRow, location_id)

    def find(self, location_type: str, target: str) -> LocationRow | None:
        return self.session.scalar(
            select(LocationRow).where(
                LocationRow.type == location_type, LocationRow.target == target
            )
        )

    def add(
        self, location_type: str, target: str, now: datetime, *, trusted: bool = False
    ) -> LocationRow:
        row = LocationRow(
            id=str(uuid.uuid4()), type=location_type, target=target, created_at=now, trusted=trusted
        )
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self, row: LocationRow) -> None:
        self.session.delete(row)
        self.session.flush()
