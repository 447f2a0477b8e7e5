"""Engine and transactions: SQLite (WAL, immediate writes) by default, PostgreSQL at scale.

Every change goes through `Database.transaction()`, so a state change and the outbox rows it
causes commit together or not at all (DESIGN decision 1).
"""

from __future__ import annotations

import fcntl
import os
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer: threads and processes queue at a lock rather than in SQLite's
        # busy handler, whose growing sleeps (up to 100 ms a try) made the slowest acks slow.
        self._writer = WriterLock(url) if self.is_sqlite else None
        self._read_engine = _sqlite_read_engine(url) if self._writer is not None else None
        self._readers = (
            None
            if self._read_engine is None
            else sessionmaker(self._read_engine, expire_on_commit=False)
        )

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

    @contextmanager
    def one_statement(self) -> Iterator[Session]:
        """A session for a write that is a single statement, atomic by itself: on PostgreSQL it
        runs in autocommit, without the BEGIN and COMMIT round trips; on SQLite it takes its
        turn at the writer like any transaction."""
        if self.engine.dialect.name != "postgresql":
            with self.transaction() as session:
                yield session
            return
        with self._autocommit() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads. On a SQLite file it neither waits for nor holds up the
        writer (WAL: it reads the last commit); its connection refuses writes. On PostgreSQL it
        runs in autocommit: each statement reads the latest commit, exactly as it would inside a
        READ COMMITTED transaction, without the BEGIN and COMMIT round trips."""
        if self.engine.dialect.name == "postgresql":
            with self._autocommit() as session:
                yield session
            return
        if self._readers is None:
            with self.transaction() as session:
                yield session
            return
        with self._readers() as session, session.begin():
            yield session

    @contextmanager
    def _autocommit(self) -> Iterator[Session]:
        """A PostgreSQL session whose statements each commit on their own."""
        with self._sessions() as session:
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield session

    def after_fork(self, *, background: bool = False) -> None:
        """In a forked process: forget the parent's pooled connections (without closing them
        under the parent) so this process opens its own. `background`: it answers nobody (a
        companion), so at SQLite's writer it lets answers go first (`WriterLock`)."""
        self.engine.dispose(close=False)
        if self._read_engine is not None:
            self._read_engine.dispose(close=False)
        if self._writer is not None:
            self._writer.background = background

    def dispose(self) -> None:
        self.engine.dispose()
        if self._read_engine is not None:
            self._read_engine.dispose()
        if self._writer is not None:
            self._writer.close()


class WriterLock:
    """SQLite's one writer, taken in turn: threads of a process at a re-entrant lock, processes
    (gunicorn workers, companions, a second bot) at an flock on `<database>.lock`, which wakes
    the next waiter the moment it is free. An in-memory database has one process and needs no
    file.

    Answers first: a process that answers requests holds `<database>.lock-answers` shared while
    it waits for and holds the writer; a background process (HTTP mode's companions) passes
    through that lock exclusively before its turn, so it does not start a transaction while an
    answer waits. Without it a companion, lower in CPU priority, took the writer back-to-back
    and an answer waited behind its slowed transactions (bench-alerts SQLite answer p99 90-107
    ms without, 55-88 ms with)."""

    def __init__(self, url: str) -> None:
        database = make_url(url).database
        self._path = None if database in (None, "", ":memory:") else f"{database}.lock"
        self._threads = threading.RLock()
        self._depth = 0
        self._fds: dict[str, int] = {}
        self._pid = 0
        self.background = False

    def __enter__(self) -> None:
        self._threads.acquire()
        try:
            if self._depth == 0 and self._path is not None:
                answers = self._file("-answers")
                if self.background:  # wait while an answer waits, then take a turn
                    fcntl.flock(answers, fcntl.LOCK_EX)
                    fcntl.flock(answers, fcntl.LOCK_UN)
                else:
                    fcntl.flock(answers, fcntl.LOCK_SH)
                fcntl.flock(self._file(""), fcntl.LOCK_EX)
        except BaseException:
            self._release_answers()
            self._threads.release()
            raise
        self._depth += 1

    def __exit__(self, *_: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._path is not None:
                fcntl.flock(self._file(""), fcntl.LOCK_UN)
                self._release_answers()
        finally:
            self._threads.release()

    def _release_answers(self) -> None:
        if self._depth == 0 and self._path is not None and not self.background:
            fcntl.flock(self._file("-answers"), fcntl.LOCK_UN)

    def _file(self, suffix: str) -> int:
        """This process's own descriptors: ones inherited across a fork would share the locks."""
        if self._pid != os.getpid():
            self._fds, self._pid = {}, os.getpid()
        if suffix not in self._fds:
            assert self._path is not None
            self._fds[suffix] = os.open(self._path + suffix, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fds[suffix]

    def close(self) -> None:
        with self._threads:
            if self._pid == os.getpid():
                for fd in self._fds.values():
                    os.close(fd)
            self._fds = {}


def _sqlite_read_engine(url: str) -> Engine | None:
    """Read-only sessions on their own connections (plain BEGIN, a snapshot at the first read).
    An in-memory database lives on one connection, so it has none."""
    if make_url(url).database in (None, "", ":memory:"):
        return None
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=20
    )
    _own_transactions(engine, pragmas=["busy_timeout=30000", "query_only=ON"], begin="BEGIN")
    return engine


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Up to one connection per request thread (bot.serve.THREADS): 16 kept, 16 more in a burst.
        engine = create_engine(url, pool_size=16, max_overflow=16)
        event.listen(engine, "checkout", _refuse_closed_connection)
        return engine
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    _sqlite_immediate_transactions(engine, wal=not memory)
    return engine


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection the server closed while it sat idle (a restart, an idle
    timeout) is replaced before use. An idle connection has nothing to read, so a readable
    socket means the server hung up or said goodbye: a local poll, where a ping (pool_pre_ping)
    costs a round trip on every checkout (12-16 % of a request's CPU in paired runs). A
    connection lost without a word from the server fails on first use instead; SQLAlchemy then
    renews the whole pool and the person is asked to try again in a moment."""
    if getattr(dbapi_connection, "closed", False):
        raise DisconnectionError("the connection was closed")
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:  # not psycopg: nothing to look at
        return
    try:
        socket = pgconn.socket  # psycopg raises when the connection is already lost
    except Exception as exc:
        raise DisconnectionError("the connection was lost") from exc
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection while it was idle")


def _sqlite_immediate_transactions(engine: Engine, *, wal: bool) -> None:
    """Take SQLite's write lock at BEGIN, so concurrent writers queue instead of deadlocking."""
    pragmas = ["journal_mode=WAL"] if wal else []
    pragmas += ["foreign_keys=ON", "busy_timeout=30000"]
    _own_transactions(engine, pragmas=pragmas, begin="BEGIN IMMEDIATE")


def _own_transactions(engine: Engine, *, pragmas: list[str], begin: str) -> None:
    """Set each new connection's pragmas and emit our own BEGIN: pysqlite's transaction
    handling is switched off (the SQLAlchemy-documented recipe) so the BEGIN is ours."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)
