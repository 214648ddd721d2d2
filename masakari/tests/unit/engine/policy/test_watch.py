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

"""The engine's periodic failover capacity check on a simulated cloud."""

import logging
import types

from masakari.engine.policy import watch
from masakari.tests.unit.engine import sim as simhelp
from masakari.tests.unit.engine.policy import helpers


class FakeDB(helpers.PolicyStore):
    def failover_segment_get_all_by_filters(self, **kwargs):
        return [types.SimpleNamespace(uuid=helpers.SEGMENT, name="seg",
                                      recovery_method="auto")]


def test_warns_once_when_capacity_is_lost_and_says_when_back(conf, caplog):
    # capacity_aware_targets stays off: the check plans with it anyway
    with simhelp.cloud() as cloud:
        cloud.add_host("h1")
        cloud.add_host("h2", vcpus=4, memory_mb=2048, local_gb=100)
        clock = simhelp.SimEngineClock(cloud.clock)
        db = FakeDB(clock)
        db.add_host("h1")
        db.add_host("h2")
        check = watch.CapacityWatch(conf, db, simhelp.nova_api(conf, cloud),
                                    clock)
        vm = cloud.add_server("h1")
        assert check.run_once() == {}
        extra = cloud.add_server("h1")
        with caplog.at_level(logging.INFO, logger=watch.__name__):
            assert check.run_once() == {helpers.SEGMENT: ["h1"]}
            assert check.run_once() == {helpers.SEGMENT: ["h1"]}
            cloud.remove_server(extra.id)
            assert check.run_once() == {}
        messages = [r.getMessage() for r in caplog.records]
        assert len(messages) == 2
        assert "seg" in messages[0] and "failure of h1" in messages[0]
        assert "capacity again" in messages[1]
        assert caplog.records[0].levelname == "WARNING"
        assert vm.id


def test_off_by_default(conf):
    check = watch.CapacityWatch(conf, None, None, None)
    check.start()
    assert not check.loop.running
