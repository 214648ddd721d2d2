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

"""Across engines: a reserved host used by another engine's
recovery (another process holding its lock: tooz with [coordination]
backend_url set, else the masakari database's) is waited for, or given up
for the next reserved host."""

import subprocess
import sys
import textwrap

import pytest

from masakari.common import coordination
from masakari.engine.drivers.taskflow import reserved_hosts
from masakari.tests.unit.engine.drivers.taskflow import \
    test_reserved_host_race as race
from masakari.tests.unit.engine import fakes

OTHER_ENGINE = "is in use by a recovery of another engine"
HOLDERS = {
    "tooz": textwrap.dedent("""
        import sys
        from tooz import coordination
        c = coordination.get_coordinator(sys.argv[1], b"other-engine")
        c.start()
        lock = c.get_lock(sys.argv[2].encode())
        assert lock.acquire(blocking=5)
        print("held", flush=True)
        sys.stdin.readline()
        lock.release()
        c.stop()
        print("released", flush=True)
    """),
    "database": textwrap.dedent("""
        import sys
        from masakari.db import advisory_lock
        lock = advisory_lock.DatabaseLocks(sys.argv[1]).lock(sys.argv[2])
        assert lock.acquire(blocking=False)
        print("held", flush=True)
        sys.stdin.readline()
        lock.release()
        print("released", flush=True)
    """),
}

driver = race.driver
cloud = race.cloud
engine_coordination = race.engine_coordination
locks = race.locks


class OtherEngine:
    """Another process holding the distributed lock of a reserved host."""

    def __init__(self, shared, host):
        kind, url = shared
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDERS[kind], url,
             reserved_hosts.RESERVED_LOCK_PREFIX + host],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"

    def release(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            assert self.proc.stdout.readline().strip() == "released"
            self.proc.wait(race.WAIT)


@pytest.fixture(params=sorted(HOLDERS))
def coordinated(request, conf, tmp_path):
    """(kind, url) of the lock the engines share."""
    if request.param == "tooz":
        url = f"file://{tmp_path}/locks"
        conf.set_override("backend_url", url, group="coordination")
    else:
        url = f"sqlite:///{tmp_path}/masakari.sqlite"
        conf.set_override("connection", url, group="database")
    yield request.param, url
    conf.clear_override("backend_url", group="coordination")
    conf.clear_override("connection", group="database")


def test_waits_for_a_reserved_host_another_engine_uses(
        driver, nova, conf, clock, cloud, coordinated, locks):
    other = OtherEngine(coordinated, "r1")
    start = clock.monotonic()
    # The other engine finishes 30 (virtual) seconds into the wait.
    clock.on_advance.append(
        lambda now: now - start >= 30 and other.release())
    try:
        recovery = race.Recovery(driver, conf, clock, "h1", race.FIRST,
                                 ["r1"], locks)
        recovery.thread.start()
        recovery.join()
    finally:
        other.release()
    assert recovery.errors == []
    assert any(OTHER_ENGINE in m for m in recovery.messages())
    for sid in cloud["h1"]:
        assert nova.servers[sid][fakes.HOST] == "r1"
    assert recovery.unreserved == ["r1"]


def test_moves_on_when_another_engine_keeps_the_reserved_host(
        driver, nova, conf, clock, cloud, coordinated, locks):
    conf.set_override("wait_period_after_evacuation", 1)
    nova.rebuild_time = 0.5
    other = OtherEngine(coordinated, "r1")
    try:
        recovery = race.Recovery(driver, conf, clock, "h1", race.FIRST,
                                 ["r1", "r2"], locks)
        recovery.thread.start()
        recovery.join()
    finally:
        other.release()
    assert recovery.errors == []
    assert {host for _, _, host in race.evacuations(nova)} == {"r2"}
    assert recovery.unreserved == ["r2"]


def test_without_a_backend_no_distributed_lock(conf):
    assert coordination.Coordination(conf).distributed_lock("anything") is None


def test_engine_lock_falls_back_to_the_database(conf, tmp_path):
    conf.set_override("connection", f"sqlite:///{tmp_path}/m.sqlite",
                      group="database")
    shared = coordination.Coordination(conf)
    lock = shared.engine_lock("anything")
    assert lock.acquire(blocking=False)
    assert not shared.engine_lock("anything").acquire(blocking=False)
    lock.release()
    conf.set_override("use_database_locks", False, group="coordination")
    assert shared.engine_lock("anything") is None
    shared.stop()
