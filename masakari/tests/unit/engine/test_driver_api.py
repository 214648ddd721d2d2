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
"""The engine side of the driver seam: pools, locks, the runtime."""

import threading

from masakari.engine import app as app_mod
from masakari.engine import driver_api
from masakari.engine import store as store_mod


def test_evacuation_threads_can_be_started_ahead():
    pools = driver_api.EvacuationPools(3)
    try:
        pools.prestart()
        assert len(pools.executor._threads) == 3
        # Started threads are reused: running work starts no new one.
        assert pools.executor.submit(lambda: 42).result(5) == 42
        assert len(pools.executor._threads) == 3
    finally:
        pools.shutdown()


def test_local_locks_are_one_per_name_and_shared_locks_optional():
    locks = driver_api.EngineLocks()
    assert locks.local("a") is locks.local("a")
    assert locks.local("a") is not locks.local("b")
    assert locks.shared("a") is None
    held = threading.Lock()
    assert driver_api.EngineLocks(shared=lambda name: held).shared("a") is held


def test_every_runtime_of_an_engine_shares_its_pools_and_locks(conf, clock):
    conf.set_override("max_concurrent_evacuations", 5)
    app = app_mod.EngineApp(conf=conf, db=None, clock=clock)
    try:
        store = store_mod.EngineStore(None)
        one = app.runtime("n-1", store, threading.Event())
        two = app.runtime("n-2", store, threading.Event())
        assert one.pools is two.pools is app.pools
        assert app.pools.limit == 5
        assert one.locks is two.locks is app.locks
        assert one.clock is clock and one.notification_uuid == "n-1"
    finally:
        app.close()


def test_store_announces_reserved_flag_changes():
    class Host:
        id, uuid, name, type = 1, "u-r1", "r1", "COMPUTE"
        reserved, control_attributes, on_maintenance = True, "SSH", False

    class DB:
        def host_get_by_name(self, name):
            return Host()

        def host_update(self, uuid, values):
            row = Host()
            row.reserved = values["reserved"]
            return row

    events = []
    store = store_mod.EngineStore(
        DB(), "ctx", lambda ctx, obj, action, phase, payload, **kw:
        events.append((f"{obj}.{action}.{phase}", payload["reserved"],
                       kw["binary"])))
    store.set_host_reserved("r1", False)
    assert events == [("host.update.start", False, "masakari-engine"),
                      ("host.update.end", False, "masakari-engine")]
