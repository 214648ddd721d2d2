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

"""Named locks shared by every process using the same masakari database.

They let several engines agree without a coordination backend: MySQL and
MariaDB ``GET_LOCK``, PostgreSQL session advisory locks, and for SQLite
(whose users all run on one machine) ``flock`` on a file beside the
database. Each is held by a connection or file descriptor of its own, so
the database server or the kernel frees it when the holder dies, and the
server within about SESSION_TIMEOUT seconds when the holder's machine
vanishes.

A :class:`DatabaseLocks` hands them out for one database; it owns the
connections' engine and the thread that keeps held MySQL locks alive, and
is closed with its owner (the service's coordination).  Only non-blocking
acquisition is offered; callers poll with their own deadline.  The
interface (``acquire(blocking=False)``, ``release()``) matches a tooz lock,
so the two are interchangeable.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from typing import Any, Callable

import sqlalchemy as sa

LOG = logging.getLogger(__name__)


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\0".join(parts).encode()).digest()


# A lock must not outlive its holder's machine by hours: the server drops
# a silent holder after about SESSION_TIMEOUT seconds (PostgreSQL by TCP
# keepalive, MySQL by wait_timeout, which the keeper's pings hold off for
# a live holder).
SESSION_TIMEOUT = 60
KEEPALIVE_INTERVAL = SESSION_TIMEOUT / 3


class _ConnectionLock:
    """A server-side lock held by one AUTOCOMMIT connection."""

    def __init__(self, engine: sa.engine.Engine, take: str, give: str,
                 params: dict[str, Any], setup: tuple[str, ...] = (),
                 keeper: "_Keeper | None" = None) -> None:
        self.engine = engine
        self._take = sa.text(take)
        self._give = sa.text(give)
        self._params = params
        self._setup = tuple(sa.text(statement) for statement in setup)
        self._keeper = keeper
        self._conn: sa.engine.Connection | None = None
        # The connection is used by its holder and by the keeper thread.
        self._guard = threading.Lock()

    def acquire(self, blocking: bool = False) -> bool:
        if blocking:
            raise ValueError("only non-blocking acquisition is supported")
        with self._guard:
            if self._conn is not None:
                return False
            conn = self.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT")
            try:
                for statement in self._setup:
                    conn.execute(statement, {"timeout": SESSION_TIMEOUT})
                got = conn.execute(self._take, self._params).scalar()
            except BaseException:
                conn.close()
                raise
            if got not in (1, True):
                conn.close()
                return False
            self._conn = conn
        if self._keeper is not None:
            self._keeper.add(self)
        return True

    def release(self) -> bool:
        if self._keeper is not None:
            self._keeper.discard(self)
        with self._guard:
            conn, self._conn = self._conn, None
            if conn is None:
                return False
            try:
                conn.execute(self._give, self._params).scalar()
            finally:
                # Closing a NullPool connection ends its session, and any
                # lock still attached to it, on the server.
                conn.close()
        return True

    def ping(self) -> None:
        """Show the server the holder is alive (resets wait_timeout)."""
        with self._guard:
            if self._conn is not None:
                self._conn.execute(sa.text("SELECT 1")).scalar()


class _Keeper:
    """One thread pinging the held locks that need it, while there are any."""

    def __init__(self) -> None:
        self._held: set[_ConnectionLock] = set()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, lock: _ConnectionLock) -> None:
        with self._guard:
            self._held.add(lock)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="masakari-lock-keeper",
                    daemon=True)
                self._thread.start()

    def discard(self, lock: _ConnectionLock) -> None:
        with self._guard:
            self._held.discard(lock)

    def _run(self) -> None:
        idle = threading.Event()  # never set: a wait with a deadline
        while True:
            idle.wait(KEEPALIVE_INTERVAL)
            with self._guard:
                held = list(self._held)
                if not held:
                    self._thread = None
                    return
            for lock in held:
                try:
                    lock.ping()
                except Exception as err:  # noqa: BLE001
                    # The connection is gone, and the lock with it.
                    LOG.warning("Lost a database lock (%s): %s",
                                lock._params, err)
                    self.discard(lock)


def _engine(url: sa.engine.URL) -> sa.engine.Engine:
    """The engine for lock connections.

    No pool: a lock holds its connection for minutes and closes it on
    release, so pooling would only keep idle sessions on the server.
    """
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _mysql(locks: DatabaseLocks, name: str) -> _ConnectionLock:
    # GET_LOCK names are server-wide and at most 64 characters: hash the
    # database name in so two deployments sharing a server stay apart.
    key = "masakari-" + _digest(str(locks.url.database), name).hex()[:40]
    return _ConnectionLock(
        locks.engine(), "SELECT GET_LOCK(:key, 0)",
        "SELECT RELEASE_LOCK(:key)", {"key": key},
        setup=("SET SESSION wait_timeout = :timeout",), keeper=locks.keeper)


def _postgresql(locks: DatabaseLocks, name: str) -> _ConnectionLock:
    # Advisory locks are per database already; the key is a signed bigint.
    key = int.from_bytes(_digest("masakari", name)[:8], "big", signed=True)
    # The server probes a silent client after a third of the timeout, then
    # three times more, a ninth of it apart: a vanished holder is dropped
    # after about SESSION_TIMEOUT seconds, a live one answers the probes.
    return _ConnectionLock(
        locks.engine(), "SELECT pg_try_advisory_lock(:key)",
        "SELECT pg_advisory_unlock(:key)", {"key": key},
        setup=("SELECT set_config('tcp_keepalives_idle', "
               "CAST(:timeout / 3 AS text), false)",
               "SELECT set_config('tcp_keepalives_interval', "
               "CAST(:timeout / 9 AS text), false)",
               "SELECT set_config('tcp_keepalives_count', '3', false)"))


class _FileLock:
    """``flock`` on a file in a directory beside the SQLite database."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._guard = threading.Lock()

    def acquire(self, blocking: bool = False) -> bool:
        if blocking:
            raise ValueError("only non-blocking acquisition is supported")
        with self._guard:
            if self._fd is not None:
                return False
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                         0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            return True

    def release(self) -> bool:
        with self._guard:
            fd, self._fd = self._fd, None
        if fd is None:
            return False
        os.close(fd)  # closing the descriptor drops the flock
        return True


def _sqlite(locks: DatabaseLocks, name: str) -> _FileLock | None:
    database = locks.url.database
    if not database or database == ":memory:" or database.startswith(
            "file::memory:"):
        return None  # private to this process: nothing to share
    directory = os.path.abspath(database) + ".locks"
    return _FileLock(os.path.join(directory, _digest(name).hex()[:40]))


_BY_BACKEND: dict[str, Callable[[DatabaseLocks, str], Any]] = {
    "mysql": _mysql,
    "mariadb": _mysql,
    "postgresql": _postgresql,
    "sqlite": _sqlite,
}


class DatabaseLocks:
    """The named locks of the database at ``connection``."""

    def __init__(self, connection: str) -> None:
        self.url = sa.engine.make_url(connection)
        self._factory = _BY_BACKEND.get(self.url.get_backend_name())
        self.keeper = _Keeper()
        self._engine: sa.engine.Engine | None = None
        self._guard = threading.Lock()

    def engine(self) -> sa.engine.Engine:
        with self._guard:
            if self._engine is None:
                self._engine = _engine(self.url)
            return self._engine

    def lock(self, name: str) -> Any | None:
        """A lock ``name`` shared through the database.

        None when the database cannot share one (an in-memory SQLite
        database, or a backend without named locks): the caller's
        in-process lock is then all there is.
        """
        return None if self._factory is None else self._factory(self, name)

    def close(self) -> None:
        """Forget the lock engine (held locks keep their connections)."""
        with self._guard:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()
