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

"""Two hosts of one reserved_host segment fail together.

Both recoveries want the same reserved host. The second one waits (at most
wait_period_after_evacuation seconds) while the first evacuates to it, then
uses it too; if it stays busy longer, the second moves on to the next
reserved host. Never do both evacuate to one reserved host at the same
time, and neither fails because of the other.
"""

import threading

import pytest

from masakari.engine.drivers import taskflow as tf_driver
from masakari.common import coordination
from masakari.engine import driver_api
from masakari.tests.unit.engine import fakes

FIRST = "aaaaaaaa-0000-0000-0000-000000000001"
SECOND = "aaaaaaaa-0000-0000-0000-000000000002"
WAIT = 10  # real seconds any step of these tests may take at most
WAITING = "is in use by another recovery"


@pytest.fixture
def driver(conf, nova):
    return tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


@pytest.fixture
def cloud(nova):
    for name in ("h1", "h2", "r1", "r2"):
        nova.add_host(name)
    for name in ("r1", "r2"):
        nova.services[name]["status"] = "disabled"
    return {"h1": [nova.add_server("h1") for _ in range(2)],
            "h2": [nova.add_server("h2") for _ in range(2)]}


@pytest.fixture
def engine_coordination(conf):
    """The engine's coordination (database locks unless a backend is set)."""
    shared = coordination.Coordination(conf)
    yield shared
    shared.stop()


@pytest.fixture
def locks(engine_coordination):
    """The engine's locks, shared by every recovery of a test."""
    return driver_api.EngineLocks(shared=engine_coordination.engine_lock)


class Recovery:
    """One host recovery running in its own thread, as the engine does."""

    def __init__(self, driver, conf, clock, host, notification, reserved, locks):
        self.driver, self.notification = driver, notification
        self.errors = []
        self.store = fakes.FakeVMoveDB()
        runtime = fakes.make_runtime(conf, clock=clock, store=self.store,
                                     notification_uuid=notification, locks=locks)
        self.thread = threading.Thread(target=self._run,
                                       args=(host, reserved, runtime))

    def _run(self, host, reserved, runtime):
        try:
            self.driver.execute_host_failure(
                None, host, "reserved_host", self.notification, runtime=runtime,
                fenced=True, reserved_host_list=list(reserved))
        except Exception as err:  # noqa: BLE001 - checked by the test
            self.errors.append(err)

    @property
    def unreserved(self):
        return [name for name, reserved in self.store.reserved_changes if not reserved]

    def messages(self):
        details = self.driver.get_notification_recovery_workflow_details(
            None, self.notification)
        return [e["message"] for d in details for e in d["progress_details"]]

    def wait_for_message(self, text):
        found = threading.Event()
        for _ in range(WAIT * 20):
            if any(text in m for m in self.messages()):
                found.set()
                break
            found.wait(0.05)
        return found.is_set()

    def join(self):
        self.thread.join(WAIT)
        assert not self.thread.is_alive()


def hold_evacuations(nova, servers, release):
    """Evacuations of ``servers`` block until ``release`` is set."""
    started = threading.Event()
    real = nova.evacuate

    def evacuate(context, server_id, host=None):
        if server_id in servers:
            started.set()
            assert release.wait(WAIT)
        return real(context, server_id, host)
    nova.evacuate = evacuate
    return started


def evacuations(nova):
    return [(i, j[1], j[2]) for i, j in enumerate(nova.journal) if j[0] == "evacuate"]


def test_second_recovery_waits_for_the_reserved_host_then_uses_it(
        driver, nova, conf, clock, cloud, locks):
    release = threading.Event()
    started = hold_evacuations(nova, cloud["h1"], release)
    first = Recovery(driver, conf, clock, "h1", FIRST, ["r1"], locks)
    second = Recovery(driver, conf, clock, "h2", SECOND, ["r1"], locks)
    first.thread.start()
    assert started.wait(WAIT)           # the first one holds r1 now
    second.thread.start()
    try:
        # The second one reports that it waits (the details API of this
        # engine shows it while the task runs).
        assert second.wait_for_message(WAITING)
        assert not [e for e in evacuations(nova) if e[1] in cloud["h2"]]
    finally:
        release.set()
        first.join()
        second.join()
    assert first.errors == [] and second.errors == []
    for sid in cloud["h1"] + cloud["h2"]:
        assert nova.servers[sid][fakes.HOST] == "r1"
    # One recovery at a time on r1: the second evacuated only after the
    # first had confirmed and unlocked all of its instances.
    last_unlock_of_first = max(i for i, j in enumerate(nova.journal)
                               if j[0] == "unlock_server" and j[1] in cloud["h1"])
    second_evacuations = [i for i, sid, _ in evacuations(nova) if sid in cloud["h2"]]
    assert min(second_evacuations) > last_unlock_of_first
    assert first.unreserved == ["r1"] and second.unreserved == ["r1"]


def test_reserved_host_busy_too_long_second_uses_the_next_one(
        driver, nova, conf, clock, cloud, locks):
    conf.set_override("wait_period_after_evacuation", 1)
    nova.rebuild_time = 0.5
    release = threading.Event()
    started = hold_evacuations(nova, cloud["h1"], release)
    real = nova.evacuate

    def evacuate(context, server_id, host=None):
        result = real(context, server_id, host)
        if host == "r2":
            release.set()              # r1 stays busy until then
        return result
    nova.evacuate = evacuate
    first = Recovery(driver, conf, clock, "h1", FIRST, ["r1"], locks)
    second = Recovery(driver, conf, clock, "h2", SECOND, ["r1", "r2"], locks)
    first.thread.start()
    assert started.wait(WAIT)
    second.thread.start()
    try:
        second.join()
    finally:
        release.set()
        first.join()
    assert first.errors == [] and second.errors == []
    assert any(WAITING in m for m in second.messages())
    targets = {sid: host for _, sid, host in evacuations(nova)}
    assert {targets[s] for s in cloud["h1"]} == {"r1"}
    assert {targets[s] for s in cloud["h2"]} == {"r2"}   # never r1
    for sid in cloud["h2"]:
        assert nova.servers[sid][fakes.HOST] == "r2"
    assert second.unreserved == ["r2"]
