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

"""Database-backed named locks, on every backend and across processes."""

import os
import signal
import threading
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from masakari.db import advisory_lock
from masakari.tests.fixtures import database as db_fixture

HOLDER = textwrap.dedent("""
    import sys
    from masakari.db import advisory_lock
    if len(sys.argv) > 3:
        advisory_lock.SESSION_TIMEOUT = int(sys.argv[3])
    lock = advisory_lock.DatabaseLocks(sys.argv[1]).lock(sys.argv[2])
    assert lock.acquire(blocking=False)
    print("held", flush=True)
    if sys.stdin.readline():
        lock.release()
        print("released", flush=True)
""")


class Holder:
    """Another process holding the lock ``name`` of the test database."""

    def __init__(self, url, name, *args):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, url, name, *map(str, args)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"

    def release(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "released"
        self.proc.wait(30)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def freeze(self):
        """Like a vanished machine: the connection stays, nobody answers."""
        self.proc.send_signal(signal.SIGSTOP)


@pytest.fixture
def url(db):
    return db.url


@pytest.fixture
def locks(url):
    locks = advisory_lock.DatabaseLocks(url)
    yield locks
    locks.close()


def _wait_until(predicate, timeout=15.0):
    tick = threading.Event()
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return True
        tick.wait(0.1)
    return predicate()


def _locks(locks, name, count=2):
    return [locks.lock(name) for _ in range(count)]


def test_one_holder_at_a_time(locks):
    first, second = _locks(locks, "reserved-host-r1")
    assert first.acquire(blocking=False)
    assert not second.acquire(blocking=False)
    assert not first.acquire(blocking=False)  # not reentrant
    assert first.release()
    assert second.acquire(blocking=False)
    assert not first.acquire(blocking=False)
    assert second.release()
    assert not second.release()


def test_names_are_independent(locks):
    [one] = _locks(locks, "reserved-host-r1", 1)
    [two] = _locks(locks, "reserved-host-r2", 1)
    long_name = "x" * 300  # longer than MySQL's 64-character lock names
    [three] = _locks(locks, long_name, 1)
    try:
        assert one.acquire(blocking=False)
        assert two.acquire(blocking=False)
        assert three.acquire(blocking=False)
    finally:
        for lock in (one, two, three):
            lock.release()


def test_blocking_acquire_is_refused(locks):
    [lock] = _locks(locks, "n", 1)
    with pytest.raises(ValueError):
        lock.acquire(blocking=True)


def test_shared_with_another_process(url, locks):
    holder = Holder(url, "reserved-host-r1")
    [lock] = _locks(locks, "reserved-host-r1", 1)
    try:
        assert not lock.acquire(blocking=False)
    finally:
        holder.release()
    assert lock.acquire(blocking=False)
    lock.release()


def test_freed_when_the_holder_dies(url, locks):
    holder = Holder(url, "reserved-host-r1")
    [lock] = _locks(locks, "reserved-host-r1", 1)
    assert not lock.acquire(blocking=False)
    holder.kill()
    # The server notices the closed connection (or the kernel drops the
    # flock) at once for a killed process; poll briefly for the server.
    assert _wait_until(lambda: lock.acquire(blocking=False)), (
        "lock still held after its holder died")
    lock.release()


OPEN_TRANSACTIONS = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                  "current_database() AND pid <> pg_backend_pid() AND "
                  "state = 'idle in transaction'",
    "mysql": "SELECT count(*) FROM information_schema.innodb_trx",
}
SESSION_SETTINGS = {
    "postgresql": ("SHOW tcp_keepalives_idle", "20"),
    "mysql": ("SELECT @@session.wait_timeout", 60),
}


def test_a_held_lock_keeps_no_transaction_open_and_a_short_session(db, locks):
    """No transaction stays open while a lock is held, and the server drops
    a vanished holder within a minute: PostgreSQL probes the connection,
    MySQL times it out (the keeper pings a live holder). SQLite's flock
    dies with the process."""
    [lock] = _locks(locks, "n", 1)
    assert lock.acquire(blocking=False)
    try:
        if db.backend == "sqlite":
            assert isinstance(lock, advisory_lock._FileLock)
            return
        with db.engine().connect() as conn:
            assert conn.execute(sa.text(
                OPEN_TRANSACTIONS[db.backend])).scalar() == 0
        query, expected = SESSION_SETTINGS[db.backend]
        assert lock._conn.execute(sa.text(query)).scalar() == expected
    finally:
        lock.release()


@pytest.mark.parametrize("connection", [
    "sqlite://", "sqlite:///:memory:", "oracle://u:p@h/db"])
def test_no_shared_lock_without_a_shared_database(connection):
    assert advisory_lock.DatabaseLocks(connection).lock("n") is None


def test_sqlite_lock_files_live_beside_the_database(tmp_path):
    lock = advisory_lock.DatabaseLocks(f"sqlite:///{tmp_path}/m.db").lock("n")
    assert lock.acquire(blocking=False)
    assert os.listdir(tmp_path / "m.db.locks")
    lock.release()


@pytest.fixture(scope="module")
def mysql_url():
    database = db_fixture.TestDatabase("mysql")
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture
def mysql_locks(mysql_url):
    locks = advisory_lock.DatabaseLocks(mysql_url)
    yield locks
    locks.close()


def test_mysql_keeper_holds_off_wait_timeout(mysql_locks, monkeypatch):
    monkeypatch.setattr(advisory_lock, "SESSION_TIMEOUT", 1)
    monkeypatch.setattr(advisory_lock, "KEEPALIVE_INTERVAL", 0.2)
    first, second = _locks(mysql_locks, "kept")
    assert first.acquire(blocking=False)
    try:
        # Three wait_timeouts: without the pings the server would have
        # closed the holder's connection and freed the lock.
        assert not _wait_until(lambda: second.acquire(blocking=False), 3.5)
    finally:
        first.release()
    assert second.acquire(blocking=False)
    second.release()


def test_mysql_frees_the_lock_of_a_frozen_holder(mysql_url, mysql_locks):
    holder = Holder(mysql_url, "frozen", 1)
    [lock] = _locks(mysql_locks, "frozen", 1)
    try:
        assert not lock.acquire(blocking=False)
        holder.freeze()
        assert _wait_until(lambda: lock.acquire(blocking=False))
        lock.release()
    finally:
        holder.kill()
