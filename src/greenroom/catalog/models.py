"""The catalog's tables.

Entities are stored once, as the last good processed body, and stitched with
their relations when read: a relation emitted by one entity never forces a
rewrite of another (Backstage's fan-in re-stitching problem). Filters are
answered from `catalog_search`, a flattened, lowercased key/value table, and
from `catalog_relations`, both indexed for the lookups the API makes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.db.base import Base

REF_LENGTH = 512
SEARCH_KEY_LENGTH = 200
SEARCH_VALUE_LENGTH = 200


class EntityRow(Base):
    """One entity as served: body is the last version that processed cleanly."""

    __tablename__ = "catalog_entities"

    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_ref: Mapped[str] = mapped_column(String(REF_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(63))
    namespace: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(255), index=True)
    # The fields every catalog view filters, sorts and groups by, lowercased, as
    # columns with composite indexes: answering them from the key/value table
    # costs an index probe per candidate entity, which does not scale.
    spec_type: Mapped[str | None] = mapped_column(String(255), nullable=True)
    lifecycle: Mapped[str | None] = mapped_column(String(255), nullable=True)
    owner_ref: Mapped[str | None] = mapped_column(String(REF_LENGTH), nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    display_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_key: Mapped[str] = mapped_column(String(1024), index=True)
    location_key: Mapped[str] = mapped_column(String(2048))
    parent_ref: Mapped[str | None] = mapped_column(String(REF_LENGTH), nullable=True)
    """The Location entity whose target gave this entity (None for a root location)."""
    hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    errors: Mapped[str | None] = mapped_column(Text, nullable=True)
    orphan: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # Each index ends with what the page query needs (name, uid) so pages and counts
        # are answered from the index alone; the first also covers full-text fields.
        Index("ix_catalog_entities_kind_name", "kind", "name", "uid", "title", "display_name"),
        Index("ix_catalog_entities_kind_type", "kind", "spec_type", "lifecycle", "name", "uid"),
        Index("ix_catalog_entities_kind_lifecycle", "kind", "lifecycle", "uid"),
        # Owner within a kind (the catalog page, owner facets); an owner across all
        # kinds is looked up through catalog_relations instead.
        Index("ix_catalog_entities_kind_owner", "kind", "owner_ref", "name", "uid"),
    )


class RelationRow(Base):
    """A relation as its entity emits it: `source_ref` is always that entity.

    Only forward relations are stored; the reverse ones (ownerOf for ownedBy,
    hasMember for memberOf, ...) are read from the same rows the other way
    round. That halves the rows and indexes ingestion writes, and deleting an
    entity's relations is a delete by its own ref.
    """

    __tablename__ = "catalog_relations"

    source_ref: Mapped[str] = mapped_column(String(REF_LENGTH), primary_key=True)
    type_key: Mapped[str] = mapped_column(String(63), primary_key=True)
    target_ref: Mapped[str] = mapped_column(String(REF_LENGTH), primary_key=True)
    type: Mapped[str] = mapped_column(String(63))
    """The relation type as written (`ownedBy`); `type_key` is its lowercase form."""

    __table_args__ = (Index("ix_catalog_relations_target", "target_ref", "type_key", "source_ref"),)


UNINDEXED_VALUE = "\ufffe"
"""Stored as the value of a row whose value is too long to index (over 200 characters).

Such a row still answers "the key exists", never "the key equals". A
noncharacter, so no written value (and no filter, which refuses it) is equal
to it, and the column can be part of the primary key."""


class SearchRow(Base):
    """One flattened `key=value` pair of an entity, lowercased, for filters and facets.

    Keyed by (entity, key, value): an entity's rows are stored together (SQLite
    WITHOUT ROWID), so deleting them needs no index of its own, and ingestion
    maintains one B-tree less per row.

    No foreign key to catalog_entities: checking it cost PostgreSQL more than
    storing the row (about 60 % of the server's time writing search rows at
    ingestion). The write repository is the only writer of this table and
    deletes an entity's rows with the entity, as it does its relations.
    """

    __tablename__ = "catalog_search"

    entity_uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(SEARCH_KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(SEARCH_VALUE_LENGTH), primary_key=True)
    original_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    kind: Mapped[str] = mapped_column(String(63))
    """The entity's kind, repeated: nearly every query names one, and the index can use it."""

    __table_args__ = (
        Index("ix_catalog_search_key_value", "key", "value", "kind", "entity_uid"),
        {"sqlite_with_rowid": False},
    )


class LocationRow(Base):
    """A location registered through the API (configuration locations are not stored here)."""

    __tablename__ = "catalog_locations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(63))
    target: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    """Registered by an operator on the server (`greenroom catalog import`), not through
    the API: not confined to the registration roots and hosts (see confinement.py)."""

    __table_args__ = (UniqueConstraint("type", "target"),)


class SourceRow(Base):
    """One unit of ingestion (a root location); the processing loop claims these."""

    __tablename__ = "catalog_sources"

    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    provider: Mapped[str] = mapped_column(String(255), index=True)
    type: Mapped[str] = mapped_column(String(63))
    target: Mapped[str] = mapped_column(String(2048))
    next_refresh_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_finished_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    last_duration_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class SourceFileRow(Base):
    """A file read for a source, with its version: unchanged files are not parsed again."""

    __tablename__ = "catalog_source_files"

    source_key: Mapped[str] = mapped_column(
        String(1024), ForeignKey("catalog_sources.key", ondelete="CASCADE"), primary_key=True
    )
    location: Mapped[str] = mapped_column(String(2048), primary_key=True)
    parent_location: Mapped[str] = mapped_column(String(2048))
    version: Mapped[str | None] = mapped_column(String(255), nullable=True)
    state: Mapped[str] = mapped_column(Text)
    """JSON: entity refs, child targets, placeholder dependencies and their versions."""


class CatalogStateRow(Base):
    """Counters about the catalog as a whole; `generation` changes whenever entities do.

    Caches of derived answers (facets) are keyed on it, so they are exact
    across replicas without any cache coordination.
    """

    __tablename__ = "catalog_state"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
