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
"""The reserved host of a failed host: prepared, used, or restored."""

import pytest

from masakari.engine import exceptions
from masakari.engine.drivers import taskflow as tf_driver
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine.drivers.taskflow.test_host_failure import (
    NOTIF, Ctx, cloud)


@pytest.fixture
def driver(conf, nova):
    return tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


def _reserved_setup(nova, conf):
    from masakari.compute import exceptions as cexc
    conf.set_override("add_reserved_host_to_aggregate", True, group="host_failure")
    cloud(nova, ("h1", "r1", "r2"))
    for name in ("r1", "r2"):
        nova.services[name]["status"] = "disabled"
    nova.aggregates = [{"id": 1, "name": "a", "hosts": ["h1"]}]
    sids = [nova.add_server("h1"), nova.add_server("h1")]
    conflict = cexc.ComputeConflict(method="POST", url="x", reason="HTTP 409")
    return sids, conflict


def test_reserved_host_rolled_back_when_nothing_was_evacuated_to_it(
        driver, nova, runtime, conf):
    sids, conflict = _reserved_setup(nova, conf)
    for sid in sids:
        nova.fail("evacuate", sid, conflict)  # first attempt (r1) only
    calls = runtime.store.reserved_changes
    driver.execute_host_failure(Ctx(), "h1", "reserved_host", NOTIF, runtime=runtime,
                                fenced=True, reserved_host_list=["r1", "r2"])
    assert all(nova.servers[s][fakes.HOST] == "r2" for s in sids)
    assert calls == [("r1", False), ("r1", True), ("r2", False)]
    r1 = [j for j in nova.mutations() if "r1" in j and j[0] != "evacuate"]
    assert r1 == [
        ("add_host_to_aggregate", 1, "r1"),
        ("enable_service", "r1"),
        ("remove_host_from_aggregate", 1, "r1"),
        ("disable_service", "r1",
         "Reserved host restored by masakari: no instance was evacuated to it."),
    ]
    assert nova.services["r1"]["status"] == "disabled"
    assert nova.aggregates[0]["hosts"] == ["h1", "r2"]


def test_reserved_host_kept_when_some_instances_reached_it(driver, nova, runtime, conf):
    sids, conflict = _reserved_setup(nova, conf)
    nova.fail("evacuate", sids[0], conflict)
    nova.fail("evacuate", sids[0], conflict)
    calls = runtime.store.reserved_changes
    with pytest.raises(exceptions.HostRecoveryFailureException):
        driver.execute_host_failure(Ctx(), "h1", "reserved_host", NOTIF, runtime=runtime,
                                    fenced=True, reserved_host_list=["r1"])
    assert nova.servers[sids[1]][fakes.HOST] == "r1"
    assert calls == [("r1", False)]
    assert not [j for j in nova.journal if j[0] == "remove_host_from_aggregate"]
    assert nova.services["r1"]["status"] == "enabled"


def test_reserved_host_rollback_can_be_disabled(driver, nova, runtime, conf):
    conf.set_override("rollback_reserved_host", False, group="host_failure")
    sids, conflict = _reserved_setup(nova, conf)
    for sid in sids:
        nova.fail("evacuate", sid, conflict)
    calls = runtime.store.reserved_changes
    driver.execute_host_failure(Ctx(), "h1", "reserved_host", NOTIF, runtime=runtime,
                                fenced=True, reserved_host_list=["r1", "r2"])
    assert calls == [("r1", False), ("r2", False)]
    assert not [j for j in nova.journal if j[0] == "remove_host_from_aggregate"]
    assert nova.services["r1"]["status"] == "enabled"
