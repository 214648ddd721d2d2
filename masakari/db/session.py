# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Engine and transaction handling for the main database.

A :class:`Database` holds one oslo.db enginefacade transaction context,
pointed at ``[database] connection`` or an explicit URL; the services build
theirs in masakari/cmd and pass it down.  On SQLite every connection
runs in WAL mode (synchronous=NORMAL) with a busy timeout, and writer
transactions start with ``BEGIN IMMEDIATE`` so concurrent writers queue on
the database lock instead of failing half-way with "database is locked".
"""

import contextlib
import contextvars
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from sqlalchemy import orm

from masakari import exception

SQLITE_BUSY_TIMEOUT_MS = 30000
# oslo.db's "begin" listener on SQLite engines (it emits a plain BEGIN).
OSLO_DB_BEGIN_LISTENER = "_sqlite_emit_begin"
F = TypeVar("F", bound=Callable[..., Any])


class _Scope:
    """Per-call holder enginefacade attaches its transaction state to."""


class Database:
    """One database: its enginefacade transaction context and engine.

    Each service builds one from its configuration (:meth:`from_conf`) and
    hands it down; two instances (a test's and a benchmark's) never share
    connections.  The engine is created on first use.
    """

    def __init__(self, connection: str | None, **kwargs: Any) -> None:
        """``kwargs`` go to enginefacade's ``configure`` (e.g.
        ``max_pool_size``)."""
        if not connection:
            raise exception.DBNotConfigured()
        # oslo.db's per-checkin time.sleep(0) only helps eventlet.
        kwargs.setdefault("thread_checkin", False)
        self.url = connection
        self._ctx = enginefacade.transaction_context()
        self._ctx.configure(connection=connection, **kwargs)
        self._engine: sa.engine.Engine | None = None
        self._lock = threading.Lock()
        # Set while a writer transaction is being opened: its BEGIN is
        # IMMEDIATE on SQLite.
        self._immediate = contextvars.ContextVar(
            "masakari_db_immediate", default=False)
        # On SQLite, one writer transaction of this process at a time.
        # SQLite has one write lock per file, and a writer that finds it
        # taken polls it (see begin_immediate).  With dozens of engine
        # threads writing at once, every one of them polled: the polling
        # took a core and starved the other processes on the machine (the
        # API among them).  Queued here, the threads wait without using
        # the CPU and only the one whose turn it is polls, against other
        # processes.  Re-entrant, so that a thread opening a second writer
        # inside its first fails at SQLite's busy timeout, as it did
        # before, rather than waiting here for ever.
        self._write_turn: Any = (
            threading.RLock() if connection.startswith("sqlite")
            else contextlib.nullcontext())

    @classmethod
    def from_conf(cls, conf: Any, **kwargs: Any) -> "Database":
        """The database ``[database] connection`` names."""
        return cls(conf.database.connection, **kwargs)

    def __repr__(self) -> str:
        return "<Database %s>" % sa.engine.make_url(
            self.url).render_as_string(hide_password=True)

    def get_engine(self) -> sa.engine.Engine:
        """The writer engine (the reader one is the same unless
        configured)."""
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    engine = self._ctx.writer.get_engine()
                    _tune_engine(engine, self._immediate)
                    self._engine = engine
                engine = self._engine
        return engine

    def dispose(self) -> None:
        """Close all pooled connections (the next call reconnects)."""
        with self._lock:
            engine = self._engine
            if engine is not None:
                engine.dispose()

    @contextlib.contextmanager
    def writer(self) -> Iterator[orm.Session]:
        """A session in a write transaction, committed on normal exit."""
        self.get_engine()
        token = self._immediate.set(True)
        try:
            with self._write_turn, \
                    self._ctx.writer.using(_Scope()) as session:
                yield session
        finally:
            self._immediate.reset(token)

    @contextlib.contextmanager
    def reader(self) -> Iterator[orm.Session]:
        """A session in a read-only transaction."""
        self.get_engine()
        with self._ctx.reader.using(_Scope()) as session:
            yield session

    @contextlib.contextmanager
    def write_connection(self) -> Iterator[sa.engine.Connection]:
        """A connection in a write transaction, committed on normal exit."""
        self.get_engine()
        token = self._immediate.set(True)
        try:
            with self._write_turn, \
                    self._ctx.writer.connection.using(_Scope()) as connection:
                yield connection
        finally:
            self._immediate.reset(token)

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[sa.engine.Connection]:
        """A connection in a read-only transaction, without an ORM session.

        A pooled connection of the engine enginefacade's (synchronous)
        reader uses, whose transaction is rolled back when it is returned:
        a read needs no more, and the transaction-context machinery around
        it was a fifth of a simple API read.
        """
        with self.get_engine().connect() as connection:
            yield connection


def set_sqlite_pragmas(engine: sa.engine.Engine) -> None:
    """Busy timeout, WAL and synchronous=NORMAL on every new connection.

    Also used for the taskflow persistence engine, which shares the file.
    With WAL, NORMAL syncs at checkpoints only: every commit stays atomic
    and consistent, a process crash loses nothing, and only the last commits
    may be lost on power loss; in exchange a commit no longer costs an fsync.
    """
    if engine.dialect.name != "sqlite":
        return

    def on_connect(dbapi_con, _record):
        dbapi_con.execute("PRAGMA busy_timeout = %d" % SQLITE_BUSY_TIMEOUT_MS)
        if not _is_memory(engine.url):
            dbapi_con.execute("PRAGMA journal_mode = WAL")
            dbapi_con.execute("PRAGMA synchronous = NORMAL")

    sa.event.listen(engine, "connect", on_connect)


def _tune_engine(engine: sa.engine.Engine,
                 immediate: contextvars.ContextVar) -> None:
    if engine.dialect.name != "sqlite":
        return
    set_sqlite_pragmas(engine)

    def on_begin(conn):
        # Replaces oslo.db's BEGIN listener and sends BEGIN straight to the
        # driver: through SQLAlchemy's execute path it cost a tenth of a
        # simple API read.  Writers take the database lock at BEGIN: a deferred
        # transaction that read first and then writes fails at once with
        # "database is locked" when another writer is active, whatever the
        # busy timeout.
        if "in_transaction" not in conn.info:
            dbapi_connection = conn.connection.dbapi_connection
            statement = "BEGIN IMMEDIATE" if immediate.get() else "BEGIN"
            try:
                if immediate.get():
                    begin_immediate(dbapi_connection)
                else:
                    dbapi_connection.execute(statement)
            except sqlite3.OperationalError as exc:
                # Wrapped as SQLAlchemy would, so retry() recognises a
                # lock that outlasted the busy timeout.
                raise sa.exc.OperationalError(statement, None, exc) from exc
            conn.info["in_transaction"] = True

    for listener in list(engine.dispatch.begin):
        if getattr(listener, "__name__", "") == OSLO_DB_BEGIN_LISTENER:
            sa.event.remove(engine, "begin", listener)
    sa.event.listen(engine, "begin", on_begin)
    # Connections opened while the engine was created missed on_connect.
    engine.dispose()
    if not _is_memory(engine.url):
        _pool_sqlite_file(engine)


SQLITE_POOL_SIZE = 10
SQLITE_BEGIN_POLL = 0.0005


def begin_immediate(dbapi_connection: Any,
                    clock: Callable[[], float] = time.monotonic,
                    sleep: Callable[[float], Any] = time.sleep) -> None:
    """``BEGIN IMMEDIATE``, tried again every half millisecond while
    another connection holds the write lock, for as long as the
    connection's busy timeout.

    SQLite's own busy handler backs off up to 100 ms between tries, so a
    writer that lost the lock to a busy neighbour (the engine's flows
    write to the same file) could wait tens of milliseconds after the lock
    was free again: the tail of POST /v1/notifications on SQLite.  The
    busy timeout is off during the tries and put back after.
    """
    timeout_ms = dbapi_connection.execute("PRAGMA busy_timeout").fetchone()[0]
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = clock() + timeout_ms / 1000.0
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc) or clock() >= deadline:
                    raise
            sleep(SQLITE_BEGIN_POLL)
    finally:
        dbapi_connection.execute("PRAGMA busy_timeout = %d" % timeout_ms)


def _pool_sqlite_file(engine: sa.engine.Engine) -> None:
    """Keep SQLite file connections open between sessions.

    oslo.db forces a NullPool on SQLite files, so every session opened a
    new connection and ran the pragmas again (about 1 ms of a 3 ms
    request).  A QueuePool without an overflow limit never makes a
    caller wait for a connection (SQLite serialises writers itself); the
    listeners, including oslo.db's fork guard, move with the pool's
    dispatch.  Pre-ping is pointless for a local file.
    """
    old = engine.pool
    if not isinstance(old, sa.pool.NullPool):
        return
    engine.pool = sa.pool.QueuePool(
        old._creator, pool_size=SQLITE_POOL_SIZE, max_overflow=-1,
        recycle=old._recycle, pre_ping=False, echo=old.echo,
        logging_name=old._orig_logging_name,
        reset_on_return=old._reset_on_return, _dispatch=old.dispatch,
        dialect=old._dialect)
    old.dispose()


def _is_memory(url: sa.engine.URL) -> bool:
    return url.database in (None, "", ":memory:")


def _is_locked(exc: Exception) -> bool:
    """SQLite lock errors that survived the busy timeout are retried."""
    text = str(exc).lower()
    return isinstance(exc, (db_exc.DBError, sa.exc.OperationalError,
                            sqlite3.OperationalError)) and (
        "database is locked" in text or "database table is locked" in text)


def retry(func: F) -> F:
    """Retry a whole DB API call on deadlocks and SQLite lock errors."""
    return oslo_db_api.wrap_db_retry(
        max_retries=5, retry_interval=0.05, inc_retry_interval=True,
        max_retry_interval=1, retry_on_deadlock=True,
        exception_checker=_is_locked)(func)
