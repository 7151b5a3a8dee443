"""The database handle of a running greenroom: one engine, one session factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from greenroom.db.engine import begin_immediately, build_engine


@dataclass
class Database:
    """Owns the engine; `transaction()` is the unit of work of a request or a batch."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str) -> Database:
        engine = build_engine(url)
        return cls(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error.

        `write=True` on SQLite takes the write lock when the transaction begins
        (BEGIN IMMEDIATE): a transaction that reads and then writes would
        otherwise fail at once if another connection committed in between,
        instead of waiting for the lock.
        """
        session = self.sessions()
        if write and self.dialect == "sqlite":
            token = begin_immediately.set(True)
            try:
                session.connection()  # begins now, with the write lock
            finally:
                begin_immediately.reset(token)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
