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
"""SQLite transaction control: writers hold the database lock from BEGIN,
readers do not, and nothing else emits a BEGIN of its own."""

import sqlite3

import pytest
import sqlalchemy as sa

from masakari.db import api
from masakari.db import migration
from masakari.db import session as db_session


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path}/session.db"
    migration.db_sync(url=url, taskflow_connection=None)
    database = db_session.Database(url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_file(tmp_path, database):
    return str(tmp_path / "session.db")


def _can_write(path):
    """Whether another connection can take the write lock right now."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def test_writer_takes_the_lock_at_begin(sqlite_file, database):
    with database.writer() as session:
        session.execute(sa.text("SELECT 1"))
        assert not _can_write(sqlite_file)
    assert _can_write(sqlite_file)


def test_reader_does_not_block_writers(sqlite_file, database):
    with database.reader() as session:
        session.execute(sa.text("SELECT 1"))
        assert _can_write(sqlite_file)


def test_only_one_begin_listener(database):
    engine = database.get_engine()
    names = [getattr(fn, "__name__", "") for fn in engine.dispatch.begin]
    assert db_session.OSLO_DB_BEGIN_LISTENER not in names
    statements = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2]))
    db = api.DBAPI(database)
    db.failover_segment_create({"name": "s", "service_type": "COMPUTE",
                                "recovery_method": "auto"})
    db.failover_segment_get_all_by_filters()
    assert not [s for s in statements if s.strip().upper().startswith(
        "BEGIN")]


def test_lock_error_at_begin_is_an_sqlalchemy_error(sqlite_file, database):
    engine = database.get_engine()
    blocker = sqlite3.connect(sqlite_file, isolation_level=None)
    try:
        with engine.connect() as conn:
            conn.connection.dbapi_connection.execute(
                "PRAGMA busy_timeout = 0")
            conn.rollback()
            blocker.execute("BEGIN IMMEDIATE")
            token = database._immediate.set(True)
            try:
                with pytest.raises(sa.exc.OperationalError) as caught:
                    conn.execute(sa.text("SELECT 1"))
            finally:
                database._immediate.reset(token)
            assert db_session._is_locked(caught.value)
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
        engine.dispose()


class _Locked:
    """A DB-API connection whose BEGIN IMMEDIATE fails ``busy`` times."""

    def __init__(self, busy, timeout_ms=30000):
        self.busy = busy
        self.timeout_ms = timeout_ms
        self.statements = []

    def execute(self, statement):
        self.statements.append(statement)
        if statement == "PRAGMA busy_timeout":
            return sqlite3.connect(":memory:").execute(
                "SELECT %d" % self.timeout_ms)
        if statement == "BEGIN IMMEDIATE" and self.busy:
            self.busy -= 1
            raise sqlite3.OperationalError("database is locked")
        return None


def test_begin_immediate_polls_until_the_lock_is_free():
    conn, sleeps = _Locked(busy=3), []
    db_session.begin_immediate(conn, clock=lambda: 0.0, sleep=sleeps.append)
    assert sleeps == [db_session.SQLITE_BEGIN_POLL] * 3
    assert conn.statements[1] == "PRAGMA busy_timeout = 0"
    assert conn.statements[-1] == "PRAGMA busy_timeout = 30000"


def test_begin_immediate_gives_up_at_the_busy_timeout():
    conn, now = _Locked(busy=10 ** 6, timeout_ms=2000), [0.0]

    def sleep(seconds):
        now[0] += 0.5

    with pytest.raises(sqlite3.OperationalError):
        db_session.begin_immediate(conn, clock=lambda: now[0], sleep=sleep)
    assert now[0] == 2.0
    assert conn.statements[-1] == "PRAGMA busy_timeout = 2000"


def test_writer_waits_for_a_lock_held_briefly(sqlite_file, database):
    import threading

    blocker = sqlite3.connect(sqlite_file, isolation_level=None,
                              check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.2, blocker.execute, ("ROLLBACK",))
    release.start()
    try:
        db = api.DBAPI(database)
        seg = db.failover_segment_create({"name": "s", "service_type": "C",
                                          "recovery_method": "auto"})
        assert seg.name == "s"
    finally:
        release.join()
        blocker.close()


def test_writers_of_one_process_take_turns_without_polling(
        sqlite_file, database, monkeypatch):
    """While one thread's write transaction is open, another thread of
    the same process waits for its turn instead of polling SQLite's lock
    (only a writer from another process is polled for)."""
    import threading

    attempts = []
    real = db_session.begin_immediate

    def counting(dbapi_connection, *args, **kwargs):
        attempts.append(threading.current_thread().name)
        return real(dbapi_connection, *args, **kwargs)
    monkeypatch.setattr(db_session, "begin_immediate", counting)
    inside, release, second_done = (threading.Event(), threading.Event(),
                                    threading.Event())

    def first():
        with database.writer() as session:
            session.execute(sa.text("SELECT 1"))
            inside.set()
            release.wait(10)

    def second():
        with database.writer() as session:
            session.execute(sa.text("SELECT 1"))
        second_done.set()

    one = threading.Thread(target=first, name="first")
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=second, name="second")
    two.start()
    # The second writer queues in-process: it has not even tried BEGIN.
    assert not second_done.wait(0.3)
    assert attempts == ["first"]
    release.set()
    one.join(10)
    two.join(10)
    assert second_done.is_set()
    assert attempts == ["first", "second"]
