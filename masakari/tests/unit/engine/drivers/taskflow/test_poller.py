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

import threading

import pytest

from masakari.engine import exceptions
from masakari.testing import clock_fakes
from masakari.engine.drivers.taskflow import poller as poller_mod


def make(clock, servers, fetched, interval=0.5, cancel=None):
    def fetch(ids):
        fetched.append((clock.monotonic(), list(ids)))
        return {i: servers[i] for i in ids if i in servers}

    return poller_mod.BatchPoller(
        fetch=fetch, clock=clock, interval=interval,
        cancel=cancel or threading.Event(),
        cancelled=lambda: exceptions.RecoveryCancelled(notification_uuid="n",
                                                       reason="test"))


def test_first_round_one_interval_after_the_first_waiter():
    clock = clock_fakes.FakeClock()
    fetched = []
    poller = make(clock, {"a": {"id": "a", "done": True}}, fetched)
    started = clock.monotonic()
    server = poller.wait_for("a", lambda s: s["done"], 10, "a")
    assert server == {"id": "a", "done": True}
    # Not polled at once: the evacuation was only just requested.
    assert fetched == [(started + 0.5, ["a"])]


def test_one_fetch_per_round_for_every_waiter():
    clock = clock_fakes.FakeClock()
    fetched = []
    servers = {"a": {"id": "a", "n": 0}, "b": {"id": "b", "n": 0}}
    poller = make(clock, servers, fetched)
    results = {}

    def wait(sid):
        results[sid] = poller.wait_for(sid, lambda s: s["n"] >= 1 or None, 10, sid)

    gate = threading.Event()
    clock.on_advance.append(lambda now: gate.wait(5))
    threads = [threading.Thread(target=wait, args=(sid,)) for sid in servers]
    for thread in threads:
        thread.start()
    for _ in range(1000):   # both registered, the poller still in its sleep
        with poller._lock:
            if len(poller._waiters) == 2:
                break
        gate.wait(0.01)
    for server in servers.values():
        server["n"] = 1
    gate.set()
    for thread in threads:
        thread.join(10)
    assert set(results) == {"a", "b"}
    assert len(fetched) == 1 and sorted(fetched[0][1]) == ["a", "b"]


def test_deadline_raises_wait_timeout():
    clock = clock_fakes.FakeClock()
    poller = make(clock, {"a": {"id": "a"}}, [])
    with pytest.raises(exceptions.WaitTimeout):
        poller.wait_for("a", lambda s: None, 2, "a")
