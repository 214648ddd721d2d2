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

def test_listing_handed_over_once(runtime):
    runtime.remember_servers("h1", [{"id": "a"}])
    assert runtime.recent_servers("h2", 5) is None
    assert runtime.recent_servers("h1", 5) == [{"id": "a"}]
    assert runtime.recent_servers("h1", 5) is None   # taken


def test_old_listing_is_not_used(runtime, clock):
    runtime.remember_servers("h1", [{"id": "a"}])
    clock.advance(5.1)
    assert runtime.recent_servers("h1", 5) is None


def test_evacuation_threads_are_shared_and_can_be_started_ahead():
    from masakari.engine.drivers.taskflow import runtime as rt

    pool = rt.evacuation_pool(3)
    assert rt.evacuation_pool(3) is pool
    assert rt.evacuation_pool(4) is not pool
    rt.prestart_evacuation_pool(3)
    assert len(pool._threads) == 3
    # Started threads are reused: running work starts no new one.
    assert pool.submit(lambda: 42).result(5) == 42
    assert len(pool._threads) == 3


def test_runtime_uses_the_pool_of_its_limit(conf, clock, vmove_db):
    from masakari.engine.drivers.taskflow import runtime as rt

    conf.set_override("max_concurrent_evacuations", 5)
    runtime = rt.Runtime(conf=conf, clock=clock, db=vmove_db)
    assert runtime.pool is rt.evacuation_pool(5)
