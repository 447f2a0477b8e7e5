"""Engine and transactions: SQLite (WAL, immediate writes) by default, PostgreSQL at scale.

Every change goes through `Database.transaction()`, so a state change and the outbox rows it
causes commit together or not at all (DESIGN decision 1).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer: threads of this process queue here rather than in SQLite's
        # busy handler, whose growing sleeps (up to 100 ms a try) made the slowest acks slow.
        self._writer = threading.RLock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any error."""
        if self._writer is None:
            with self._sessions() as session, session.begin():
                yield session
            return
        with self._writer, self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    _sqlite_immediate_transactions(engine, wal=not memory)
    return engine


def _sqlite_immediate_transactions(engine: Engine, *, wal: bool) -> None:
    """Take SQLite's write lock at BEGIN, so concurrent writers queue instead of deadlocking.

    pysqlite's own transaction handling is switched off (the SQLAlchemy-documented recipe) so
    that BEGIN IMMEDIATE is ours to emit.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
