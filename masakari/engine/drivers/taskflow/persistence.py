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

"""Taskflow persistence backend for the engine.

taskflow's SQLAlchemy backend builds a new ``Connection`` - with a fresh
``MetaData`` and table objects - for every storage call, so SQLAlchemy can
never reuse a compiled statement: during a recovery most of the engine's
CPU went into rebuilding tables and compiling the same UPDATE again.  Its
connections hold no per-call state (``close`` does nothing), so one shared
connection object per backend is equivalent and cheap.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
import taskflow.engines
from taskflow import task as tf_task
from taskflow.patterns import linear_flow
from taskflow.persistence import backends as tf_backends
from taskflow.persistence import models as tf_models
from taskflow.persistence.backends import impl_sqlalchemy
from taskflow.persistence.backends.sqlalchemy import tables as tf_tables
from taskflow.utils import persistence_utils as p_utils

from masakari.db import session as db_session

SQL_BACKENDS = frozenset({"sqlite", "mysql", "postgresql"})


class SharedConnectionBackend(impl_sqlalchemy.SQLAlchemyBackend):
    """SQLAlchemy backend handing out one (stateless) connection object."""

    def __init__(self, conf: dict, engine: Any = None) -> None:
        if engine is None:
            conf = _pooled_sqlite_file(conf)
        super().__init__(conf, engine=engine)
        self._shared: impl_sqlalchemy.Connection | None = None
        self._shared_lock = threading.Lock()
        # Same file as the main database on SQLite: same pragmas.
        db_session.set_sqlite_pragmas(self.engine)
        self.engine.dispose()

    def get_connection(self) -> impl_sqlalchemy.Connection:
        with self._shared_lock:
            if self._shared is None:
                self._shared = super().get_connection()
            return self._shared

    def close(self) -> None:
        with self._shared_lock:
            self._shared = None
        super().close()


def _pooled_sqlite_file(conf: dict) -> dict:
    """Engine settings keeping SQLite file connections open.

    taskflow gives a SQLite file a NullPool, so every storage call (a
    dozen per recovery task) opened a new connection, ran the pragmas and
    closed it again; and it adds a ``time.sleep(0)`` on every check-in when
    eventlet is importable, which only helps green threads.  A pool
    without an overflow limit never makes a caller wait (SQLite itself
    serialises the writers).
    """
    url = sa.engine.make_url(conf["connection"])
    if url.get_backend_name() != "sqlite" or url.database in (
            None, "", ":memory:"):
        return conf
    engine_args = {
        "poolclass": sa.pool.QueuePool,
        "pool_size": db_session.SQLITE_POOL_SIZE,
        "max_overflow": -1,
        "connect_args": {"check_same_thread": False},
    }
    return dict(conf, checkin_yield=False,
                engine_args=dict(engine_args, **conf.get("engine_args", {})))


def fetch(url: str) -> Any:
    """The persistence backend for ``url`` (shared-connection when SQL)."""
    try:
        backend_name = sa.engine.make_url(url).get_backend_name()
    except sa.exc.ArgumentError:
        backend_name = None
    if backend_name in SQL_BACKENDS:
        return SharedConnectionBackend({"connection": url})
    return tf_backends.fetch({"connection": url})


class _ProgressTask(tf_task.Task):
    """Stores what a recovery task stores: progress details and a result."""

    def execute(self, value: str) -> str:
        self.update_progress(0.5)
        return value


def run_and_forget(backend: Any, top: linear_flow.Flow) -> None:
    """Run a one-task flow under ``top`` in ``backend``, then delete it.

    Every storage statement a recovery uses is then compiled (SQLAlchemy
    caches them per engine), so the first recovery does not pay for it.
    """
    book = tf_models.LogBook(top.name)
    top.add(linear_flow.Flow("tasks").add(_ProgressTask("progress")))
    detail = p_utils.create_flow_detail(top, book=book, backend=backend)
    try:
        taskflow.engines.load(
            top,
            store={"value": book.uuid},
            flow_detail=detail,
            book=book,
            backend=backend,
        ).run()
        conn = backend.get_connection()
        conn.get_logbook(book.uuid)
    finally:
        _delete_book(backend, book.uuid, detail.uuid)


def _delete_book(backend: Any, book_uuid: str, detail_uuid: str) -> None:
    engine = getattr(backend, "engine", None)
    if engine is None:  # not SQL: taskflow's own delete is enough
        backend.get_connection().destroy_logbook(book_uuid)
        return
    # taskflow's destroy_logbook relies on ON DELETE CASCADE, which SQLite
    # does not apply (foreign keys are off): delete every level.
    tables = tf_tables.fetch(sa.MetaData())
    with engine.begin() as conn:
        conn.execute(
            tables.atomdetails.delete().where(
                tables.atomdetails.c.parent_uuid == detail_uuid
            )
        )
        conn.execute(
            tables.flowdetails.delete().where(
                tables.flowdetails.c.parent_uuid == book_uuid
            )
        )
        conn.execute(
            tables.logbooks.delete().where(tables.logbooks.c.uuid == book_uuid)
        )
