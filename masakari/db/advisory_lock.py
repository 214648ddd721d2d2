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
the database server or the kernel frees it when the holder dies.

Only non-blocking acquisition is offered; callers poll with their own
deadline. The interface (``acquire(blocking=False)``, ``release()``)
matches a tooz lock, so the two are interchangeable.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from typing import Any, Callable

import sqlalchemy as sa


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\0".join(parts).encode()).digest()


class _ConnectionLock:
    """A server-side lock held by one AUTOCOMMIT connection."""

    def __init__(self, engine: sa.engine.Engine, take: str, give: str,
                 params: dict[str, Any]) -> None:
        self.engine = engine
        self._take = sa.text(take)
        self._give = sa.text(give)
        self._params = params
        self._conn: sa.engine.Connection | None = None

    def acquire(self, blocking: bool = False) -> bool:
        if blocking:
            raise ValueError("only non-blocking acquisition is supported")
        if self._conn is not None:
            return False
        conn = self.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT")
        try:
            got = conn.execute(self._take, self._params).scalar()
        except BaseException:
            conn.close()
            raise
        if got in (1, True):
            self._conn = conn
            return True
        conn.close()
        return False

    def release(self) -> bool:
        conn, self._conn = self._conn, None
        if conn is None:
            return False
        try:
            conn.execute(self._give, self._params).scalar()
        finally:
            # Closing returns the connection to the pool; a connection
            # that failed is invalidated, which ends its session (and the
            # lock with it) on the server.
            conn.close()
        return True


_engines: dict[str, sa.engine.Engine] = {}
_engines_guard = threading.Lock()


def _engine(url: sa.engine.URL) -> sa.engine.Engine:
    """One engine per database for lock connections.

    No pool: a lock holds its connection for minutes and closes it on
    release, so pooling would only keep idle sessions on the server.
    """
    key = url.render_as_string(hide_password=False)
    with _engines_guard:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = sa.create_engine(
                url, poolclass=sa.pool.NullPool)
        return engine


def _mysql(url: sa.engine.URL, name: str) -> _ConnectionLock:
    # GET_LOCK names are server-wide and at most 64 characters: hash the
    # database name in so two deployments sharing a server stay apart.
    key = "masakari-" + _digest(str(url.database), name).hex()[:40]
    return _ConnectionLock(_engine(url), "SELECT GET_LOCK(:key, 0)",
                           "SELECT RELEASE_LOCK(:key)", {"key": key})


def _postgresql(url: sa.engine.URL, name: str) -> _ConnectionLock:
    # Advisory locks are per database already; the key is a signed bigint.
    key = int.from_bytes(_digest("masakari", name)[:8], "big", signed=True)
    return _ConnectionLock(_engine(url), "SELECT pg_try_advisory_lock(:key)",
                           "SELECT pg_advisory_unlock(:key)", {"key": key})


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


def _sqlite(url: sa.engine.URL, name: str) -> _FileLock | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith(
            "file::memory:"):
        return None  # private to this process: nothing to share
    directory = os.path.abspath(database) + ".locks"
    return _FileLock(os.path.join(directory, _digest(name).hex()[:40]))


_BY_BACKEND: dict[str, Callable[[sa.engine.URL, str], Any]] = {
    "mysql": _mysql,
    "mariadb": _mysql,
    "postgresql": _postgresql,
    "sqlite": _sqlite,
}


def database_lock(name: str, connection: str) -> Any | None:
    """A lock ``name`` shared through the database at ``connection``.

    None when the database cannot share one (no URL, an in-memory SQLite
    database, or a backend without named locks): the caller's in-process
    lock is then all there is.
    """
    if not connection:
        return None
    url = sa.engine.make_url(connection)
    factory = _BY_BACKEND.get(url.get_backend_name())
    return None if factory is None else factory(url, name)


def dispose() -> None:
    """Forget the lock engines (held locks keep their connections)."""
    with _engines_guard:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()
